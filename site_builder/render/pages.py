"""A plain context object for every HTML page of the site."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from site_builder import models as m
from site_builder import urls
from site_builder.link import Site
from site_builder.render import figures as f
from site_builder.render import meta
from site_builder.score import Scorecard
from site_builder.vocabulary import COLLECTIONS, AuthorityKind


@dataclass(frozen=True)
class PageContext:
    """What every page has: where it is written, its template, title and summary."""

    output_path: str
    template: str
    title: str
    description: str
    # Keyword-only, so subclasses keep their positional fields: the page's absolute address
    # ('' for the 404 page, served at every missing address) and its schema.org JSON-LD.
    canonical_url: str = field(default="", kw_only=True)
    json_ld: str = field(default="", kw_only=True)  # ready for a <script> element, or ''

    @property
    def is_indexable(self) -> bool:
        """Whether the sitemap, search engines and the site's own search list the page."""
        return self.template != "404.html"


@dataclass(frozen=True)
class KindGroup:
    kind: AuthorityKind
    heading: str
    rows: tuple[tuple[m.Authority, Scorecard], ...]

    @property
    def recorded(self) -> tuple[tuple[m.Authority, Scorecard], ...]:
        """The councils with something in the record: only these have figures to compare."""
        return tuple((a, card) for a, card in self.rows if card.has_records)

    @property
    def unrecorded(self) -> tuple[m.Authority, ...]:
        """The councils with nothing in the record yet, which show no figures."""
        return tuple(a for a, card in self.rows if not card.has_records)

    @property
    def compared(self) -> tuple[f.CompareRow, ...]:
        """The figures of the councils with records side by side, a row per figure."""
        return f.compare_rows(self.recorded)


@dataclass(frozen=True)
class ListPage(PageContext):
    """A page listing records, or groups of councils."""

    records: tuple[m.Record, ...] = ()


_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


def with_top_heading(html: str, top: int) -> str:
    """Sanitised body HTML with its headings moved so the highest is h{top}; no level is skipped
    from the page's headings. (Headings carry no attributes after sanitising.)"""
    levels = [int(level) for _, level in _HEADING_TAG.findall(html)]
    if not levels:
        return html
    shift = top - min(levels)
    return _HEADING_TAG.sub(lambda x: f"<{x.group(1)}h{min(6, int(x.group(2)) + shift)}>", html)


def list_pages(site: Site) -> Iterator[ListPage]:
    """Yield the list page of each collection."""
    for collection in COLLECTIONS.values():
        yield ListPage(
            output_path=urls.collection_path(collection.plural),
            template="list.html",
            title=collection.title,
            description=f"{collection.title} in the {site.settings.title} record.",
            records=tuple(site.listed(collection.plural)),
            canonical_url=meta.canonical_url(site, urls.collection_path(collection.plural)),
        )


def kind_groups(site: Site, scorecards: dict[str, Scorecard]) -> tuple[KindGroup, ...]:
    """Councils grouped by kind, each with its scorecard, in name order."""
    groups = []
    for kind in AuthorityKind:
        rows = tuple(
            (a, scorecards[a.slug])
            for a in sorted(site.authorities.values(), key=lambda a: a.name)
            if a.kind == kind and not a.is_withdrawn
        )
        if rows:
            groups.append(KindGroup(kind, kind.heading, rows))
    return tuple(groups)
