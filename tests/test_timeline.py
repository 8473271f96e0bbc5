"""The timeline: grouped by year, an event known only to its month or year after the dated
events of its period and marked so; filtered by kind and council through links (pages) and,
with JavaScript, in place."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sitecheck
from browser import chromium_page
from conftest import MINIMAL, TEMPLATES, MakeSite
from helpers import build, serving

from site_builder.config import SiteConfig
from site_builder.link import Site
from site_builder.pipeline import check_site
from site_builder.render import timeline as t
from site_builder.vocabulary import TimelineKind


def linked_site(content: Path) -> Site:
    config = SiteConfig(content, TEMPLATES, Path("out"), today=dt.date(2025, 11, 22))
    site, _ = check_site(config)
    return site


def judgement(
    slug: str, date: str, kind: str = "inspection", grade: str = "good"
) -> dict[str, str]:
    return {
        f"inspections/{slug}.yaml": f"title: Judgement {slug}\nauthority: westshire\n"
        f"judged_by: Ofsted\nkind: {kind}\ndate: '{date}'\ngrade: {grade}\nsources: [report-a]\n"
    }


# --- the order within a year (render/timeline.py) -------------------------------------------


def test_within_a_year_dated_events_come_first_then_month_only_then_year_only(
    make_site: MakeSite,
) -> None:
    content = make_site(
        judgement("y-only", "2016")
        | judgement("march-only", "2016-03")
        | judgement("march-20", "2016-03-20")
        | judgement("march-01", "2016-03-01")
        | judgement("november-02", "2016-11-02")
        | judgement("next-year", "2017-01-05")
        | judgement("last-year", "2015")
    )
    events = list(t.authority_timeline(linked_site(content), "westshire"))
    slugs = [e.record.slug for e in events]
    assert slugs == [
        "last-year",
        "march-01",
        "march-20",
        "march-only",  # after the dated days of its month, before the next month
        "november-02",
        "y-only",  # after every dated event of its year, before the next year
        "next-year",
    ]


def test_a_year_only_evaluation_follows_the_review_it_evaluated_that_year(
    make_site: MakeSite,
) -> None:
    """Ofsted's evaluation of a review, known only to its year, no longer shows before the
    review was published (in November of that year)."""
    case = (MINIMAL / "cases" / "child-a.md").read_text(encoding="utf-8")
    content = make_site(  # the fixture's evaluation of child A's review is dated 2020 only
        {"cases/child-a.md": case.replace('published: "2020-03-01"', 'published: "2020-11"')}
    )
    events = [e for e in t.authority_timeline(linked_site(content)) if e.date.year == 2020]
    slugs_and_kinds = [(e.record.slug, e.kind) for e in events]
    assert slugs_and_kinds.index(("child-a", TimelineKind.REVIEWS)) < slugs_and_kinds.index(
        ("northtown-scr-evaluations", TimelineKind.REVIEW_EVALUATIONS)
    )


def test_each_event_says_what_its_date_leaves_open() -> None:
    from site_builder.dates import PartialDate

    def unknown(text: str) -> str:
        date = PartialDate.parse(text)
        assert date is not None
        return t.TimelineEvent(date, "x", None, None, TimelineKind.REVIEWS).unknown_part  # type: ignore[arg-type]

    assert unknown("2008") == "month not known"
    assert unknown("2008?") == "month not known"
    assert unknown("2008-03") == "day not known"
    assert unknown("2008-03-17") == ""


def test_events_are_grouped_by_year_in_order(make_site: MakeSite) -> None:
    site = linked_site(make_site())
    events = list(t.authority_timeline(site))
    years = t.timeline_years(events)
    assert [y.year for y in years] == sorted({e.date.year for e in events})
    assert [e for y in years for e in y.events] == events
    assert all(e.date.year == y.year for y in years for e in y.events)


def test_every_event_has_a_kind_and_the_kinds_add_up(make_site: MakeSite) -> None:
    site = linked_site(make_site())
    events = list(t.authority_timeline(site))
    counts = dict(t.kind_counts(events))
    assert sum(counts.values()) == len(events)
    assert counts[TimelineKind.INSPECTIONS] == 2  # northtown 2018 and 2021 (no draft, no withdrawn)
    assert TimelineKind.DEATHS_AND_HARM in counts and TimelineKind.REVIEWS in counts


# --- pages, links and the script (the fixture site, built once) ------------------------------


class Timeline(HTMLParser):
    """What a timeline page lists: each event's kind, council and words, with year headings."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.years: list[str] = []
        self.events: list[dict[str, str]] = []
        self.links: dict[str, list[str]] = {"filter-links": [], "council-links": []}
        self._where: list[str] = []
        self._event: dict[str, str] | None = None
        self._in_year_heading = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        for name in self.links:
            if name in found.get("class", "").split():
                self._where.append(name)
        if tag == "a" and self._where:
            self.links[self._where[-1]].append(found["href"])
        if tag == "li" and "data-kind" in found:
            self._event = {"kind": found["data-kind"], "council": found["data-council"], "text": ""}
        self._in_year_heading = tag in {"h2", "h3"}

    def handle_endtag(self, tag: str) -> None:
        if tag in {"ul", "details"} and self._where:
            self._where.pop()
        if tag == "li" and self._event is not None:
            self.events.append(self._event)
            self._event = None
        self._in_year_heading = False

    def handle_data(self, data: str) -> None:
        if self._event is not None:
            self._event["text"] += data
        elif self._in_year_heading and data.strip().isdigit():
            self.years.append(data.strip())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("timeline") / "site"
    assert build(MINIMAL, output).status == 0
    return output


