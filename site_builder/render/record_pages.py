"""The page of each record: one frozen context per kind of record, with exactly what its
template shows, each Markdown field already as sanitised HTML."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from site_builder import models as m
from site_builder import urls
from site_builder.history import History, RecordChange
from site_builder.link import Site
from site_builder.render import charts, councils, meta, trends
from site_builder.render import figures as f
from site_builder.render import standing as st
from site_builder.render.citation import Citation, cite
from site_builder.render.pages import PageContext, with_top_heading
from site_builder.render.related import Related, related_records
from site_builder.render.timeline import TimelineYear, authority_timeline, timeline_years
from site_builder.score import Scorecard
from site_builder.vocabulary import COLLECTIONS


@dataclass(frozen=True)
class Editorial:
    """The foot of a record's page: replies, corrections, when it was last reviewed and
    changed, and the link to report an error. Each text is sanitised HTML."""

    record: m.Record
    replies: tuple[tuple[m.Response, str], ...]  # the reply's text as HTML, '' if only a link
    corrections: tuple[tuple[m.Correction, str], ...]
    report_url: str  # the contact link, the page's title and address filled in
    history: RecordChange | None = None  # its last change in git, where there is one


@dataclass(frozen=True)
class RecordPage(PageContext):
    """What every record's page has: the record, its body, sources, linked records, foot."""

    record: m.Record
    body_html: str
    sources: tuple[m.Source, ...]
    related: Related
    authority: m.Authority | None  # the council the record belongs to, if not a council
    editorial: Editorial

    @property
    def text_html(self) -> tuple[str, ...]:
        """Its Markdown fields shown as text (not as notes), as HTML: what search indexes."""
        return ()

    @property
    def citation(self) -> Citation:
        """The page's "Cite this page" text."""
        return cite(self.title, self.canonical_url, self.record, self.editorial.history)


@dataclass(frozen=True)
class PublishedFigure:
    figure: m.Figure
    source: m.Record  # the source record it cites
    note_html: str


@dataclass(frozen=True)
class AuthorityPage(RecordPage):
    scorecard: Scorecard
    figures: tuple[f.Figure, ...]  # the scorecard's figures, in order
    chart: charts.GradeChart
    peers: tuple[councils.CouncilRow, ...]  # the council first, then its peers
    neighbours: tuple[m.Authority, ...]
    timeline: tuple[TimelineYear, ...]
    trend: trends.TrendChart | None  # its graded inspections over time; None if it has none
    published: tuple[PublishedFigure, ...]  # totals others published, with their sources
    unrecorded_peers: int  # councils of the same kind with nothing in the record yet
    ended_source: m.Record | None  # the source dating the council's end, where it ended
    successors: tuple[m.Authority, ...]  # the councils that took over when it ended
    predecessors: tuple[m.Authority, ...]  # the councils it took over from

    @property
    def recorded_peers(self) -> tuple[m.Authority, ...]:
        """The councils of the same kind with something in the record, this one left out."""
        return tuple(row.authority for row in self.peers[1:])


@dataclass(frozen=True)
class ReviewRow:
    review: m.Review
    body: m.Record | None  # the board that commissioned it


@dataclass(frozen=True)
class CasePage(RecordPage):
    proceedings_html: str
    naming_source: m.Record | None  # the source that named the child in public
    reviews: tuple[ReviewRow, ...]
    standing: st.Standing

    @property
    def text_html(self) -> tuple[str, ...]:
        return (self.proceedings_html,)


@dataclass(frozen=True)
class InspectionPage(RecordPage):
    findings_html: str
    actions_html: str
    standing: st.Standing

    @property
    def text_html(self) -> tuple[str, ...]:
        return (self.findings_html, self.actions_html)


@dataclass(frozen=True)
class ChairRow:
    chair: m.Chair
    source: m.Record


@dataclass(frozen=True)
class BodyPage(RecordPage):
    chairs: tuple[ChairRow, ...]


@dataclass(frozen=True)
class SourcePage(RecordPage):
    pass


@dataclass(frozen=True)
class TextRecordPage(RecordPage):
    """A page record's own page (page.html)."""


