"""Rendered pages: the scorecard as figures and chart, case notes first, links both ways."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import MINIMAL, TEMPLATES
from helpers import make_site

from site_builder import urls
from site_builder.cli import main
from site_builder.render import charts
from site_builder.render.pages import with_top_heading

RECORD_FOLDERS = ("authorities", "bodies", "cases", "inspections", "pages")


# --- reading pages ---------------------------------------------------------------------------


class Page(HTMLParser):
    """The parts of a page the tests look at: links, ids, tables, and text in order."""

    def __init__(self, output_path: str, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.output_path = output_path
        self.html = html
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.tables: dict[str, list[list[str]]] = {}  # caption -> rows of cell texts
        self._table: list[list[str]] | None = None
        self._caption: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if tag == "table":
            self._table = []
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("th", "td") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None and self._table is not None:
            self.caption = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("th", "td") and self._cell is not None and self._table is not None:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._table is not None:
            self.tables[getattr(self, "caption", "")] = self._table
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._caption is not None:
            self._caption.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def targets(self) -> set[str]:
        """The output paths of the site pages this page links to (fragments dropped)."""
        found = set()
        for href in self.links:
            if re.match(r"^[a-z][a-z0-9+.-]*:", href) or href.startswith("#"):
                continue
            path = urls.site_path_of_url(href.split("#")[0], self.output_path)
            if path:
                found.add(path)
        return found

    def row(self, caption: str, heading: str) -> str:
        """The text of the cell after a row heading, in the table with the given caption."""
        for cells in self.tables[caption]:
            if cells and cells[0] == heading:
                return cells[1]
        raise AssertionError(f"no row {heading!r} in table {caption!r}: {self.tables[caption]}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("render") / "out"
    argv = ["build", "--content", str(MINIMAL), "--templates", str(TEMPLATES), "--output", str(out)]
    assert main(argv) == 0
    return out


def page(site: Path, output_path: str) -> Page:
    return Page(output_path, (site / output_path).read_text(encoding="utf-8"))


def record_pages(site: Path, folder: str) -> Iterator[Page]:
    for path in sorted((site / folder).glob("*/index.html")):
        yield page(site, path.relative_to(site).as_posix())


def is_withdrawn(p: Page) -> bool:
    return 'class="notice withdrawn"' in p.html


# --- the council page ------------------------------------------------------------------------

SCORECARD = "Scorecard of Northtown Metropolitan Borough Council: each figure links to the records it counts"


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Serious case reviews evaluated, in our record", "4"),
        ("Evaluations that judged a review inadequate", "3"),
        ("Latest graded inspection", "Requires improvement 15 June 2021"),
        ("Against the graded inspection before", "Better (before: Inadequate, May 2018)"),
        ("Children who died: cases in our record", "1"),
        ("Children seriously harmed: cases in our record", "1"),
        ("Reviews of these cases", "3"),
        ("Reviews pending", "1"),
        ("Reviews ordered to be re-run", "1"),
        ("Median days from commissioning to publication", "198"),
        ("Government interventions", "1"),
    ],
)
def test_council_page_shows_each_scorecard_figure(site: Path, heading: str, expected: str) -> None:
    northtown = page(site, "authorities/northtown/index.html")
    assert northtown.row(SCORECARD, heading) == expected


def test_latest_inspection_and_interventions_in_the_scorecard_link_to_their_records(
    site: Path,
) -> None:
    northtown = page(site, "authorities/northtown/index.html")
    scorecard = northtown.html.split('<table class="scorecard">')[1].split("</table>")[0]
    assert 'href="../../inspections/northtown-2021/"' in scorecard
    assert 'href="../../inspections/northtown-2018/"' in scorecard  # the one before
    evidence = evidence_lists(northtown)
    assert evidence["figure-interventions-total"] == ["../../inspections/northtown-notice/"]


def evidence_lists(p: Page) -> dict[str, list[str]]:
    """Each evidence entry of a council page (by its id) and the record links in its list."""
    section = p.html.split('<dl class="evidence">')[1].split("</dl>")[0]
    entries = re.findall(r'<div id="(figure-[a-z-]+)">(.*?)</div>', section, re.DOTALL)
    return {
        anchor: re.findall(r'<li><a href="([^"]+)"', re.split(r'<p class="uncertain">', body)[0])
        for anchor, body in entries
    }


def test_every_scorecard_figure_links_to_the_list_of_records_it_counts(site: Path) -> None:
    with_scorecard = []
    for council in record_pages(site, "authorities"):
        if is_withdrawn(council):
            continue
        if "Nothing in our record yet." in council.html:  # no scorecard, no figures at all
            assert '<table class="scorecard">' not in council.html, council.output_path
            continue
        with_scorecard.append(council.output_path)
        scorecard = council.html.split('<table class="scorecard">')[1].split("</table>")[0]
        anchors = re.findall(r'<td class="num"><a href="#([a-z-]+)">', scorecard)
        evidence = evidence_lists(council)
        assert anchors and set(anchors) == set(evidence), council.output_path
        counted = evidence["figure-cases-died"]
        cases = [r for r in counted if "/cases/" in r]
        assert counted == cases, council.output_path
    assert len(with_scorecard) == 2  # northtown and eastborough; westshire, southtown are empty


def test_council_chart_is_an_inline_svg_with_a_title_a_description_and_a_data_table(
    site: Path,
) -> None:
    northtown = page(site, "authorities/northtown/index.html")
    svg = next(attrs for tag, attrs in northtown.tags if tag == "svg")
    assert svg["role"] == "img"
    title_id, desc_id = svg["aria-labelledby"].split()
    assert {title_id, desc_id} <= northtown.ids
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", northtown.html, re.DOTALL)
    assert desc is not None
    assert desc.group(1) == (
        "Inspection judgements: requires improvement 1, inadequate 1. "
        "Serious case review evaluations: adequate 1, inadequate 3."
    )
    table = northtown.tables["The chart’s figures"]
    assert table[0] == ["Grade", "Inspections", "SCR evaluations"]
    assert ["Inadequate", "1", "3"] in table and ["Adequate", "0", "1"] in table
    assert not re.search(r"<script\b[^>]*\bsrc=", northtown.html)  # the chart needs no JavaScript


def test_bars_are_as_long_as_their_counts(site: Path) -> None:
    northtown = page(site, "authorities/northtown/index.html")
    widths = [int(attrs["width"]) for tag, attrs in northtown.tags if tag == "rect"]
    # inspections: requires improvement 1, inadequate 1; SCR evaluations: adequate 1, inadequate 3
    one, three = round(charts.BAR_SPACE / 3), charts.BAR_SPACE
    assert widths == [one, one, one, three]


def test_council_page_sets_its_peers_of_the_same_kind_beside_it(site: Path) -> None:
    # Southtown has nothing in the record: no row of zeros beside Northtown's figures.
    northtown = page(site, "authorities/northtown/index.html")
    assert not any("other metropolitan district councils" in t for t in northtown.tables)
    assert "The only other metropolitan district council in the record has nothing in it yet." in (
        northtown.html
    )
    westshire = page(site, "authorities/westshire/index.html")
    assert "There is no other county council in the record." in westshire.html


def test_council_page_links_its_cases_boards_inspections_and_they_link_back(site: Path) -> None:
    northtown = page(site, "authorities/northtown/index.html")
    linked = northtown.targets()
    for path in (
        "cases/child-a/index.html",
        "cases/child-b/index.html",
        "bodies/northtown-scb/index.html",
        "inspections/northtown-2018/index.html",
        "inspections/northtown-2021/index.html",
        "inspections/northtown-notice/index.html",
        "inspections/northtown-scr-evaluations/index.html",
    ):
        assert path in linked
        assert "authorities/northtown/index.html" in page(site, path).targets(), path


@pytest.mark.parametrize("folder", ["cases", "inspections"])
def test_every_case_and_inspection_is_linked_from_its_council_page(site: Path, folder: str) -> None:
    for record in record_pages(site, folder):
        if is_withdrawn(record):
            continue
        councils = {
            t
            for t in record.targets()
            if t.startswith("authorities/") and t != "authorities/index.html"
        }
        assert councils, record.output_path
        for council in councils:
            assert record.output_path in page(site, council).targets(), (
                council,
                record.output_path,
            )


def test_board_and_case_link_each_other_through_its_reviews(site: Path) -> None:
    case = page(site, "cases/child-a/index.html")
    board = page(site, "bodies/northtown-scb/index.html")
    assert "bodies/northtown-scb/index.html" in case.targets()
    assert case.row("Reviews of the case of Child A", "Serious case review").startswith(
        "Northtown Safeguarding Children Board"
    )
    assert "cases/child-a/index.html" in board.targets()


def test_inspection_and_the_cases_it_judged_link_each_other(site: Path) -> None:
    evaluation = page(site, "inspections/northtown-scr-evaluations/index.html")
    assert "cases/child-a/index.html" in evaluation.targets()
    assert (
        "inspections/northtown-scr-evaluations/index.html"
        in page(site, "cases/child-a/index.html").targets()
    )
    assert "not the council’s practice" in evaluation.html


# --- sources, both ways ----------------------------------------------------------------------


@pytest.mark.parametrize("folder", RECORD_FOLDERS)
def test_every_record_page_links_its_sources_and_each_source_links_back(
    site: Path, folder: str
) -> None:
    for record in record_pages(site, folder):
        if is_withdrawn(record):
            continue  # nothing of it stays, its sources neither
        sources = {
            t for t in record.targets() if t.startswith("sources/") and t != "sources/index.html"
        }
        if folder != "pages":
            assert sources, f"{record.output_path} cites no source page"
        for source in sources:
            assert record.output_path in page(site, source).targets(), (source, record.output_path)


def test_citation_names_title_publisher_date_and_links_the_original(site: Path) -> None:
    case = page(site, "cases/child-a/index.html")
    citations = case.html.split('<section class="sources"')[1].split("</section>")[0]
    assert (
        'A report about Northtown</a>, Fixture News, <time datetime="2021-07-01">1 July 2021</time>'
        in citations
    )
    assert 'href="https://news.example/report-a" rel="external"' in citations
    assert 'href="../../sources/report-a/"' in citations


# --- the case page ---------------------------------------------------------------------------


def test_case_page_shows_the_content_note_and_support_before_anything_else(site: Path) -> None:
    case = page(site, "cases/child-a/index.html")
    main_part = case.html.split('<main id="main"')[1]
    note = main_part.index("This page describes the death of a young child.")
    support = main_part.index("If you are affected, call Childline on 0800 1111.")
    h1 = main_part.index("<h1>")
    assert note < support < h1
    first_element = re.search(r"<(?!/)(\w+)[^>]*>", main_part.split(">", 1)[1])
    assert first_element is not None and 'class="notices"' in first_element.group(0)


def test_case_page_without_a_content_note_still_shows_support_first(site: Path) -> None:
    case = page(site, "cases/child-b/index.html")
    main_part = case.html.split('<main id="main"')[1]
    assert main_part.index("Childline") < main_part.index("<h1>")


def test_no_page_shows_any_image(site: Path) -> None:
    for path in sorted(site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"<(img|picture|image)\b", html, re.IGNORECASE), path


# (the home page and its councils tables: tests/test_home.py)


# --- pages in general ------------------------------------------------------------------------


def test_no_inline_script_handler_or_javascript_url_in_any_page(site: Path) -> None:
    for path in sorted(site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        # Scripts are files; a JSON-LD data block is not run, so a strict CSP allows it.
        assert not re.search(
            r"<script(?![^>]*\b(src=|type=\"application/ld\+json\"))[^>]*>", html
        ), path
        assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), path
        assert "javascript:" not in html.lower(), path
        assert not re.search(r"\sstyle\s*=", html, re.IGNORECASE), path


def test_not_found_page_links_from_the_root_of_base_url(site: Path) -> None:
    not_found = page(site, "404.html")
    assert 'href="/static/site.css"' in not_found.html
    assert all(href.startswith(("/", "#", "https:")) for href in not_found.links)


def test_each_page_marks_its_own_item_in_the_main_menu(site: Path) -> None:
    timeline = page(site, "timeline/index.html")
    assert '<a href="./" aria-current="page">Timeline</a>' in timeline.html


@pytest.mark.parametrize(
    ("html", "top", "expected"),
    [
        ("<h3>A</h3><h4>B</h4>", 2, "<h2>A</h2><h3>B</h3>"),
        ("<h2>A</h2><p>x</p>", 3, "<h3>A</h3><p>x</p>"),
        ("<p>no headings</p>", 2, "<p>no headings</p>"),
        ("<h5>A</h5><h6>B</h6>", 2, "<h2>A</h2><h3>B</h3>"),
    ],
)
def test_body_headings_start_right_below_the_page_headings(
    html: str, top: int, expected: str
) -> None:
    assert with_top_heading(html, top) == expected


class _Nesting(HTMLParser):
    """The end tags of a page that close something other than the innermost open element."""

    VOID: ClassVar[set[str]] = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}  # fmt: skip

    def __init__(self, html: str) -> None:
        super().__init__()
        self.open: list[str] = []
        self.mismatched: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.mismatched.append(f"</{tag}> inside {self.open[-3:]}")


def test_a_heading_inside_a_quote_on_the_about_page_leaves_the_home_page_balanced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The home page shows the about page's opening above the councils and its sections below,
    cut at its first heading: a heading inside a quote is not where a section starts."""
    monkeypatch.chdir(tmp_path)
    about = ("---\ntitle: About\n---\nOpening words.\n\n> ## Quoted heading\n>\n> Quoted words.\n\n"
             "## First section\n\nSection words.\n")  # fmt: skip
    make_site(tmp_path, {"pages/about.md": about})
    build = ["build", "--content", "content", "--templates", str(TEMPLATES), "--output", "out"]
    assert main(build) == 0
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    nesting = _Nesting(home)
    assert nesting.mismatched == [] and nesting.open == []
    opening, _, rest = home.partition('id="councils-heading"')
    assert "Quoted words." in opening and "Quoted heading" in opening
    assert "First section" in rest and "First section" not in opening


