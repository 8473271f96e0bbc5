"""Timelines: the dated judgements, deaths and reviews of one council or of all, in order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from site_builder import models as m
from site_builder.link import Site


@dataclass(frozen=True)
class TimelineEvent:
    date: m.PartialDate
    text: str
    record: m.Record
    authority: m.Authority | None


def authority_timeline(site: Site, slug: str | None = None) -> Iterator[TimelineEvent]:
    """Dated events, oldest first: judgements, deaths and reviews (one council or all)."""
    events: list[TimelineEvent] = []
    for inspection in _listed_of(site, "inspections", site.inspections_of, slug):
        assert isinstance(inspection, m.Inspection)
        authority = site.authorities[inspection.authority]
        events.append(TimelineEvent(inspection.date, inspection.title, inspection, authority))
    for case in _listed_of(site, "cases", site.cases_of, slug):
        assert isinstance(case, m.Case)
        authority = site.authorities[case.authority]
        if case.date:
            verb = "died" if case.has_died else "was seriously harmed"
            events.append(
                TimelineEvent(case.date, f"{case.title}: the child {verb}", case, authority)
            )
        for review in case.reviews:
            if review.published:
                text = f"{case.title}: {review.kind.in_sentence} published"
                events.append(TimelineEvent(review.published, text, case, authority))
    yield from sorted(events, key=lambda e: (e.date.earliest(), e.date.latest(), e.text))


def _listed_of(
    site: Site, collection: str, backlinks: Mapping[str, tuple[m.Record, ...]], slug: str | None
) -> list[m.Record]:
    """Listed records of a collection, of one council (from its backlinks: a scan of every
    record per council would be quadratic) or of all; in slug order either way."""
    if slug is None:
        return site.listed(collection)
    return sorted(backlinks.get(slug, ()), key=lambda record: record.slug)
