"""data/datapackage.json, read by a real client: `frictionless` validates every CSV of the
default site and of the fixture against it, row by row, foreign keys included."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import frictionless
import pytest
from helpers import REPO, build
from helpers import make_site as copy_site

from site_builder.render.data import DATA_COLLECTIONS
from site_builder.schema import deref, load_schemas

RESOURCES = [*DATA_COLLECTIONS, "scorecards"]


@pytest.fixture(scope="module", params=["default", "fixture"])
def data_folder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data/ folder of the default site (content/) or of the fixture, each built from a
    copy so that no build cache is written beside the repository's content."""
    folder = tmp_path_factory.mktemp(f"datapackage-{request.param}")
    if request.param == "default":
        content = folder / "content"
        shutil.copytree(REPO / "content", content)
    else:
        content = copy_site(folder)
    assert build(content, folder / "out").status == 0
    return folder / "out" / "data"


def descriptor(data: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((data / "datapackage.json").read_text("utf-8"))
    return loaded


def validate(data: Path) -> frictionless.Report:
    """frictionless's own validation of the package: descriptor, every row, every key."""
    return frictionless.validate(str(data / "datapackage.json"))


def problems(report: frictionless.Report) -> list[str]:
    found = [f"{e.type}: {e.note}" for e in report.errors]
    for task in report.tasks:
        found += [f"{task.name}: {e.type}: {e.note}" for e in task.errors]
    return found


def header(path: Path) -> list[str]:
    return next(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def row_count(path: Path) -> int:
    return len(list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""))))


def test_frictionless_validates_every_csv_row_by_row(data_folder: Path) -> None:
    report = validate(data_folder)
    assert problems(report) == [] and report.valid
    checked = {task.name: task.stats.get("rows", 0) for task in report.tasks}  # none if empty
    assert checked == {name: row_count(data_folder / f"{name}.csv") - 1 for name in RESOURCES}
    assert checked["authorities"] > 0 and checked["inspections"] > 0


def test_package_describes_every_csv_under_data(data_folder: Path) -> None:
    package = descriptor(data_folder)
    assert package["profile"] == "tabular-data-package"
    assert sorted(r["path"] for r in package["resources"]) == sorted(
        p.name for p in data_folder.glob("*.csv")
    )
    assert package["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0",
        }
    ]
    assert package["homepage"].startswith("https://") and package["name"]


def test_field_names_are_the_csv_header_exactly(data_folder: Path) -> None:
    for resource in descriptor(data_folder)["resources"]:
        names = [field["name"] for field in resource["schema"]["fields"]]
        assert names == header(data_folder / resource["path"]), resource["name"]


def test_each_file_has_its_size_and_hash(data_folder: Path) -> None:
    for resource in descriptor(data_folder)["resources"]:
        content = (data_folder / resource["path"]).read_bytes()
        assert resource["bytes"] == len(content)
        assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()


def test_descriptions_come_from_the_schemas_and_partial_dates_are_not_dates(
    data_folder: Path,
) -> None:
    schemas = load_schemas()
    for resource in descriptor(data_folder)["resources"]:
        assert all(f.get("title") and f.get("description") for f in resource["schema"]["fields"])
        if resource["name"] == "scorecards":
            continue
        schema = schemas[resource["name"]]
        for field in resource["schema"]["fields"]:
            if field["name"] not in schema["properties"]:
                continue
            node = deref(schema, schema["properties"][field["name"]])
            assert (field["title"], field["description"]) == (node["title"], node["description"])
            if node.get("format") == "partial-date":
                assert field["type"] == "string" and "pattern" in field["constraints"]
            if "enum" in node:
                assert field["constraints"]["enum"] == node["enum"]
    cases = next(r for r in descriptor(data_folder)["resources"] if r["name"] == "cases")
    types = {f["name"]: f["type"] for f in cases["schema"]["fields"]}
    assert types["date"] == "string" and types["aliases"] == "array"
    assert types["reviews"] == "array" and types["age"] == "string"


def test_keys_name_the_slug_and_the_records_each_file_refers_to(data_folder: Path) -> None:
    resources = {r["name"]: r["schema"] for r in descriptor(data_folder)["resources"]}
    assert all(resources[name]["primaryKey"] == ["slug"] for name in DATA_COLLECTIONS)
    assert resources["scorecards"]["primaryKey"] == ["authority"]

    def keys(name: str) -> set[tuple[str, str]]:
        found = set()
        for key in resources[name]["foreignKeys"]:
            assert key["reference"]["fields"] == ["slug"]
            found.add((key["fields"][0], key["reference"]["resource"]))
        return found

    assert keys("cases") == {("authority", "authorities"), ("naming_basis", "sources")}
    assert keys("inspections") == {("authority", "authorities"), ("board", "bodies")}
    assert keys("scorecards") == {("authority", "authorities"),
                                  ("latest_inspection_record", "inspections")}  # fmt: skip


def rewrite_csv(data: Path, name: str, old: bytes, new: bytes) -> None:
    """Change a CSV file and the size and hash the descriptor gives it, as a mistake in the
    generator would: only the rows are then wrong."""
    path = data / f"{name}.csv"
    content = path.read_bytes()
    assert old in content
    content = content.replace(old, new, 1)
    path.write_bytes(content)
    package = descriptor(data)
    for resource in package["resources"]:
        if resource["name"] == name:
            resource["bytes"] = len(content)
            resource["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
    (data / "datapackage.json").write_text(json.dumps(package), "utf-8")


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        ("cases", b",northtown,https://", b",nowhere,https://", "foreign-key"),
        ("inspections", b",2021-06-15,", b",15/06/2021,", "constraint-error"),
        ("inspections", b",inspection,", b",Inspection,", "constraint-error"),
        ("authorities", b"\r\nnorthtown,", b"\r\nsouthtown,", "primary-key"),
    ],
)
def test_validation_fails_on_rows_that_break_the_schema(
    tmp_path: Path, name: str, old: bytes, new: bytes, expected: str
) -> None:
    """The checks can fail: a dangling reference, a date in another format, a word outside
    its list, a repeated slug."""
    content = copy_site(tmp_path)
    assert build(content, tmp_path / "out").status == 0
    data = tmp_path / "out" / "data"
    rewrite_csv(data, name, old, new)
    found = problems(validate(data))
    assert any(expected in problem for problem in found), found


def test_a_changed_file_fails_its_hash(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    assert build(content, tmp_path / "out").status == 0
    path = tmp_path / "out" / "data" / "sources.csv"
    path.write_bytes(path.read_bytes() + b"extra,row\r\n")
    found = problems(validate(tmp_path / "out" / "data"))
    assert any("hash-count" in problem for problem in found), found
