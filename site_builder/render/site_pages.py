"""Contexts of the site-wide pages: home, timeline, compare, corrections, data, dictionary."""

from __future__ import annotations

import re
from dataclasses import dataclass

from site_builder import markup, urls
from site_builder import models as m
from site_builder.freshness import newest_content_date
from site_builder.link import Site
from site_builder.render import meta
from site_builder.render import pages as p
from site_builder.render import standing as st
from site_builder.render.councils import CouncilTable, council_table
from site_builder.render.data import DataFile
from site_builder.render.dictionary import DictionaryPage, dictionary_docs
from site_builder.render.fragments import Memo, compute
from site_builder.render.hexmap import HexMap, hex_map
from site_builder.render.pages import KindGroup, PageContext
from site_builder.render.record_pages import Editorial, editorial
from site_builder.render.standing import Coverage
from site_builder.render.timeline_pages import timeline_pages
from site_builder.score import Scorecard
from site_builder.vocabulary import COLLECTIONS, ChangeKind

LATEST_CHANGES = 10


@dataclass(frozen=True)
class Change:
    """A dated change to the record, for the home page, the corrections log and feeds."""

    date: m.PartialDate
    kind: ChangeKind
    record: m.Record
    text: str
    key: str = (
        ""  # where a correction's text is kept as HTML: 'cases/x/index.html#corrections.0.text'
    )

    @property
    def is_correction(self) -> bool:
        return self.kind is ChangeKind.CORRECTED


@dataclass(frozen=True)
class HomePage(PageContext):
    authorities: tuple[m.Authority, ...]  # every council in name order, for the picker
    hex_map: HexMap
    tables: tuple[CouncilTable, ...]  # a table per kind of council
    changes: tuple[Change, ...]
    about_html: str
    last_updated: m.PartialDate | None = None  # the newest date the content states

    @property
    def about_intro(self) -> str:
        """The about page's opening, before its first heading: shown above the councils."""
        return split_at_first_section(self.about_html)[0]

    @property
    def about_rest(self) -> str:
        """The about page's sections, shown below the councils."""
        return split_at_first_section(self.about_html)[1]


_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)")
_VOID = {"br", "hr", "img", "wbr"}


def split_at_first_section(body_html: str) -> tuple[str, str]:
    """Sanitised HTML cut before its first top-level <h2>, each part whole: a heading inside
    a quote or a list is not a section, and cutting there left both parts unbalanced."""
    depth = 0
    for tag in _TAG.finditer(body_html):
        is_closing, name = tag.group(1) == "/", tag.group(2)
        if name in _VOID:
            continue
        if is_closing:
            depth -= 1
        elif depth == 0 and name == "h2":
            return body_html[: tag.start()], body_html[tag.start() :]
        else:
            depth += 1
    return body_html, ""


@dataclass(frozen=True)
class ComparePage(PageContext):
    groups: tuple[KindGroup, ...]


@dataclass(frozen=True)
class MethodologyPage(PageContext):
    """The methodology: the words of its page record, and the records without a primary."""

    body_html: str
    coverage: tuple[Coverage, ...]
    editorial: Editorial | None  # the foot of its page record, when there is one


@dataclass(frozen=True)
class CorrectionsPage(PageContext):
    corrections: tuple[tuple[Change, str], ...]  # each correction with its text as HTML
    withdrawn: tuple[m.Record, ...]
    contact: str = ""  # the report link of the site, nothing filled in


@dataclass(frozen=True)
class DataPage(PageContext):
    files: tuple[DataFile, ...]
    licence: str | None
    last_updated: m.PartialDate | None = None


def record_changes(site: Site) -> list[Change]:
    """Every dated change the content states, newest first: additions and corrections."""
    changes: list[Change] = []
    for record in site.records:
        if record.is_withdrawn:
            continue
        added = _added_date(record)
        if added:
            changes.append(Change(added, ChangeKind.ADDED, record, record.label))
        for n, correction in enumerate(record.corrections):
            key = urls.text_key(record, f"corrections.{n}.text")
            changes.append(
                Change(correction.date, ChangeKind.CORRECTED, record, correction.text, key)
            )
    return sorted(changes, key=_newest_first)


