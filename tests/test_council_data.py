"""Each council's own download, /authorities/<slug>/data.json and data.csv: the same records
and scorecard as the site-wide files, linked from the council's page."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeSite
from helpers import build, record_text
from helpers import make_site as copy_site

from site_builder.render.council_data import COUNCIL_COLLECTIONS, COUNCIL_CSV_COLUMNS
from site_builder.render.data import csv_cell
from site_builder.render.scorecard_columns import count_titles

BASE = "https://fixture.example/"
TITLES = dict(count_titles())


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("council-data")
    assert build(copy_site(folder), folder / "out").status == 0
    return folder / "out"


def read_json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def site_rows(output: Path, collection: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = read_json(output / "data" / f"{collection}.json")["records"]
    return rows


def own_rows(output: Path, collection: str, slug: str) -> list[dict[str, Any]]:
    """The site-wide rows of a collection that belong to the council."""
    rows = site_rows(output, collection)
    if collection == "authorities":
        return [r for r in rows if r["slug"] == slug]
    if collection == "bodies":
        return [r for r in rows if slug in r["authorities"]]
    return [r for r in rows if r["authority"] == slug]


def councils(output: Path) -> list[str]:
    return [row["slug"] for row in site_rows(output, "authorities")]


def test_every_published_council_has_both_files_and_no_other_does(output: Path) -> None:
    published = councils(output)
    assert published == ["eastborough", "northtown", "southtown", "westshire"]
    found = sorted(p.parent.name for p in (output / "authorities").glob("*/data.json"))
    assert found == published
    assert sorted(p.parent.name for p in (output / "authorities").glob("*/data.csv")) == found


def test_council_json_holds_its_records_and_scorecard_as_the_site_files_do(output: Path) -> None:
    scorecards = read_json(output / "data" / "scorecards.json")
    for slug in councils(output):
        document = read_json(output / "authorities" / slug / "data.json")
        assert document["authority"] == slug
        assert document["page_url"] == f"{BASE}authorities/{slug}/"
        assert document["licence"] == "CC BY 4.0"
        assert list(document["records"]) == list(COUNCIL_COLLECTIONS)
        for collection in COUNCIL_COLLECTIONS:
            assert document["records"][collection] == own_rows(output, collection, slug)
        assert document["scorecard"] == scorecards[slug]
    northtown = read_json(output / "authorities" / "northtown" / "data.json")["records"]
    assert {c: len(rows) for c, rows in northtown.items()} == {
        "authorities": 1, "bodies": 1, "cases": 2, "inspections": 4,
    }  # fmt: skip


def expected_lines(output: Path, slug: str) -> list[dict[str, str]]:
    """data.csv as it should read: each record's row, then a row per scorecard figure."""
    lines = []
    for collection in COUNCIL_COLLECTIONS:
        for row in own_rows(output, collection, slug):
            line = {c: csv_cell(row.get(c)) for c in COUNCIL_CSV_COLUMNS}
            line.update(collection=collection, title=row.get("title") or row["name"])
            lines.append(line)
    card = read_json(output / "data" / "scorecards.json")[slug]
    for key, figure in card["figures"].items():
        line = dict.fromkeys(COUNCIL_CSV_COLUMNS, "")
        line.update(collection="scorecard", slug=key, title=TITLES[key],
                    value=csv_cell(figure["value"]),
                    at_least=str(figure["at_least"]),
                    page_url=f"{card['url']}#figure-{key.replace('_', '-')}")  # fmt: skip
        lines.append(line)
    return lines


def test_council_csv_has_a_row_per_record_then_per_figure_matching_the_site_json(
    output: Path,
) -> None:
    for slug in councils(output):
        rows = read_csv(output / "authorities" / slug / "data.csv")
        expected = expected_lines(output, slug)
        assert rows == expected
    northtown = read_csv(output / "authorities" / "northtown" / "data.csv")
    inspection = next(r for r in northtown if r["slug"] == "northtown-2021")
    assert (inspection["collection"], inspection["date"], inspection["kind"]) == (
        "inspections", "2021-06-15", "inspection",
    )  # fmt: skip


def test_a_figure_known_only_as_a_lower_bound_has_an_empty_value(make_site: MakeSite) -> None:
    approved = {"title": "Reviews approved", "authority": "southtown", "judged_by": "Ofsted",
                "kind": "scr_evaluation", "date": "2021", "grade_at_least": "adequate",
                "sources": ["report-a"]}  # fmt: skip
    content = make_site({"inspections/southtown-approved.yaml": record_text(approved)})
    assert build(content, content.parent / "out").status == 0
    rows = read_csv(content.parent / "out" / "authorities" / "southtown" / "data.csv")
    figures = {r["slug"]: r for r in rows if r["collection"] == "scorecard"}
    assert (
        figures["scr_evaluations_total"]["value"],
        figures["scr_evaluations_total"]["at_least"],
    ) == ("", "1")
    assert figures["cases_died"]["value"] == figures["cases_died"]["at_least"]


def links_of(page: Path) -> dict[str, str]:
    """Each link's address to its text, for links of the page's downloads line."""
    text = page.read_text("utf-8")
    line = next(line for line in text.splitlines() if "Download this council" in line)
    found: dict[str, str] = {}
    for part in line.split('<a href="')[1:]:
        href, _, rest = part.partition('"')
        found[href] = rest.split(">", 1)[1].split("<", 1)[0]
    return found


def test_council_page_links_its_downloads(output: Path) -> None:
    for slug in councils(output):
        links = links_of(output / "authorities" / slug / "index.html")
        assert links["data.json"] == "JSON" and links["data.csv"] == "CSV"
        assert (output / "authorities" / slug / "data.json").is_file()


def test_withdrawn_or_draft_records_are_in_no_council_file(make_site: MakeSite) -> None:
    content = make_site()
    assert build(content, content.parent / "out").status == 0
    every = b"".join(
        path.read_bytes() for path in (content.parent / "out" / "authorities").glob("*/data.*")
    )
    assert b"eastborough-withdrawn" not in every and b"orrery" not in every
