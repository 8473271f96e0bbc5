"""When the record was last updated: the newest date its published content states."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from functools import cache
from typing import Any

from site_builder import models as m
from site_builder.render.fragments import Memo, compute


def newest_content_date(records: Iterable[m.Record], memo: Memo = compute) -> m.PartialDate | None:
    """The newest date stated in these records (reviews, corrections, replies, the records'
    own dates), never the clock; None if they state none. Each record's newest date is a
    fragment (`memo`): an edit looks again only at the records it changed.

    Dates are compared by their first day, so '2026' counts as 1 January 2026: the site was
    updated no earlier than that. An inferred date (EDTF '?') states nothing and is skipped.
    Of a withdrawn record only its corrections count, the dates its notice shows."""
    found = [date for date in memo(newest_in, list(records)) if date is not None]
    return max(found, key=_newness, default=None)


def newest_in(record: m.Record) -> m.PartialDate | None:
    """The newest date one record states, as newest_content_date counts them."""
    dates = [c.date for c in record.corrections] if record.is_withdrawn else _dates_in(record)
    return max((date for date in dates if not date.is_inferred), key=_newness, default=None)


def _newness(date: m.PartialDate) -> tuple[dt.date, bool, bool]:
    return date.earliest(), date.day > 0, date.month > 0


def _dates_in(record: m.Record) -> list[m.PartialDate]:
    """Every date in a record's fields, nested entries (reviews, figures, chairs) too."""
    found: list[m.PartialDate] = []
    pending: list[object] = [record]
    while pending:
        value: Any = pending.pop()
        kind: type = type(value)
        parts = _parts(kind)
        if parts is _DATE:
            found.append(value)
        elif parts is _ITEMS:
            pending.extend(value)
        else:
            pending.extend([getattr(value, name) for name in parts])
    return found


_DATE: tuple[str, ...] = ("a date",)
_ITEMS: tuple[str, ...] = ("a tuple's items",)


@cache
def _parts(kind: type) -> tuple[str, ...]:
    """Where a value of this type may hold dates: _DATE, _ITEMS, or for a dataclass the names
    of its fields that state something (references, prose and lines repeat what the fields
    say); () for anything else."""
    if issubclass(kind, m.PartialDate):
        return _DATE
    if issubclass(kind, tuple):
        return _ITEMS
    if dataclasses.is_dataclass(kind):
        return tuple(field.name for field in dataclasses.fields(kind) if field.compare)
    return ()
