"""Trends: each council's graded inspections over time, as an inline SVG chart with a table as
its text alternative; Birmingham's record on the default site shows the story."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sitecheck
from conftest import REPO, TEMPLATES, MakeSite
from helpers import build, write_files

from site_builder.config import SiteConfig
from site_builder.pipeline import check_site
from site_builder.render import trends

BIRMINGHAM = "authorities/birmingham/index.html"


class Trend(HTMLParser):
    """The trend chart of a council page: its marks in drawing order, and its table's rows."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[tuple[str, float]] = []  # (the mark's classes, its x)
        self.rows: list[list[str]] = []
        self.row_links: list[str] = []
        self.description = ""
        self._in_figure = self._in_table = self._in_desc = False
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        classes = found.get("class", "").split()
        if tag == "figure" and "trend" in classes:
            self._in_figure = True
        elif tag == "table" and "trend-data" in classes:
            self._in_table = True
        elif tag == "circle" and self._in_figure:
            self.marks.append((found["class"], float(found["cx"])))
        elif tag == "desc" and self._in_figure:
            self._in_desc = True
        elif self._in_table and tag == "tr":
            self.rows.append([])
        elif self._in_table and tag == "td":
            self._cell = []
        elif self._in_table and tag == "a" and self._cell is not None:
            self.row_links.append(found["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self._in_figure = False
        elif tag == "table":
            self._in_table = False
        elif tag == "desc":
            self._in_desc = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_desc:
            self.description += data


@pytest.fixture(scope="module")
def default_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("trends") / "site"
    assert build(REPO / "content", output).status == 0
    return output


def test_birmingham_chart_shows_inadequate_then_requires_improvement_then_good(
    default_site: Path,
) -> None:
    trend = Trend((default_site / BIRMINGHAM).read_text(encoding="utf-8"))
    grades = [re.sub(r".*trend-(inadequate|requires-improvement|good).*", r"\1", c)
              for c, _ in trend.marks]  # fmt: skip
    # One mark per graded inspection in the record (2008, 2010, 2012, 2014, 2018, 2023).
    assert grades == ["inadequate"] * 4 + ["requires-improvement", "good"]
    xs = [x for _, x in trend.marks]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)  # oldest on the left, none on another
    assert trend.description == (
        "Inadequate 4 times (2008 to 2014), then requires improvement (2018), then good (2023)."
    )


def test_birmingham_chart_table_lists_each_inspection_in_order_with_its_record(
    default_site: Path,
) -> None:
    trend = Trend((default_site / BIRMINGHAM).read_text(encoding="utf-8"))
    assert [row[:2] for row in trend.rows[1:]] == [
        ["17 December 2008", "Inadequate"],
        ["June 2010", "Inadequate"],
        ["September 2012", "Inadequate"],
        ["19 March 2014", "Inadequate"],
        ["2018", "Requires improvement"],
        ["February 2023", "Good"],
    ]
    assert trend.row_links == [
        "../../inspections/birmingham-annual-assessment-2008/",
        "../../inspections/birmingham-inspection-2010/",
        "../../inspections/birmingham-inspection-2012/",
        "../../inspections/birmingham-inspection-2014/",
        "../../inspections/birmingham-inspection-2019/",
        "../../inspections/birmingham-inspection-2023/",
    ]
    for href in trend.row_links:
        assert (default_site / "authorities/birmingham" / href / "index.html").resolve().is_file()


def test_a_council_with_no_graded_inspection_shows_no_chart(default_site: Path) -> None:
    html = (default_site / "authorities/sandwell/index.html").read_text(encoding="utf-8")
    assert 'id="trend-heading"' not in html and "trend-data" not in html
    assert "<circle" not in html


def test_birmingham_page_passes_vnu_and_axe(default_site: Path, tmp_path: Path) -> None:
    assert sitecheck.run_axe(default_site, [BIRMINGHAM]) == []
    (tmp_path / "authorities/birmingham").mkdir(parents=True)
    shutil.copyfile(default_site / BIRMINGHAM, tmp_path / BIRMINGHAM)
    assert sitecheck.validate_html(tmp_path) == []


# --- the chart's geometry (render/trends.py) --------------------------------------------------


def chart_of(content: Path, slug: str = "westshire") -> trends.TrendChart | None:
    config = SiteConfig(content, TEMPLATES, Path("out"), today=dt.date(2025, 11, 22))
    site, _ = check_site(config)
    return trends.authority_trend(site, site.authorities[slug])


def inspection(slug: str, date: str, grade: str, kind: str = "inspection") -> dict[str, str]:
    return {
        f"inspections/{slug}.yaml": f"title: {slug}\nauthority: westshire\njudged_by: Ofsted\n"
        f"kind: {kind}\ndate: '{date}'\ngrade: {grade}\nsources: [report-a]\n"
    }


def test_only_graded_inspections_of_services_are_marks(make_site: MakeSite) -> None:
    content = make_site(
        inspection("a", "2015-06-01", "not_graded")
        | inspection("b", "2016-06-01", "inadequate", kind="scr_evaluation")
    )
    assert chart_of(content) is None  # nothing to draw, so no empty chart
    chart = chart_of(write_files(content, inspection("c", "2017-02-03", "good")))
    assert chart is not None
    assert [mark.inspection.slug for mark in chart.marks] == ["c"]


def test_marks_stand_on_their_grade_line_in_date_order(make_site: MakeSite) -> None:
    chart = chart_of(
        make_site(
            inspection("late", "2020-01-15", "outstanding")
            | inspection("early", "2012-05-01", "inadequate")
            | inspection("middle", "2016", "adequate")
        )
    )
    assert chart is not None
    assert [m.inspection.slug for m in chart.marks] == ["early", "middle", "late"]
    line = {row.label: row.y for row in chart.rows}
    assert [m.y for m in chart.marks] == [
        line["Inadequate"], line["Requires improvement or adequate"], line["Outstanding"]
    ]  # fmt: skip
    assert chart.marks[0].x < chart.marks[1].x < chart.marks[2].x
    assert chart.marks[1].has_span and not chart.marks[0].has_span  # 2016: a year's span
    assert chart.marks[1].span_start < chart.marks[1].x < chart.marks[1].span_end
    assert all(chart.plot_start <= m.x <= chart.plot_end for m in chart.marks)
    assert [tick.label for tick in chart.ticks if tick.label][:1] == ["2012"]


def test_a_grade_known_only_as_a_range_is_an_open_mark_at_its_lowest_grade(
    make_site: MakeSite,
) -> None:
    content = make_site(
        {
            "inspections/r.yaml": "title: r\nauthority: westshire\njudged_by: Ofsted\n"
            "kind: inspection\ndate: '2019-04-02'\ngrade_at_least: good\ncount: 1\n"
            "sources: [report-a]\n"
        }
    )
    chart = chart_of(content)
    assert chart is not None
    (mark,) = chart.marks
    assert mark.is_range and mark.grade.value == "good"
    assert mark.y == {row.label: row.y for row in chart.rows}["Good"]


def test_a_long_record_is_described_by_its_counts_and_its_latest_grade(
    make_site: MakeSite,
) -> None:
    files: dict[str, str] = {}
    for n, grade in enumerate(["good", "inadequate"] * 3 + ["requires_improvement"]):
        files |= inspection(f"i{n}", f"{2010 + n}-05-01", grade)
    chart = chart_of(make_site(files))
    assert chart is not None
    assert chart.description == (
        "7 graded inspections from 2010 to 2016: good 3, requires improvement 1, "
        "inadequate 3. The latest: requires improvement (2016)."
    )
