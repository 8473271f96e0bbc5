"""The national timeline's pages: every event, and one page per kind of event, each with the
links that filter it without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from site_builder import models as m
from site_builder import urls
from site_builder.link import Site
from site_builder.render import meta
from site_builder.render import timeline as t
from site_builder.render.pages import PageContext
from site_builder.vocabulary import TimelineKind

DESCRIPTION = "Every dated judgement, death and review in the record, oldest first, by year."


@dataclass(frozen=True)
class KindLink:
    """A link to the timeline of one kind of event, with how many events it lists."""

    kind: TimelineKind
    count: int
    output_path: str


@dataclass(frozen=True)
class TimelinePage(PageContext):
    years: tuple[t.TimelineYear, ...]
    event_count: int
    kind: TimelineKind | None  # the one kind of event the page lists, or None for all
    kinds: tuple[KindLink, ...]  # every kind on the whole timeline
    councils: tuple[tuple[m.Authority, int], ...]  # the councils of its events, and how many
    everything_path: str = urls.PAGE_PATHS["timeline"]

    @property
    def total(self) -> int:
        """How many events the whole timeline lists."""
        return sum(link.count for link in self.kinds)

    @property
    def is_whole(self) -> bool:
        """Whether it is the whole timeline, not the timeline of one kind."""
        return self.kind is None


def timeline_pages(site: Site) -> Iterator[TimelinePage]:
    """The whole timeline, then the timeline of each kind of event found in it."""
    events = tuple(t.authority_timeline(site))
    kinds = tuple(
        KindLink(kind, count, urls.timeline_kind_path(kind.value))
        for kind, count in t.kind_counts(events)
    )
    path = urls.PAGE_PATHS["timeline"]
    yield _page(site, path, "Timeline", DESCRIPTION, events, None, kinds)
    for link in kinds:
        chosen = tuple(e for e in events if e.kind is link.kind)
        title = f"Timeline: {link.kind.label.lower()}"
        description = f"{link.kind.label} in the record, oldest first, by year."
        yield _page(site, link.output_path, title, description, chosen, link.kind, kinds)


def _page(
    site: Site,
    path: str,
    title: str,
    description: str,
    events: tuple[t.TimelineEvent, ...],
    kind: TimelineKind | None,
    kinds: tuple[KindLink, ...],
) -> TimelinePage:
    return TimelinePage(
        output_path=path,
        template="timeline.html",
        title=title,
        description=description,
        years=t.timeline_years(events),
        event_count=len(events),
        kind=kind,
        kinds=kinds,
        councils=t.authority_counts(events),
        canonical_url=meta.canonical_url(site, path),
    )