# --- Markdown input that would take Python-Markdown minutes, or overflow it ----------------------

CASE_HEAD = (MINIMAL / "cases" / "child-a.md").read_text(encoding="utf-8").split("---\n")[1]
BODY_LINE = CASE_HEAD.count("\n") + 3  # the line after the closing fence


def check_body(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
               body: str) -> tuple[int, list[str], float]:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    make_site(tmp_path, {"cases/child-a.md": f"---\n{CASE_HEAD}---\n{body}"})
    started = time.perf_counter()
    status = main(["check", "--content", "content"])
    return status, capsys.readouterr().err.splitlines(), time.perf_counter() - started


NEST = "lists and quotes nested more than 20 levels deep: flatten them"
BRACKETS = "more than 32 '[' open at once in one paragraph: close them, or write one that is only text as '\\['"
PARENS = "more than 32 '(' open at once in one paragraph: close them, or write one that is only text as '\\('"


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("[" * 40_000, 0, "a paragraph of 40,001 characters (at most 20,000): split it with blank lines"),
        ("[" * 10_000, 0, BRACKETS),
        ("Some words.\n\n" + "[a](" * 1_000, 2, PARENS),
        ("a\n=\n" * 25_000, 0, "50000 lines without a blank line (at most 300): put blank lines between paragraphs, or split the list or table"),
        ("".join("    " * depth + "- item\n" for depth in range(300)), 20, NEST),
        ("".join("    " * depth + "1. item\n\n" for depth in range(300)), 40, NEST),
        ("".join(">" * depth + " words\n" for depth in range(1, 300)), 20, NEST),
        ("> " * 20_000 + "words", 0, NEST),
    ],
)  # fmt: skip
def test_markdown_beyond_its_bounds_is_refused_at_its_line_quickly_and_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    body: str, line: int, message: str,
) -> None:  # fmt: skip
    status, errors, seconds = check_body(tmp_path, monkeypatch, capsys, body)
    assert status == 1
    assert errors == [f"content/cases/child-a.md:{BODY_LINE + line}: {message}",
                      "1 error; nothing was written"]  # fmt: skip
    assert seconds < 10


@pytest.mark.parametrize(
    "body",
    [("[" * 30 + "a" * 30 + "]" * 30 + "\n\n") * 300,  # 27 KB: many paragraphs, each within
     ("Heading\n=\n" * 100 + "\n") * 100,  # 100 KB of setext headings, in runs of 200 lines
     "\\[" * 9_000,  # escaped brackets are text
     "".join("    " * depth + "- item\n" for depth in range(20))],
)  # fmt: skip
def test_markdown_within_its_bounds_renders_in_time_that_grows_with_its_length(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], body: str
) -> None:
    status, errors, seconds = check_body(tmp_path, monkeypatch, capsys, body)
    assert (status, errors) == (0, ["17 records, no errors"])
    assert seconds < 15  # a few seconds at most on a slow machine; minutes before the bounds