def record_page(
    record: m.Record,
    site: Site,
    scorecards: dict[str, Scorecard],
    texts: dict[str, str],
    history: History,
) -> RecordPage:
    path = urls.record_path(record)
    description = _describe(record, site)
    canonical = meta.canonical_url(site, path)
    authority = getattr(record, "authority", None)
    kind, own = _own_fields(record, site, scorecards, texts)
    return kind(
        output_path=path,
        template=COLLECTIONS[record.collection].template,
        title=record.label,
        description=description,
        canonical_url=canonical,
        json_ld=meta.record_json_ld(record, site, canonical, description),
        record=record,
        body_html=with_top_heading(texts[path], BODY_TOP_HEADING.get(record.collection, 2)),
        sources=tuple(site.get("sources", s) for s in record.sources),  # type: ignore[misc]
        related=related_records(record, site),
        authority=site.authorities.get(authority) if isinstance(authority, str) else None,
        editorial=editorial(record, texts, st.report_url(record, site.settings, path),
                            history.get(record.source_path)),
        **own,
    )  # fmt: skip


def _own_fields(
    record: m.Record, site: Site, scorecards: dict[str, Scorecard], texts: dict[str, str]
) -> tuple[type[RecordPage], dict[str, Any]]:
    """The kind of page a record gets, and the fields only that kind has."""
    if isinstance(record, m.Authority):
        card = scorecards[record.slug]
        return AuthorityPage, {
            "scorecard": card,
            "figures": f.scorecard_figures(card),
            "chart": charts.grade_chart(record.name, card),
            "peers": councils.peer_rows(record, scorecards, site.authorities),
            "unrecorded_peers": sum(not scorecards[s].has_records for s in card.peers),
            "ended_source": site.get("sources", record.ended_source)
            if record.ended_source else None,
            "successors": tuple(site.authorities[s] for s in record.succeeded_by),
            "predecessors": tuple(a for a in site.authorities.values()
                                  if record.slug in a.succeeded_by),
            "neighbours": tuple(site.authorities[s] for s in record.statistical_neighbours),
            "timeline": timeline_years(authority_timeline(site, record.slug)),
            "trend": trends.authority_trend(site, record),
            "published": tuple(
                PublishedFigure(x, site.get("sources", x.source),
                                field_html(record, texts, f"figures.{index}.note"))
                for index, x in enumerate(record.figures)
            ),
        }  # fmt: skip
    if isinstance(record, m.Case):
        return CasePage, {
            "proceedings_html": field_html(record, texts, "proceedings"),
            "naming_source": site.get("sources", record.naming_basis)
            if record.naming_basis else None,
            "reviews": tuple(ReviewRow(r, site.get("bodies", r.body) if r.body else None)
                             for r in record.reviews),
            "standing": st.source_standing(record, site),
        }  # fmt: skip
    if isinstance(record, m.Inspection):
        return InspectionPage, {
            "findings_html": field_html(record, texts, "findings"),
            "actions_html": field_html(record, texts, "actions"),
            "standing": st.source_standing(record, site),
        }
    if isinstance(record, m.Body):
        chairs = tuple(ChairRow(c, site.get("sources", c.source)) for c in record.chairs)
        return BodyPage, {"chairs": chairs}
    return (SourcePage if isinstance(record, m.Source) else TextRecordPage), {}


def editorial(
    record: m.Record, texts: dict[str, str], report_url: str, history: RecordChange | None = None
) -> Editorial:
    """The foot of a record's page, its replies and corrections as HTML."""
    replies = tuple(
        (reply, field_html(record, texts, f"responses.{index}.text"))
        for index, reply in enumerate(record.responses)
    )
    corrections = tuple(
        (correction, field_html(record, texts, f"corrections.{index}.text"))
        for index, correction in enumerate(record.corrections)
    )
    return Editorial(record, replies, corrections, report_url, history)


def field_html(record: m.Record, texts: dict[str, str], key: str) -> str:
    """A Markdown field of a record as sanitised HTML ('findings', 'figures.0.note'), or ''."""
    return texts.get(urls.text_key(record, key), "")


# A body's headings start one level below the page's own h2 where the template puts the
# body under a heading of its own ("The record", "What happened").
BODY_TOP_HEADING = {"authorities": 3, "cases": 3}


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
