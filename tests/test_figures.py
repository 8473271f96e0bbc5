"""Figures a reader can check, on the default site: every scorecard figure recomputed from the
records listed under it, uncertainty shown everywhere a figure appears, citations as links, a
way to report an error on every record page, and dates resting on inferred dates marked."""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re
import shutil
import urllib.parse
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import REPO, build

DEFAULT = REPO / "content"
COLLECTIONS = ("authorities", "bodies", "cases", "inspections", "sources", "pages")
PRIMARY = {"inspection_report", "review_report", "court_judgment", "official_report",
           "statistics", "dataset"}  # fmt: skip
GRADES = ("outstanding", "good", "adequate", "requires_improvement", "inadequate", "not_graded")
RANKS = {"good": 3, "adequate": 2, "requires_improvement": 2, "inadequate": 1}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default site, built from a copy of content/."""
    folder = tmp_path_factory.mktemp("default")
    shutil.copytree(DEFAULT, folder / "content")
    output = folder / "output"
    assert build(folder / "content", output).status == 0
    return output


def read_records() -> dict[str, dict[str, dict[str, Any]]]:
    """Every default record's fields as its editor wrote them, read with PyYAML alone."""
    records: dict[str, dict[str, dict[str, Any]]] = {}
    for collection in COLLECTIONS:
        records[collection] = {}
        for path in sorted((DEFAULT / collection).glob("*.*")):
            text = path.read_text("utf-8")
            front = text.split("---\n", 2)[1] if path.suffix == ".md" else text
            fields = yaml.safe_load(front)
            fields["body"] = text.split("---\n", 2)[2] if path.suffix == ".md" else ""
            records[collection][path.stem] = fields
    return records


RECORDS = read_records()


def scorecards(site: Path) -> dict[str, Any]:
    cards: dict[str, Any] = json.loads((site / "data/scorecards.json").read_text("utf-8"))
    return cards


# --- every figure recomputed ------------------------------------------------------------------


def judgements(fields: dict[str, Any]) -> tuple[int, bool]:
    """How many judgements an inspection record stands for, and whether that is exact."""
    if "grade" in fields:
        return 1, True
    if "count" in fields:
        return fields["count"], True
    return max(1, sum(fields.get("grades", {}).values())), False


def expected_figures(slug: str) -> dict[str, tuple[int, bool, set[str]]]:
    """Each figure of one council, worked out here from the records, independently of the
    generator: (lower bound, exact, the slugs of the records it counts)."""
    figures: dict[str, tuple[int, bool, set[str]]] = {}

    def add(key: str, n: int, exact: bool, record: str) -> None:
        low, was_exact, records = figures.get(key, (0, True, set()))
        figures[key] = (low + n, was_exact and exact, records | {record})

    inspections = {s: f for s, f in RECORDS["inspections"].items() if f["authority"] == slug}
    for record, f in inspections.items():
        prefix = {"inspection": "inspections", "scr_evaluation": "scr_evaluations"}.get(f["kind"])
        if f["kind"] in ("ministerial_direction", "improvement_notice"):
            add("interventions_total", 1, True, record)
        if f.get("reruns_ordered"):
            add("reviews_rerun_ordered", f["reruns_ordered"], True, record)
        if prefix is None:
            continue
        n, exact = judgements(f)
        add(f"{prefix}_total", n, exact, record)
        grades = {f["grade"]: 1} if "grade" in f else f.get("grades", {})
        for grade, count in grades.items():
            add(f"{prefix}_{grade}", count, True, record)
        if "grade_at_least" in f:
            rest = n - sum(grades.values())
            add(f"{prefix}_{f['grade_at_least']}_or_better", rest, exact, record)
    covered = {
        c for f in inspections.values() if f.get("reruns_ordered") for c in f.get("cases", ())
    }
    for record, f in RECORDS["cases"].items():
        if f["authority"] != slug:
            continue
        add(f"cases_{f['harm']}", 1, True, record)
        if f.get("services_involved") == "yes":
            add("cases_services_involved", 1, True, record)
        for review in f.get("reviews", ()):
            add("reviews_total", 1, True, record)
            if review["status"] == "pending":
                add("reviews_pending", 1, True, record)
            if review["status"] == "rerun_ordered" and record not in covered:
                add("reviews_rerun_ordered", 1, True, record)
    return figures