def read(site: Path, path: str) -> Timeline:
    return Timeline((site / path).read_text(encoding="utf-8"))


def test_the_timeline_has_a_heading_per_year_and_marks_partial_dates(site: Path) -> None:
    page = read(site, "timeline/index.html")
    assert page.years == sorted(set(page.years))
    assert "2020" in page.years
    texts = [e["text"] for e in page.events]
    assert any(text.startswith("2020, month not known") for text in texts)
    assert any(text.startswith("May 2018, day not known") for text in texts)


def test_each_kind_link_opens_a_page_listing_only_events_of_that_kind(site: Path) -> None:
    whole = read(site, "timeline/index.html")
    kind_links = [href for href in whole.links["filter-links"] if href != "./"]
    assert len(kind_links) >= 4
    for href in kind_links:
        kind = href.strip("/")
        assert kind in {k.value for k in TimelineKind}
        page = read(site, f"timeline/{kind}/index.html")
        expected = [e for e in whole.events if e["kind"] == kind]
        assert page.events == expected, kind  # the same events, in the same order, and no other


def test_each_council_link_opens_its_page_timeline_listing_only_its_events(site: Path) -> None:
    whole = read(site, "timeline/index.html")
    links = whole.links["council-links"]
    assert links
    for href in links:
        path, fragment = href.split("#")
        assert path.startswith("../authorities/") and fragment == "timeline-heading"
        slug = path.strip("/").split("/")[-1]
        html = (site / "authorities" / slug / "index.html").read_text(encoding="utf-8")
        assert 'id="timeline-heading"' in html
        page = Timeline(html)
        assert page.events and {e["council"] for e in page.events} == {slug}
        own = [e["kind"] for e in whole.events if e["council"] == slug]
        assert [e["kind"] for e in page.events] == own  # the same order as the national one


@pytest.fixture(scope="module")
def origin(site: Path) -> Iterator[str]:
    with serving(site) as address:
        yield address.rstrip("/")


VISIBLE_EVENTS = "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.council + ' ' + e.dataset.kind)"


def test_with_javascript_the_form_filters_the_timeline_in_place(origin: str) -> None:
    with chromium_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{origin}/timeline/")
        everything = page.eval_on_selector_all(".timeline li", VISIBLE_EVENTS)
        assert len(everything) > 5
        page.get_by_label("Council").select_option("northtown")
        shown = page.eval_on_selector_all(".timeline li", VISIBLE_EVENTS)
        assert shown == [e for e in everything if e.startswith("northtown ")]
        page.get_by_label("Kind of event").select_option("inspections")
        shown = page.eval_on_selector_all(".timeline li", VISIBLE_EVENTS)
        assert shown == ["northtown inspections", "northtown inspections"]
        assert page.locator("#timeline-status").inner_text() == (
            f"Showing 2 of {len(everything)} events."
        )
        years = page.eval_on_selector_all(
            ".timeline-year", "els => els.filter(e => e.offsetParent !== null).map(e => e.id)"
        )
        assert years == ["timeline-2018", "timeline-2021"]  # empty years hidden too
        assert "council=northtown" in page.url and "kind=inspections" in page.url
        page.reload()  # the choice is kept in the address
        assert page.eval_on_selector_all(".timeline li", VISIBLE_EVENTS) == shown
        page.get_by_label("Council").select_option("")
        page.get_by_label("Kind of event").select_option("")
        assert page.eval_on_selector_all(".timeline li", VISIBLE_EVENTS) == everything
        assert errors == []


def test_without_javascript_the_form_stays_hidden_and_the_links_filter(origin: str) -> None:
    with chromium_page(java_script_enabled=False) as page:
        page.goto(f"{origin}/timeline/")
        assert not page.locator("#timeline-filter").is_visible()
        page.get_by_role("link", name="Deaths and serious harm", exact=False).click()
        assert page.url.endswith("/timeline/deaths-and-harm/")
        kinds = page.eval_on_selector_all(".timeline li", "els => els.map(e => e.dataset.kind)")
        assert kinds and set(kinds) == {"deaths-and-harm"}


def test_timeline_pages_and_a_council_page_pass_vnu_and_axe(site: Path, tmp_path: Path) -> None:
    pages = [
        "timeline/index.html",
        "timeline/deaths-and-harm/index.html",
        "authorities/northtown/index.html",
    ]
    assert sitecheck.run_axe(site, pages) == []
    checked = tmp_path / "checked"  # vnu checks a folder: only these pages, as built
    for rel in pages:
        (checked / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(site / rel, checked / rel)
    assert sitecheck.validate_html(checked) == []
