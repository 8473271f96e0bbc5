"""A plain context object for every HTML page of the site."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from site_builder import models as m
from site_builder import urls
from site_builder.history import History, RecordChange
from site_builder.link import Site
from site_builder.render import charts, councils, meta
from site_builder.render import figures as f
from site_builder.render import standing as st
from site_builder.render.timeline import TimelineEvent, authority_timeline
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
class RecordPage(PageContext):
    """A record's own page, with its rendered body and the sources it cites."""

    record: m.Record
    body_html: str
    sources: tuple[m.Source, ...]
    related: Related = field(default_factory=lambda: Related())
    scorecard: Scorecard | None = None
    authority: m.Authority | None = None
    timeline: tuple[TimelineEvent, ...] = ()
    source_of: dict[str, m.Source] = field(default_factory=dict)  # every source it names
    body_of: dict[str, m.Body] = field(default_factory=dict)  # every body it names
    peers: tuple[councils.CouncilRow, ...] = ()  # an authority first, then its peers
    neighbours: tuple[m.Authority, ...] = ()
    chart: charts.GradeChart | None = None
    history: RecordChange | None = None  # its last change in git, where there is one
    figures: tuple[f.Figure, ...] = ()  # an authority's scorecard figures, in order
    prose: dict[str, str] = field(default_factory=dict)  # its Markdown fields as HTML
    standing: st.Standing | None = None  # primary documents, statements, reporting
    report_url: str = ""  # the contact link, this page's title and address filled in

    def html_of(self, key: str) -> str:
        """A Markdown field as sanitised HTML: 'findings', 'corrections.0.text'."""
        return self.prose.get(key, "")


@dataclass(frozen=True)
class KindGroup:
    kind: AuthorityKind
    heading: str
    rows: tuple[tuple[m.Authority, Scorecard], ...]

    @property
    def compared(self) -> tuple[f.CompareRow, ...]:
        """The councils' figures side by side, a row per figure."""
        return f.compare_rows(self.rows)

    @property
    def table(self) -> councils.CouncilTable:
        """The group as a table with a copy sorted by each indicator."""
        rows = [councils.CouncilRow(a, card) for a, card in self.rows]
        return councils.council_table(self.kind, self.heading, rows)


@dataclass(frozen=True)
class ListPage(PageContext):
    """A page listing records, or groups of councils."""

    records: tuple[m.Record, ...] = ()
    groups: tuple[KindGroup, ...] = ()
    events: tuple[TimelineEvent, ...] = ()
    body_html: str = ""


def record_pages(
    site: Site,
    scorecards: dict[str, Scorecard],
    bodies: dict[str, str],
    history: History | None = None,
) -> Iterator[PageContext]:
    """Yield the page of every record the site publishes."""
    for record in site.records:
        path = urls.record_path(record)
        if record.is_withdrawn:
            continue  # its page is a WithdrawnPage (render/withdrawn.py)
        description = _describe(record, site)
        canonical = meta.canonical_url(site, path)
        yield RecordPage(
            output_path=path,
            template=COLLECTIONS[record.collection].template,
            title=record.label,
            description=description,
            canonical_url=canonical,
            json_ld=meta.record_json_ld(record, site, canonical, description),
            record=record,
            body_html=with_top_heading(bodies[path], BODY_TOP_HEADING.get(record.collection, 2)),
            sources=tuple(site.get("sources", s) for s in record.sources),  # type: ignore[misc]
            related=_related(record, site),
            scorecard=scorecards.get(record.slug) if isinstance(record, m.Authority) else None,
            authority=_authority_of(record, site),
            timeline=tuple(authority_timeline(site, record.slug))
            if isinstance(record, m.Authority)
            else (),
            source_of=_named(record, site, "sources"),  # type: ignore[arg-type]
            body_of=_named(record, site, "bodies"),  # type: ignore[arg-type]
            **_authority_views(record, site, scorecards)._asdict(),
            history=(history or {}).get(record.source_path),
            prose=prose_html(record, bodies),
            standing=st.source_standing(record, site)
            if record.collection in st.JUDGED_COLLECTIONS
            else None,
            report_url=st.report_url(record, site.settings, path),
        )


def prose_html(record: m.Record, bodies: dict[str, str]) -> dict[str, str]:
    """A record's Markdown fields as sanitised HTML, keyed by field ('findings')."""
    return {x.key: bodies[urls.text_key(record, x.key)] for x in record.prose}