def _newest_first(change: Change) -> tuple[int, int, int, int, int, str]:
    """Newest change first; on one date, corrections, then judgements and cases before
    sources, each newest by its own date, so the list leads with what readers look for."""
    own = getattr(change.record, "date", None) or getattr(change.record, "published", None)
    own_ordinal = own.latest().toordinal() if isinstance(own, m.PartialDate) else 0
    return (
        -change.date.latest().toordinal(),
        -change.date.earliest().toordinal(),
        0 if change.is_correction else 1,
        COLLECTIONS[change.record.collection].change_order,
        -own_ordinal,
        change.record.slug,
    )


def _added_date(record: m.Record) -> m.PartialDate | None:
    """When a record entered the record: the date an editor last reviewed it, else its own date."""
    if record.last_reviewed:
        return record.last_reviewed
    own = getattr(record, "date", None) or getattr(record, "published", None)
    return own if isinstance(own, m.PartialDate) else None


def site_page_contexts(
    site: Site,
    scorecards: dict[str, Scorecard],
    bodies: dict[str, str],
    files: tuple[DataFile, ...],
    known_paths: frozenset[str],
    memo: Memo = compute,
) -> list[PageContext]:
    """The contexts of the pages that belong to the whole site, with their wording; `memo`
    may give fragments of them from the last build."""
    groups = p.kind_groups(site, scorecards)
    changes = record_changes(site)
    pages = site.collections["pages"]
    title = site.settings.title
    paths = urls.PAGE_PATHS

    def page_body(slug: str, at_path: str) -> str:
        """A page record's body shown on another page: its site links made relative to it."""
        if slug not in pages:
            return ""
        record = pages[slug]
        html = markup.render_markdown(record.body, at_path, known_paths, record.body_line).html
        return p.with_top_heading(html, 2)

    def page_foot(slug: str) -> Editorial | None:
        """The foot of a page record shown on a site page: its corrections, report link."""
        if slug not in pages:
            return None
        return editorial(
            pages[slug], bodies, st.report_url(pages[slug], site.settings, paths[slug])
        )

    def address(name: str) -> str:
        return meta.canonical_url(site, paths[name])

    home, data = address("home"), address("data")
    listed = tuple(sorted((a for a in site.authorities.values() if not a.is_withdrawn),
                          key=lambda a: (a.name, a.slug)))  # fmt: skip
    tables = tuple(council_table(g.kind, g.heading, g.rows) for g in groups)
    updated = newest_content_date(site.records, memo)
    data_words = "Download the record as JSON and CSV."
    return [
        HomePage(paths["home"], "home.html", title, site.settings.description, listed,
                 hex_map(listed, scorecards), tables,
                 tuple(changes[:LATEST_CHANGES]), page_body("about", paths["home"]),
                 canonical_url=home, json_ld=meta.website_json_ld(site, home),
                 last_updated=updated),
        *timeline_pages(site),
        ComparePage(paths["compare"], "compare.html", "Compare councils",
                    "Councils of the same kind side by side.", groups, canonical_url=address("compare")),
        MethodologyPage(paths["methodology"], "methodology.html", "Methodology",
                        "How every scorecard figure is computed, and what it cannot tell you.",
                        page_body("methodology", paths["methodology"]), st.coverage(site),
                        page_foot("methodology"), canonical_url=address("methodology")),
        CorrectionsPage(paths["corrections"], "corrections.html", "Corrections",
                        "Every correction made to the record, newest first, and how to "
                        "ask for one.",
                        tuple((c, bodies[c.key]) for c in changes if c.is_correction),
                        tuple(r for r in site.records if r.is_withdrawn),
                        st.report_url(None, site.settings, paths["corrections"]),
                        canonical_url=address("corrections")),
        DataPage(paths["data"], "data.html", "Open data", data_words, files,
                 site.settings.licence, canonical_url=data, last_updated=updated,
                 json_ld=meta.dataset_json_ld(site, data, data_words, files,
                                              site.settings.licence)),
        DictionaryPage(paths["dictionary"], "dictionary.html", "Data dictionary",
                       "Every field of every record, from the schemas.", dictionary_docs(),
                       canonical_url=address("dictionary")),
        PageContext(paths["search"], "search.html", "Search", f"Search {title}.",
                    canonical_url=address("search")),
        PageContext(paths["not_found"], "404.html", "Page not found",
                    "There is no page at this address."),
    ]  # fmt: skip