def test_every_figure_of_the_default_site_recomputes_from_the_records_listed_under_it(
    site: Path,
) -> None:
    cards = scorecards(site)
    assert set(cards) == set(RECORDS["authorities"])
    for slug, card in cards.items():
        expected = expected_figures(slug)
        for key, figure in card["figures"].items():
            low, exact, records = expected.get(key, (0, True, set()))
            listed = {r["record"] for r in figure["records"]}
            assert listed == records, (slug, key)
            assert (figure["at_least"], figure["exact"]) == (low, exact), (slug, key)
            assert figure["value"] == (low if exact else None), (slug, key)
            assert bool(figure["not_exact_because"]) == (not exact), (slug, key)
            for entry in figure["records"]:
                assert entry["url"].endswith(f"/{entry['collection']}/{entry['record']}/")
        shown = {key for key, (n, _, _) in expected.items() if n}
        assert shown <= set(card["figures"]), (slug, shown - set(card["figures"]))


def test_birmingham_counts_the_reviews_its_direction_ordered_re_run(site: Path) -> None:
    direction = RECORDS["inspections"]["birmingham-scr-rerun-direction-2008"]
    card = scorecards(site)["birmingham"]
    assert card["reviews"]["rerun_ordered"] == direction["reruns_ordered"] == 3
    page = text_of(site / "authorities/birmingham/index.html")
    assert "Reviews ordered to be re-run 3" in page
    evidence = evidence_of(
        site / "authorities/birmingham/index.html", "figure-reviews-rerun-ordered"
    )
    assert evidence == ["../../inspections/birmingham-scr-rerun-direction-2008/"]


def test_one_inadequate_finding_is_not_counted_twice_for_birmingham(site: Path) -> None:
    card = scorecards(site)["birmingham"]
    listed = {r["record"] for r in card["figures"]["inspections_inadequate"]["records"]}
    assert "birmingham-scb-serious-risk-judgement-2008" not in listed
    assert "birmingham-annual-assessment-2008" in listed


# --- uncertainty wherever a figure appears -------------------------------------------------


def test_approved_reviews_are_at_least_one_and_adequate_or_better_in_html_json_and_csv(
    site: Path,
) -> None:
    for slug in ("walsall", "warwickshire", "worcestershire"):
        card = scorecards(site)[slug]
        assert card["scr_evaluations"]["total"] is None
        assert card["scr_evaluations"]["by_grade"] == {}
        assert card["scr_evaluations"]["by_grade_range"] == {"adequate_or_better": None}
        assert card["scr_evaluations"]["inadequate"] == 0
        total = card["figures"]["scr_evaluations_total"]
        assert (total["at_least"], total["exact"]) == (1, False)
        assert "no number" in total["not_exact_because"][0]["reason"]
        council = text_of(site / f"authorities/{slug}/index.html")
        assert "Serious case reviews evaluated, in our record at least 1" in council
        assert "Adequate or better at least 1" in council  # scorecard row and chart table
        assert "Adequate 1" not in council
        inspection = text_of(site / f"inspections/{slug}-scr-evaluation-2007-2008/index.html")
        assert (
            "Adequate or better" in inspection and "An unknown number of judgements" in inspection
        )
    rows = {row["authority"]: row for row in read_csv(site / "data/scorecards.csv")}
    walsall = rows["walsall"]
    assert (walsall["scr_evaluations_total"], walsall["scr_evaluations_total_at_least"]) == (
        "",
        "1",
    )
    assert (
        walsall["scr_evaluations_adequate"] == "0" and walsall["scr_evaluations_inadequate"] == "0"
    )
    assert "walsall-scr-evaluation-2007-2008" in walsall["not_exact_because"]
    assert rows["birmingham"]["scr_evaluations_total"] == "4"
    home = (site / "index.html").read_text("utf-8")
    rows = [r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", home, re.DOTALL)
            if '<a href="authorities/walsall/">' in r]  # fmt: skip
    assert rows and all("at least 1" in row for row in rows)  # every sorted copy of the table
    compare = (site / "compare/index.html").read_text("utf-8")
    assert 'authorities/walsall/#figure-scr-evaluations-total">at least 1<' in compare


