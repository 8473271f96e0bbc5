"""Open data: JSON and CSV of every collection and of the scorecards, from the model."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from site_builder import models as m
from site_builder import urls
from site_builder.link import Site
from site_builder.render.scorecard_data import SCORECARD_COLUMNS, scorecard_csv_rows, scorecard_rows
from site_builder.schema import deref, load_schemas
from site_builder.score import Scorecard
from site_builder.vocabulary import COLLECTIONS

DATA_COLLECTIONS = tuple(name for name, c in COLLECTIONS.items() if c.has_open_data)
_RENAMED = {"start": "from", "end": "to", "is_independent": "independent", "sender": "from"}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
CSV_BOM = "\ufeff"


def open_data_rows(site: Site) -> dict[str, list[dict[str, Any]]]:
    """The rows of each collection's open data, as its JSON lists them."""
    return {collection: collection_rows(site, collection) for collection in DATA_COLLECTIONS}


def open_scorecards(site: Site, scorecards: dict[str, Scorecard]) -> dict[str, dict[str, Any]]:
    """/data/scorecards.json's values, keyed by authority slug."""
    return scorecard_rows(site, scorecards, _page_url)


def render_open_data(
    site: Site, rows: dict[str, list[dict[str, Any]]], cards: dict[str, dict[str, Any]]
) -> dict[str, bytes]:
    """JSON and CSV of each collection and of the scorecards, keyed by output path."""
    files: dict[str, bytes] = {}
    for collection in DATA_COLLECTIONS:
        document = collection_document(site, collection, rows[collection])
        files[f"data/{collection}.json"] = to_json(document)
        files[f"data/{collection}.csv"] = to_csv(rows[collection], csv_columns(collection))
    files["data/scorecards.json"] = to_json(cards)
    files["data/scorecards.csv"] = to_csv(scorecard_csv_rows(cards), SCORECARD_COLUMNS)
    return files


def collection_document(site: Site, collection: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A collection's JSON file: what it holds, under which licence, then the records."""
    base = site.settings.base_url
    dictionary = urls.absolute_url(base, urls.PAGE_PATHS["dictionary"])
    return {
        "collection": collection,
        "title": COLLECTIONS[collection].title,
        "site": base,
        "licence": site.settings.licence,
        "dictionary": f"{dictionary}#dict-{collection}",
        "count": len(rows),
        "records": rows,
    }


def collection_rows(site: Site, collection: str) -> list[dict[str, Any]]:
    """Each listed record of a collection as plain data, fields in schema order.

    Every reference keeps its slug and gains the address of the page it names beside it
    (`authority` and `authority_url`, `sources` and `sources_urls`), nested entries too.
    """
    schema = load_schemas()[collection]
    properties = [p for p in schema["properties"] if p != "private"]
    rows = []
    for record in site.listed(collection):
        fields = {name: plain(_field_value(record, name)) for name in properties}
        fields = {name: value for name, value in fields.items() if value not in (None, [], {})}
        row: dict[str, Any] = {"slug": record.slug, "page_url": _page_url(site, record)}
        row.update(_with_urls(site, schema, schema, fields))
        if record.body.strip():
            row["body_markdown"] = record.body.strip() + "\n"
        rows.append(row)
    return rows


def _page_url(site: Site, record: m.Record) -> str:
    return urls.absolute_url(site.settings.base_url, urls.record_path(record))


def _field_value(record: m.Record, name: str) -> Any:
    if name == "grades" and isinstance(record, m.Inspection):
        return {grade.value: n for grade, n in record.grades} if record.grades else None
    if name == "count" and isinstance(record, m.Inspection):
        return record.count if record.grades or record.grade_at_least else None
    if name == "status":
        return record.status.value
    return getattr(record, name, None)


def _with_urls(
    site: Site, schema: dict[str, Any], node: dict[str, Any], mapping: dict[str, Any]
) -> dict[str, Any]:
    """The mapping with `<field>_url` (or `_urls`) after each reference field, recursively."""
    result: dict[str, Any] = {}
    properties = deref(schema, node).get("properties", {})
    order = {key: n for n, key in enumerate(properties)}
    for key, value in sorted(mapping.items(), key=lambda item: order.get(item[0], len(order))):
        field_node = deref(schema, properties.get(key, {}))
        item_node = deref(schema, field_node.get("items", {}))
        if isinstance(value, list) and item_node.get("properties"):
            value = [_with_urls(site, schema, item_node, item) for item in value]
        result[key] = value
        if "x-ref" in field_node:
            result[f"{key}_url"] = _ref_url(site, field_node["x-ref"], value)
        elif "x-ref" in item_node:
            result[f"{key}_urls"] = [_ref_url(site, item_node["x-ref"], slug) for slug in value]
    return result


def _ref_url(site: Site, collection: str, slug: str) -> str:
    return urls.absolute_url(site.settings.base_url, urls.collection_path(collection, slug))


def plain(value: Any) -> Any:
    """A model value as JSON-ready data: dates as written, enums as their words."""
    if isinstance(value, m.PartialDate):
        return value.iso
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            _RENAMED.get(f.name, f.name): plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None
        }
    return value


def to_json(document: Any) -> bytes:
    """Readable JSON in UTF-8; keys keep their schema order."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    """CSV with a byte-order mark and a header row; lists as JSON text; formulas neutralised."""
    buffer = io.StringIO()
    buffer.write(CSV_BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return buffer.getvalue().encode("utf-8")


def csv_cell(value: Any) -> str:
    """One cell's text; a cell a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_columns(collection: str) -> list[str]:
    """The stable column order of a collection's CSV: slug, page_url, schema fields, body."""
    schema = load_schemas()[collection]
    columns = ["slug", "page_url"]
    for name, node in schema["properties"].items():
        if name == "private":
            continue
        node = deref(schema, node)
        columns.append(name)
        if "x-ref" in node:
            columns.append(f"{name}_url")
        elif "x-ref" in deref(schema, node.get("items", {})):
            columns.append(f"{name}_urls")
    return [*columns, "body_markdown"]


@dataclass(frozen=True)
class DataFile:
    output_path: str
    title: str
    records: int
    size: int
    media_type: str

    @property
    def name(self) -> str:
        """The file's own name: authorities.csv."""
        return self.output_path.rsplit("/", 1)[-1]

    @property
    def collection(self) -> str:
        """What the file holds: a collection's name, or scorecards."""
        return self.name.rsplit(".", 1)[0]

    @property
    def format(self) -> str:
        return "JSON" if self.media_type == "application/json" else "CSV"


def data_file_list(site: Site, data_files: dict[str, bytes]) -> tuple[DataFile, ...]:
    """What the /data/ page lists: each collection's and the scorecards' files, with their
    record counts and sizes."""
    result = []
    listed = {f"data/{name}.{ext}" for name in (*DATA_COLLECTIONS, "scorecards")
              for ext in ("json", "csv")}  # fmt: skip
    for path, content in sorted(data_files.items()):
        if path not in listed:
            continue  # the descriptor and each council's files are linked on their own
        name = path.split("/")[-1].rsplit(".", 1)[0]
        count = (
            len(site.listed(name)) if name in DATA_COLLECTIONS
            else sum(not a.is_withdrawn for a in site.authorities.values())
        )  # fmt: skip
        media = "application/json" if path.endswith(".json") else "text/csv"
        title = COLLECTIONS[name].title if name in COLLECTIONS else "Scorecards"
        result.append(DataFile(path, title, count, len(content), media))
    return tuple(result)
