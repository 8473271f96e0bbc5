"""Open data: every JSON and CSV file reads back to the checked records and the scorecards."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import MakeSite
from helpers import MINIMAL, TEMPLATES, build
from helpers import make_site as copy_site

from site_builder.config import SiteConfig
from site_builder.link import Site
from site_builder.pipeline import check_site
from site_builder.render.data import DATA_COLLECTIONS, csv_columns
from site_builder.schema import deref, load_schemas
from site_builder.score import Scorecard, score_authorities

BASE = "https://fixture.example/"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
OPEN_DATA_ONLY = {"slug", "page_url", "body_markdown"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Site, dict[str, Scorecard]]:
    """The minimal fixture built once, with the model it was built from."""
    folder = tmp_path_factory.mktemp("data")
    content, output = copy_site(folder), folder / "out"  # a copy: the cache goes beside it
    assert build(content, output).status == 0
    site, _ = check_site(SiteConfig(content, TEMPLATES, output, today=dt.date(2025, 11, 22)))
    return output, site, score_authorities(site)


def read_json(output: Path, name: str) -> Any:
    return json.loads((output / "data" / name).read_text("utf-8"))


def read_csv(output: Path, name: str) -> tuple[list[str], list[dict[str, str]]]:
    raw = (output / "data" / name).read_bytes()
    assert raw.startswith("\ufeff".encode()), "a spreadsheet needs the byte-order mark for UTF-8"
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def content_fields(collection: str, slug: str) -> dict[str, Any]:
    """A record's fields exactly as its editor wrote them in the fixture."""
    path = next((MINIMAL / collection).glob(f"{slug}.*"))
    text = path.read_text("utf-8")
    front = text.split("---\n", 2)[1] if path.suffix == ".md" else text
    fields: dict[str, Any] = yaml.safe_load(front)
    return fields


def without_links(value: Any) -> Any:
    """The data less what only the open data adds: slugs of its own, addresses, the body."""
    if isinstance(value, list):
        return [without_links(v) for v in value]
    if isinstance(value, dict):
        return {
            k: without_links(v)
            for k, v in value.items()
            if k not in OPEN_DATA_ONLY and not re.search(r"_urls?$", k)
        }
    return value


@pytest.mark.parametrize("collection", DATA_COLLECTIONS)
def test_collection_json_holds_every_listed_record_as_its_editor_wrote_it(
    built: tuple[Path, Site, dict[str, Scorecard]], collection: str
) -> None:
    output, site, _ = built
    document = read_json(output, f"{collection}.json")
    records = site.listed(collection)
    assert document["collection"] == collection
    assert document["licence"] == "CC BY 4.0"
    assert document["dictionary"] == f"{BASE}data/dictionary/#dict-{collection}"
    assert document["count"] == len(records) == len(document["records"])
    for record, row in zip(records, document["records"], strict=True):
        assert row["slug"] == record.slug
        assert row["page_url"] == f"{BASE}{collection}/{record.slug}/"
        written = content_fields(collection, record.slug)
        written.pop("private", None)
        written.setdefault("status", "published")
        if collection == "cases":
            written.setdefault("services_involved", "not_known")  # the default, written out
        assert without_links(row) == written
        assert row.get("body_markdown", "") == (
            record.body.strip() + "\n" if record.body.strip() else ""
        )


def test_partial_dates_stay_as_the_source_gives_them(
    built: tuple[Path, Site, dict[str, Scorecard]],
) -> None:
    rows = {r["slug"]: r for r in read_json(built[0], "inspections.json")["records"]}
    assert rows["northtown-2018"]["date"] == "2018-05"
    assert rows["northtown-scr-evaluations"]["date"] == "2020"
    assert rows["northtown-2021"]["date"] == "2021-06-15"


