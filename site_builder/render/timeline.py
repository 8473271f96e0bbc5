"""Timelines: the dated judgements, deaths and reviews of one council or of all, in order,
grouped by year."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby

from site_builder import models as m
from site_builder.link import Site
from site_builder.vocabulary import TimelineKind

# Where an event known only to its month or year goes among the dated events of its period:
# after every day of the month, after every month of the year.
_AFTER_EVERY_MONTH = 13
_AFTER_EVERY_DAY = 32


@dataclass(frozen=True)
class TimelineEvent:
    date: m.PartialDate
    text: str
    record: m.Record
    authority: m.Authority | None
    kind: TimelineKind

    @property
    def unknown_part(self) -> str:
        """What its sources leave open, as page copy: 'month not known', 'day not known', ''."""
        if not self.date.month:
            return "month not known"
        return "" if self.date.day else "day not known"

    @property
    def authority_slug(self) -> str:
        """The slug of its council ('' if none), for filtering in the browser."""
        return self.authority.slug if self.authority else ""


@dataclass(frozen=True)
class TimelineYear:
    """The events of one year, in the timeline's order."""

    year: int
    events: tuple[TimelineEvent, ...]


def timeline_order(event: TimelineEvent) -> tuple[int, int, int, str, str]:
    """Oldest first; an event known only to its month comes after the dated days of that
    month, and one known only to its year after every dated event of that year, so that
    nothing appears before what it could have followed. Ties by text, then record."""
    date = event.date
    month = date.month or _AFTER_EVERY_MONTH
    day = date.day or _AFTER_EVERY_DAY
    return (date.year, month, day, event.text, event.record.slug)


def authority_timeline(site: Site, slug: str | None = None) -> Iterator[TimelineEvent]:
    """Dated events in timeline order: judgements, deaths and reviews (one council or all)."""
    events: list[TimelineEvent] = []
    for inspection in _listed_of(site, "inspections", site.inspections_of, slug):
        assert isinstance(inspection, m.Inspection)
        authority = site.authorities[inspection.authority]
        kind = TimelineKind.of_inspection(inspection.kind)
        events.append(TimelineEvent(inspection.date, inspection.title, inspection, authority, kind))
    for case in _listed_of(site, "cases", site.cases_of, slug):
        assert isinstance(case, m.Case)
        events.extend(_case_events(case, site.authorities[case.authority]))
    yield from sorted(events, key=timeline_order)


def _case_events(case: m.Case, authority: m.Authority) -> Iterator[TimelineEvent]:
    """A case's dated events: the death or harm, and each review's publication."""
    if case.date:
        verb = "died" if case.has_died else "was seriously harmed"
        text = f"{case.title}: the child {verb}"
        yield TimelineEvent(case.date, text, case, authority, TimelineKind.DEATHS_AND_HARM)
    for review in case.reviews:
        if review.published:
            text = f"{case.title}: {review.kind.in_sentence} published"
            yield TimelineEvent(review.published, text, case, authority, TimelineKind.REVIEWS)


def timeline_years(events: Iterable[TimelineEvent]) -> tuple[TimelineYear, ...]:
    """Events (in timeline order) grouped by year, oldest year first."""
    return tuple(
        TimelineYear(year, tuple(group)) for year, group in groupby(events, lambda e: e.date.year)
    )


def kind_counts(events: Iterable[TimelineEvent]) -> tuple[tuple[TimelineKind, int], ...]:
    """How many events of each kind, in the kinds' order; kinds with none left out."""
    counts = dict.fromkeys(TimelineKind, 0)
    for event in events:
        counts[event.kind] += 1
    return tuple((kind, n) for kind, n in counts.items() if n)


def authority_counts(events: Iterable[TimelineEvent]) -> tuple[tuple[m.Authority, int], ...]:
    """How many events of each council, in name order; councils with none left out."""
    counts: dict[str, int] = {}
    by_slug: dict[str, m.Authority] = {}
    for event in events:
        if event.authority:
            counts[event.authority.slug] = counts.get(event.authority.slug, 0) + 1
            by_slug[event.authority.slug] = event.authority
    ordered = sorted(by_slug.values(), key=lambda a: (a.name, a.slug))
    return tuple((authority, counts[authority.slug]) for authority in ordered)


def _listed_of(
    site: Site, collection: str, backlinks: Mapping[str, tuple[m.Record, ...]], slug: str | None
) -> list[m.Record]:
    """Listed records of a collection, of one council (from its backlinks: a scan of every
    record per council would be quadratic) or of all; in slug order either way."""
    if slug is None:
        return site.listed(collection)
    return sorted(backlinks.get(slug, ()), key=lambda record: record.slug)
