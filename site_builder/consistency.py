"""Link-time checks that records agree with each other and with what their sources can carry:
contradictions a reader would find on one page, and dates that rest on inferred dates."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from site_builder import models as m
from site_builder.errors import ContentError, SourceLocation

# A Markdown link's target, inline `](...)` or in a reference definition `[x]: ...`.
_LINK_TARGET = re.compile(
    r"\]\(\s*<?([^)\s>]+)|^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE
)
_SOURCE_ADDRESS = re.compile(r"(?:^|/)sources/([a-z0-9][a-z0-9-]*)/?(?:[#?].*)?$")


def linked_sources(record: m.Record) -> set[str]:
    """The slugs of the source pages its body and Markdown fields link to."""
    slugs = set()
    for text in (record.body, *(prose.text for prose in record.prose)):
        if "sources/" not in text:  # no target in it can name a source: skip the scan
            continue
        for inline, defined in _LINK_TARGET.findall(text):
            target = inline or defined
            match = None if "://" in target else _SOURCE_ADDRESS.search(target)
            slugs |= {match.group(1)} if match else set()
    return slugs


def check_consistency(
    records: Iterable[m.Record], sources: dict[str, m.Record]
) -> list[ContentError]:
    """Every contradiction and unmarked inferred date found among the records."""
    records = list(records)
    errors = [*_rerun_contradictions(records)]
    for record in records:
        errors.extend(_unmarked_inferred_dates(record, sources))
    return errors


def _rerun_contradictions(records: list[m.Record]) -> Iterator[ContentError]:
    """A direction cannot name more cases than the reviews it ordered re-run."""
    directions = [r for r in records if isinstance(r, m.Inspection) and r.reruns_ordered]
    for direction in directions:
        if len(direction.cases) > (direction.reruns_ordered or 0):
            yield ContentError(
                SourceLocation(direction.path, direction.line_of("reruns_ordered")),
                f"'reruns_ordered' is {direction.reruns_ordered} but 'cases' lists "
                f"{len(direction.cases)} cases whose reviews it ordered re-run",
            )


# The dates that state facts from the sources (not an editor's own dates such as corrections).
_FACT_DATES = ("date", "published", "responses", "reviews", "figures", "chairs")


def _unmarked_inferred_dates(
    record: m.Record, sources: dict[str, m.Record]
) -> Iterator[ContentError]:
    """A record whose every source has an inferred date cannot state a date as known."""
    cited = [sources[slug] for slug in record.sources if slug in sources]
    if not cited or not all(_is_inferred_source(s) for s in cited):
        return
    for name, date in _fact_dates(record):
        if not date.is_inferred:
            slugs = ", ".join(s.slug for s in cited)
            yield ContentError(
                SourceLocation(record.path, record.line_of(name)),
                f"'{name}' ({date.iso}) rests only on sources whose dates are inferred "
                f"({slugs}); mark what is inferred with '?', e.g. '{date.iso}?'",
            )


def _is_inferred_source(source: m.Record) -> bool:
    return isinstance(source, m.Source) and source.published.is_inferred


def _fact_dates(record: m.Record) -> Iterator[tuple[str, m.PartialDate]]:
    for name in _FACT_DATES:
        value = getattr(record, name, None)
        if isinstance(value, m.PartialDate):
            yield name, value
        elif isinstance(value, tuple):
            for item in value:
                for part in ("date", "commissioned", "published", "as_at", "start", "end"):
                    date = getattr(item, part, None)
                    if isinstance(date, m.PartialDate):
                        yield name, date