def test_the_chart_draws_a_lower_bound_as_one(site: Path) -> None:
    svg = (site / "authorities/walsall/index.html").read_text("utf-8").split("<svg", 1)[1]
    svg = svg.split("</svg>", 1)[0]
    assert "Adequate or better" in svg and ">at least 1</text>" in svg and "bar-range" in svg


# --- citations --------------------------------------------------------------------------------


class Prose(HTMLParser):
    """A page's visible text with each link replaced by [LINK], and its time elements."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.in_link = 0
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.in_link += 1
            self.parts.append("[LINK]")
        elif tag in ("script", "style", "title", "svg"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.in_link -= 1
        elif tag in ("script", "style", "title", "svg"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.in_link and not self.skip:
            self.parts.append(data)


def text_outside_links(path: Path) -> str:
    parser = Prose()
    parser.feed(path.read_text("utf-8"))
    return re.sub(r"\s+", " ", "".join(parser.parts))


def html_pages(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("*.html"))


CITERS = sorted(
    {f["publisher"] for f in RECORDS["sources"].values() if f.get("publisher")}
    | {"board statement", "council statement", "High Court judgment", "BBC News"}
)


def test_no_citation_in_parentheses_on_any_page_is_plain_text(site: Path) -> None:
    unlinked = []
    for path in html_pages(site):
        for group in re.findall(r"\(([^()]*)\)", text_outside_links(path)):
            if any(name in group for name in CITERS):
                unlinked.append(f"{path.relative_to(site)}: ({group})")
    assert unlinked == []


def test_the_citation_check_catches_a_plain_citation(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<p>He was convicted (BBC News, 11 August 2009) and <a href=x>x</a>.</p>")
    assert re.findall(r"\(([^()]*)\)", text_outside_links(page)) == ["BBC News, 11 August 2009"]


def test_proceedings_of_every_case_cite_sources_as_links(site: Path) -> None:
    for slug, fields in RECORDS["cases"].items():
        if "proceedings" not in fields:
            continue
        section = section_of(site / f"cases/{slug}/index.html", "proceedings-heading")
        assert re.search(r'<a href="\.\./\.\./sources/[a-z0-9-]+/"', section), slug


def test_source_pages_count_the_site_pages_that_cite_them(site: Path) -> None:
    cited_by_pages: dict[str, set[str]] = {}
    for slug, fields in RECORDS["pages"].items():
        for source in re.findall(r"\]\(/sources/([a-z0-9-]+)/\)", fields["body"]):
            cited_by_pages.setdefault(source, set()).add(slug)
    assert cited_by_pages, "the default pages cite sources"
    for source, page_slugs in cited_by_pages.items():
        html = section_of(site / f"sources/{source}/index.html", "cited-heading")
        for slug in page_slugs:
            assert f'href="../../pages/{slug}/"' in html, (source, slug)
        assert "No published record" not in html


# --- a way to correct the record ------------------------------------------------------------


def test_every_record_page_has_a_report_link_with_its_title_and_address(site: Path) -> None:
    contact = yaml.safe_load((DEFAULT / "site.yaml").read_text("utf-8"))["contact"]
    base = yaml.safe_load((DEFAULT / "site.yaml").read_text("utf-8"))["base_url"]
    for collection in COLLECTIONS:
        for slug in RECORDS[collection]:
            html = (site / collection / slug / "index.html").read_text("utf-8")
            found = re.search(r'<a href="(mailto:[^"]+)">Report an error or ask to reply</a>', html)
            assert found, (collection, slug)
            link = urllib.parse.urlsplit(found.group(1).replace("&amp;", "&"))
            assert link.path == contact
            query = urllib.parse.parse_qs(link.query)
            title = re.search(r"<h1>(.*?)</h1>", html, re.DOTALL)
            assert title
            page_title = html_lib.unescape(re.sub(r"<[^>]+>", "", title.group(1)))
            assert page_title in query["subject"][0]
            assert f"{base}{collection}/{slug}/" in query["body"][0]


def test_the_site_names_its_routes_for_corrections_replies_and_naming(site: Path) -> None:
    contact = yaml.safe_load((DEFAULT / "site.yaml").read_text("utf-8"))["contact"]
    routes = section_of(site / "corrections/index.html", "how-to-correct")
    assert f'href="mailto:{contact}"' in routes
    for words in ("An error.", "Right of reply.", "A concern about naming.", "What happens next."):
        assert words in routes
    for path in html_pages(site):
        if path.name == "index.html" and path.parent != site / "search":
            html = path.read_text("utf-8")
            assert "corrections/index.html#how-to-correct" in html or "#how-to-correct" in html
    about = text_of(site / "pages/about/index.html")
    assert "Report an error or ask to reply" in about


# --- primary documents first ------------------------------------------------------------------


def rests_on_reporting(fields: dict[str, Any]) -> bool:
    return not any(RECORDS["sources"][s]["kind"] in PRIMARY for s in fields["sources"])


def test_the_coverage_list_names_every_record_resting_on_reporting_alone(site: Path) -> None:
    coverage = section_of(site / "methodology/index.html", "coverage-heading")
    listed = set(re.findall(r'href="\.\./(inspections|cases)/([a-z0-9-]+)/"', coverage))
    expected = {(c, s) for c in ("inspections", "cases") for s, f in RECORDS[c].items()
                if rests_on_reporting(f)}  # fmt: skip
    assert listed == expected
    for collection, slug in expected:
        standing = section_of(site / f"{collection}/{slug}/index.html", "standing-heading")
        assert "not on the inspection report, review or judgment itself" in standing


def test_a_record_citing_its_primary_document_says_so(site: Path) -> None:
    standing = section_of(site / "inspections/birmingham-inspection-2023/index.html",
                          "standing-heading")  # fmt: skip
    assert "It cites the primary document" in standing and "inspection report" in standing


# --- inferred dates ---------------------------------------------------------------------------


def inferred_records() -> dict[str, str]:
    """The address of each record with an inferred date, and that date as HTML gives it."""
    found = {}
    for collection in ("cases", "inspections"):
        for slug, fields in RECORDS[collection].items():
            date = str(fields.get("date", ""))
            if "?" in date:
                found[f"{collection}/{slug}/"] = date.replace("?", "")
    return found


def test_records_resting_on_an_undated_source_mark_their_dates_as_inferred() -> None:
    undated = {s for s, f in RECORDS["sources"].items() if "?" in str(f["published"])}
    assert "bp-scr-2008" in undated
    for collection in ("cases", "inspections"):
        for slug, fields in RECORDS[collection].items():
            if set(fields["sources"]) <= undated:
                assert "?" in str(fields["date"]), (collection, slug)
    assert len(inferred_records()) >= 8


def test_an_inferred_date_is_marked_wherever_a_page_shows_it(site: Path) -> None:
    records = inferred_records()
    checked = 0
    for path in html_pages(site):
        for line in path.read_text("utf-8").splitlines():
            for address, machine in records.items():
                if address not in line:
                    continue
                for text in re.findall(rf'<time datetime="{machine}">([^<]*)</time>', line):
                    assert "inferred" in text, (path.relative_to(site), address, text)
                    checked += 1
    assert checked >= 20  # record pages, lists, council timelines and the national timeline
    data = json.loads((site / "data/inspections.json").read_text("utf-8"))
    dates = {r["slug"]: r["date"] for r in data["records"]}
    assert dates["sandwell-scr-evaluation-2007-2008"] == "2008?"


# --- helpers ----------------------------------------------------------------------------------


def text_of(path: Path) -> str:
    """A page's text with tags removed and spaces collapsed."""
    html = re.sub(r"<svg.*?</svg>", "", path.read_text("utf-8"), flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text.replace("&#39;", "'").replace("&amp;", "&"))


def section_of(path: Path, heading_id: str) -> str:
    """The HTML of the section labelled by a heading id."""
    html = path.read_text("utf-8")
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def evidence_of(path: Path, anchor: str) -> list[str]:
    html = path.read_text("utf-8")
    entry = html.split(f'<div id="{anchor}">', 1)[1].split("</div>", 1)[0]
    return re.findall(r'<li><a href="([^"]+)"', entry)


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