def _named(record: m.Record, site: Site, collection: str) -> dict[str, m.Record]:
    """The records of a collection that a record refers to, by slug."""
    slugs = {ref.slug for ref in record.references if ref.collection == collection}
    slugs |= set(record.sources) if collection == "sources" else set()
    return {slug: site.get(collection, slug) for slug in sorted(slugs)}


class AuthorityViews(NamedTuple):
    """What only an authority's page shows: its peers, statistical neighbours and chart."""

    peers: tuple[councils.CouncilRow, ...] = ()
    neighbours: tuple[m.Authority, ...] = ()
    chart: charts.GradeChart | None = None
    figures: tuple[f.Figure, ...] = ()


def _authority_views(
    record: m.Record, site: Site, scorecards: dict[str, Scorecard]
) -> AuthorityViews:
    if not isinstance(record, m.Authority):
        return AuthorityViews()
    return AuthorityViews(
        peers=councils.peer_rows(record, scorecards, site.authorities),
        neighbours=tuple(site.authorities[s] for s in record.statistical_neighbours),
        chart=charts.grade_chart(record.name, scorecards[record.slug]),
        figures=f.scorecard_figures(scorecards[record.slug]),
    )


# A body's headings start one level below the page's own h2 where the template puts the
# body under a heading of its own ("The record", "What happened").
BODY_TOP_HEADING = {"authorities": 3, "cases": 3}
_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


def with_top_heading(html: str, top: int) -> str:
    """Sanitised body HTML with its headings moved so the highest is h{top}; no level is skipped
    from the page's headings. (Headings carry no attributes after sanitising.)"""
    levels = [int(level) for _, level in _HEADING_TAG.findall(html)]
    if not levels:
        return html
    shift = top - min(levels)
    return _HEADING_TAG.sub(lambda x: f"<{x.group(1)}h{min(6, int(x.group(2)) + shift)}>", html)


def _authority_of(record: m.Record, site: Site) -> m.Authority | None:
    slug = getattr(record, "authority", None)
    return site.authorities.get(slug) if isinstance(slug, str) else None


@dataclass(frozen=True)
class Related:
    """The records linked to a record's own, both ways, each kind under its heading."""

    authorities: tuple[m.Record, ...] = ()
    bodies: tuple[m.Record, ...] = ()
    cases: tuple[m.Record, ...] = ()
    inspections: tuple[m.Record, ...] = ()
    cited_by: tuple[m.Record, ...] = ()


def _related(record: m.Record, site: Site) -> Related:
    """The records linked to this one, both ways."""
    slug = record.slug
    if isinstance(record, m.Authority):
        return Related(
            bodies=site.bodies_of.get(slug, ()),
            cases=site.cases_of.get(slug, ()),
            inspections=site.inspections_of.get(slug, ()),
        )
    if isinstance(record, m.Body):
        return Related(
            authorities=tuple(site.get("authorities", a) for a in record.authorities),
            inspections=site.inspections_of_body.get(slug, ()),
            cases=tuple(
                c
                for c in site.listed("cases")
                if isinstance(c, m.Case) and any(r.body == slug for r in c.reviews)
            ),
        )
    if isinstance(record, m.Case):
        return Related(
            inspections=site.inspections_of_case.get(slug, ()),
            bodies=tuple(
                site.get("bodies", b) for b in sorted({r.body for r in record.reviews if r.body})
            ),
        )
    if isinstance(record, m.Inspection):
        return Related(
            cases=tuple(site.get("cases", c) for c in record.cases),
            bodies=(site.get("bodies", record.board),) if record.board else (),
        )
    if isinstance(record, m.Source):
        return Related(cited_by=site.cited_by.get(slug, ()))
    return Related()


def _describe(record: m.Record, site: Site) -> str:
    """One sentence for the page's meta description, from the record's fields."""
    if isinstance(record, m.Authority):
        return f"{record.name}: inspections, serious case reviews and cases, with sources."
    if isinstance(record, m.Case):
        authority = site.authorities[record.authority].name
        return f"{record.title}: the reviews of what happened, and what was found ({authority})."
    if isinstance(record, m.Inspection):
        return f"{record.title}, {record.date.display()}: {record.judged_by}."
    if isinstance(record, m.Source):
        publisher = f"{record.publisher}, " if record.publisher else ""
        return f"Source: {record.title} ({publisher}{record.published.display()})."
    if isinstance(record, m.Body):
        return f"{record.name}: its chairs, reviews and the judgements on it."
    return f"{record.label}: {site.settings.title}."


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