def every_link(value: Any, key: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(field, slug or slugs, address or addresses) for every reference, nested ones too."""
    if isinstance(value, list):
        for item in value:
            yield from every_link(item)
    elif isinstance(value, dict):
        for name, item in value.items():
            if name.endswith("_url") and name != "page_url":
                yield name, value[name[: -len("_url")]], item
            elif name.endswith("_urls"):
                yield name, value[name[: -len("_urls")]], item
            else:
                yield from every_link(item, name)


@pytest.mark.parametrize("collection", DATA_COLLECTIONS)
def test_every_reference_is_a_slug_with_the_address_of_a_page_that_exists(
    built: tuple[Path, Site, dict[str, Scorecard]], collection: str
) -> None:
    output = built[0]
    rows = read_json(output, f"{collection}.json")["records"]
    links = list(every_link(rows))
    for name, slugs, addresses in links:
        pairs = (
            zip(slugs, addresses, strict=True) if isinstance(slugs, list) else [(slugs, addresses)]
        )
        for slug, address in pairs:
            assert address.startswith(BASE) and address.endswith(f"/{slug}/"), (name, address)
            assert (output / address.removeprefix(BASE) / "index.html").is_file(), address
    if collection != "sources":  # every other record cites its sources
        assert "sources_urls" in {name for name, _, _ in links}


def test_nested_references_get_addresses_too(
    built: tuple[Path, Site, dict[str, Scorecard]],
) -> None:
    output = built[0]
    child_a = read_json(output, "cases.json")["records"][0]
    assert child_a["reviews"][0]["body_url"] == f"{BASE}bodies/northtown-scb/"
    northtown = next(
        r for r in read_json(output, "authorities.json")["records"] if r["slug"] == "northtown"
    )
    assert northtown["figures"][0]["source_url"] == f"{BASE}sources/report-a/"
    assert northtown["statistical_neighbours_urls"] == [f"{BASE}authorities/southtown/"]


def cell_value(cell: str, like: Any) -> Any:
    """A CSV cell read back as the kind of value the JSON holds."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        cell = cell[1:]
    if like is None:
        return None if cell == "" else cell
    if isinstance(like, bool):
        return {"true": True, "false": False}[cell]
    if isinstance(like, (list, dict)):
        return json.loads(cell)
    if isinstance(like, (int, float)):
        return type(like)(cell)
    return cell


@pytest.mark.parametrize("collection", DATA_COLLECTIONS)
def test_collection_csv_reads_back_to_the_json(
    built: tuple[Path, Site, dict[str, Scorecard]], collection: str
) -> None:
    output = built[0]
    header, rows = read_csv(output, f"{collection}.csv")
    assert header == list(csv_columns(collection))
    records = read_json(output, f"{collection}.json")["records"]
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        assert not set(record) - set(header), "every JSON field has its column"
        for column in header:
            assert cell_value(row[column], record.get(column)) == record.get(column), column


def test_csv_columns_follow_the_schema_order_with_addresses_beside_references() -> None:
    assert list(csv_columns("cases")[:7]) == [
        "slug", "page_url", "title", "name_status", "naming_basis", "naming_basis_url", "aliases",
    ]  # fmt: skip
    assert csv_columns("cases")[-1] == "body_markdown"
    assert "private" not in csv_columns("authorities")


def test_csv_files_use_crlf_lines_and_a_header_row(
    built: tuple[Path, Site, dict[str, Scorecard]],
) -> None:
    for path in sorted((built[0] / "data").glob("*.csv")):
        text = path.read_bytes().decode("utf-8-sig")
        header, _, rest = text.partition("\r\n")
        assert header.split(",")[0] in {"slug", "authority"} and "\n" not in header
        assert rest.endswith("\r\n")


def test_scorecards_json_is_keyed_by_council_and_matches_the_scorecards(
    built: tuple[Path, Site, dict[str, Scorecard]],
) -> None:
    output, site, scorecards = built
    cards = read_json(output, "scorecards.json")
    assert list(cards) == sorted(a.slug for a in site.listed("authorities"))
    for slug, data in cards.items():
        card = scorecards[slug]
        assert data["url"] == f"{BASE}authorities/{slug}/"
        assert data["inspections_by_grade"] == {
            g.value: t.value for g, t in card.inspections.by_grade
        }
        assert data["scr_evaluations"] == {
            "total": card.scr_evaluations.total.value,
            "by_grade": {g.value: t.value for g, t in card.scr_evaluations.by_grade},
            "by_grade_range": {},
            "inadequate": card.scr_evaluations.inadequate.value,
        }
        latest = card.latest_inspection
        assert (data["latest_inspection"] or {}).get("record") == (latest.slug if latest else None)
        assert data["direction"] == card.direction
        assert data["cases_by_harm"] == {
            "died": card.cases_died.value,
            "seriously_harmed": card.cases_seriously_harmed.value,
        }
        assert [i["record"] for i in data["interventions"]] == [i.slug for i in card.interventions]
        assert data["peers"] == list(card.peers)
        for figure in data["figures"].values():
            assert figure["exact"] and figure["value"] == figure["at_least"]
            assert figure["value"] == 0 or figure["records"]
    northtown = cards["northtown"]
    assert northtown["scr_evaluations"]["inadequate"] == 3
    assert northtown["latest_inspection"] == {
        "grade": "requires_improvement", "grade_at_least": None, "date": "2021-06-15",
        "published": None, "record": "northtown-2021", "url": f"{BASE}inspections/northtown-2021/",
    }  # fmt: skip
    assert northtown["reviews"]["median_days_commissioned_to_published"] == 198


def test_scorecards_csv_has_one_row_per_council_matching_the_json(
    built: tuple[Path, Site, dict[str, Scorecard]],
) -> None:
    output = built[0]
    cards = read_json(output, "scorecards.json")
    _, rows = read_csv(output, "scorecards.csv")
    assert [r["authority"] for r in rows] == list(cards)
    for row in rows:
        card = cards[row["authority"]]
        assert row["name"] == card["name"] and row["authority_url"] == card["url"]
        assert int(row["inspections_total"]) == sum(card["inspections_by_grade"].values())
        assert int(row["inspections_inadequate"]) == card["inspections_by_grade"].get(
            "inadequate", 0
        )
        assert int(row["scr_evaluations_inadequate"]) == card["scr_evaluations"]["inadequate"]
        assert int(row["cases_died"]) == card["cases_by_harm"]["died"]
        assert json.loads(row["interventions"]) == [i["record"] for i in card["interventions"]]
        assert json.loads(row["peers"]) == card["peers"]
        median = card["reviews"]["median_days_commissioned_to_published"]
        assert row["median_days_commissioned_to_published"] == (
            "" if median is None else f"{median:g}"
        )


def test_drafts_withdrawn_records_and_private_notes_are_in_no_data_file(
    built: tuple[Path, Site, dict[str, Scorecard]],
) -> None:
    data = b"".join(p.read_bytes() for p in sorted((built[0] / "data").glob("*.*")))
    for absent in (
        b"lanternfish",
        b"orrery",
        b"quillwort",
        b"eastborough-withdrawn",
        b"palimpsest",
    ):
        assert absent not in data.lower()
    assert b'"private"' not in data


def test_cells_a_spreadsheet_would_run_start_with_an_apostrophe(make_site: MakeSite) -> None:
    make_site({
        "sources/formula.md": '---\ntitle: "=HYPERLINK(\\"https://evil.example\\")"\n'
        "publisher: '+44 20 7946 0000'\nkind: news\npublished: '2020'\n---\n-1 is not a list.\n",
    })  # fmt: skip
    assert build(Path("content"), Path("out")).status == 0
    _, rows = read_csv(Path("out"), "sources.csv")
    row = next(r for r in rows if r["slug"] == "formula")
    assert row["title"] == '\'=HYPERLINK("https://evil.example")'
    assert row["publisher"] == "'+44 20 7946 0000"
    assert row["body_markdown"] == "'-1 is not a list.\n"
    record = next(
        r for r in read_json(Path("out"), "sources.json")["records"] if r["slug"] == "formula"
    )
    assert record["title"] == '=HYPERLINK("https://evil.example")'  # the JSON keeps the text


class _Tables(HTMLParser):
    """The text of each body row of the page's tables, and every link."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self.codes: list[str] = []
        self._cell: list[str] | None = None
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in {"td", "th"}:
            self._cell = []
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        elif tag == "code":
            self._in_code = True
            self.codes.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "code":
            self._in_code = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._in_code:
            self.codes[-1] += data


def parse_page(path: Path) -> _Tables:
    parser = _Tables()
    parser.feed(path.read_text("utf-8"))
    return parser


def test_data_page_lists_every_file_with_its_size_records_and_licence(
    built: tuple[Path, Site, dict[str, Scorecard]],
) -> None:
    output, site, _ = built
    page = parse_page(output / "data/index.html")
    rows = {row[0]: row for row in page.rows if row and row[0].endswith((".json", ".csv"))}
    files = sorted(
        p
        for p in (output / "data").iterdir()
        if p.suffix in {".json", ".csv"} and p.name != "datapackage.json"
    )
    assert sorted(rows) == [p.name for p in files] and len(files) == 12
    assert "datapackage.json" in page.links  # the descriptor is linked beside the table
    for path in files:
        _, kind, _, records, size, licence, _ = rows[path.name]
        collection = path.stem
        expected = len(site.listed(collection)) if collection in DATA_COLLECTIONS else 4
        assert (kind, records, licence) == (path.suffix[1:].upper(), str(expected), "CC BY 4.0")
        assert size == f"{path.stat().st_size:,}\N{NO-BREAK SPACE}bytes"
        assert path.name in page.links
    assert "dictionary/" in page.links and "dictionary/#dict-cases" in page.links


def test_dictionary_names_every_field_of_every_schema_and_every_open_data_column(
    built: tuple[Path, Site, dict[str, Scorecard]],
) -> None:
    page = parse_page(built[0] / "data/dictionary/index.html")
    documented = set(page.codes)
    for name, schema in load_schemas().items():
        for key, node in schema["properties"].items():
            assert key in documented, f"{name}.{key}"
            item = deref(schema, deref(schema, node).get("items", {}))
            for sub in item.get("properties", {}):
                assert f"{key}[].{sub}" in documented, f"{name}.{key}[].{sub}"
    for column in {c for collection in DATA_COLLECTIONS for c in csv_columns(collection)}:
        assert column in documented or re.search(r"_urls?$", column), column
    assert {"slug", "page_url", "body_markdown"} <= documented
