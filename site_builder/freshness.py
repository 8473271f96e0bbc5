"""When the record was last updated: the newest date its published content states."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any

from site_builder import models as m


def newest_content_date(records: Iterable[m.Record]) -> m.PartialDate | None:
    """The newest date stated in these records (reviews, corrections, replies, the records'
    own dates), never the clock; None if they state none.

    Dates are compared by their first day, so '2026' counts as 1 January 2026: the site was
    updated no earlier than that. An inferred date (EDTF '?') states nothing and is skipped.
    Of a withdrawn record only its corrections count, the dates its notice shows."""
    found = [
        date
        for record in records
        for date in (
            (c.date for c in record.corrections) if record.is_withdrawn else _dates_in(record)
        )
        if not date.is_inferred
    ]
    return max(found, key=lambda d: (d.earliest(), d.day > 0, d.month > 0), default=None)


def _dates_in(value: Any) -> Iterator[m.PartialDate]:
    """Every date in a record's fields, nested entries (reviews, figures, chairs) too."""
    if isinstance(value, m.PartialDate):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _dates_in(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.compare:  # references, prose and lines repeat what the fields say
                yield from _dates_in(getattr(value, field.name))
