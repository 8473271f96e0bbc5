"""Open data: JSON and CSV of every collection and of the scorecards, from the model."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any

from site_builder import models as m
from site_builder import urls
from site_builder.link import Site
from site_builder.render.scorecard_data import SCORECARD_COLUMNS, scorecard_csv_rows, scorecard_rows
from site_builder.schema import deref, load_schemas
from site_builder.score import Scorecard
from site_builder.vocabulary import COLLECTIONS

if TYPE_CHECKING:
    from site_builder.render.data_rows import RowFragment

DATA_COLLECTIONS = tuple(name for name, c in COLLECTIONS.items() if c.has_open_data)
_RENAMED = {"start": "from", "end": "to", "is_independent": "independent", "sender": "from"}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
CSV_BOM = "\ufeff"


def open_scorecards(site: Site, scorecards: dict[str, Scorecard]) -> dict[str, dict[str, Any]]:
    """/data/scorecards.json's values, keyed by authority slug."""
    return scorecard_rows(site, scorecards, _site_page_url)


def render_open_data(
    site: Site,
    rows: dict[str, list[RowFragment]],
    cards: dict[str, dict[str, Any]],
    card_texts: dict[str, JsonText],
) -> Iterator[tuple[str, bytes]]:
    """JSON and CSV of each collection and of the scorecards, as (output path, content), one
    file at a time; the collections' joined from their records' fragments, scorecards.json
    from each card's."""
    for collection in DATA_COLLECTIONS:
        fragments = rows[collection]
        records = JsonItems([fragment.json for fragment in fragments])
        yield f"data/{collection}.json", to_json(collection_document(site, collection, records))
        lines = [fragment.csv for fragment in fragments]
        yield f"data/{collection}.csv", csv_header(csv_columns(collection)) + b"".join(lines)
    yield "data/scorecards.json", to_json(card_texts)
    yield "data/scorecards.csv", to_csv(scorecard_csv_rows(cards), SCORECARD_COLUMNS)


def collection_document(site: Site, collection: str, records: JsonItems) -> dict[str, Any]:
    """A collection's JSON file: what it holds, under which licence, then the records."""
    base = site.settings.base_url
    dictionary = urls.absolute_url(base, urls.PAGE_PATHS["dictionary"])
    return {
        "collection": collection,
        "title": COLLECTIONS[collection].title,
        "site": base,
        "licence": site.settings.licence,
        "dictionary": f"{dictionary}#dict-{collection}",
        "count": len(records.items),
        "records": records,
    }


def page_url(base_url: str, record: m.Record) -> str:
    """The public address of a record's page."""
    return urls.absolute_url(base_url, urls.record_path(record))


def _site_page_url(site: Site, record: m.Record) -> str:
    return page_url(site.settings.base_url, record)


def json_alone(value: Any) -> bytes:
    """A value as `to_json` writes it alone, without its last newline: the text of a
    JsonText, or of an item of JsonItems (a council's scorecard, a record's row)."""
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")


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
    """Readable JSON in UTF-8; keys keep their schema order. A `JsonItems` in it stands for
    the list of its items, already JSON, and a `JsonText` for its value."""
    return _json_at(document, 0) + b"\n"


@dataclass(frozen=True)
class JsonItems:
    """A list whose items are given as JSON text, each as `to_json` writes it alone (without
    its last newline): the fragments of many records, joined rather than dumped again."""

    items: list[bytes]


@dataclass(frozen=True)
class JsonText:
    """A value given as JSON text, as `to_json` writes it alone (without its last newline)."""

    text: bytes


def _json_at(value: Any, depth: int) -> bytes:
    """`value` as json.dumps(indent=2) writes it `depth` levels deep in a document."""
    inner = b"\n" + b"  " * (depth + 1)
    if isinstance(value, JsonText):
        return value.text.replace(b"\n", inner[:-2]) if depth else value.text
    if isinstance(value, JsonItems):
        if not value.items:
            return b"[]"
        parts = [item.replace(b"\n", inner) for item in value.items]
        return b"[" + inner + (b"," + inner).join(parts) + inner[:-2] + b"]"
    if isinstance(value, dict) and any(map(_holds_items, value.values())):
        parts = [_json_at(str(key), 0) + b": " + _json_at(v, depth + 1) for key, v in value.items()]
        return b"{" + inner + (b"," + inner).join(parts) + inner[:-2] + b"}"
    text = json_alone(value)
    return text.replace(b"\n", inner[:-2]) if depth else text


def _holds_items(value: Any) -> bool:
    if isinstance(value, dict):
        return any(map(_holds_items, value.values()))
    return isinstance(value, (JsonItems, JsonText))


def to_csv(rows: list[dict[str, Any]], columns: Sequence[str]) -> bytes:
    """CSV with a byte-order mark and a header row; lists as JSON text; formulas neutralised."""
    return csv_header(columns) + b"".join(csv_line(row, columns) for row in rows)


def csv_header(columns: Sequence[str]) -> bytes:
    """The start of a CSV: the byte-order mark and the header row."""
    return CSV_BOM.encode("utf-8") + _csv_text(columns)


def csv_line(row: dict[str, Any], columns: Sequence[str]) -> bytes:
    """A row's line in a CSV of these columns."""
    return _csv_text([csv_cell(row.get(column)) for column in columns])


def _csv_text(cells: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
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


@cache
def csv_columns(collection: str) -> tuple[str, ...]:
    """The stable column order of a collection's CSV: slug, page_url, schema fields, body
    (asked once for each of its rows, so worked out once)."""
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
    return (*columns, "body_markdown")


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


LISTED_FILES = frozenset(f"data/{name}.{ext}" for name in (*DATA_COLLECTIONS, "scorecards")
                         for ext in ("json", "csv"))  # fmt: skip


def data_file_list(site: Site, sizes: dict[str, int]) -> tuple[DataFile, ...]:
    """What the /data/ page lists: each collection's and the scorecards' files (LISTED_FILES,
    whose sizes in bytes are given by output path), with their record counts and sizes."""
    result = []
    for path, size in sorted(sizes.items()):
        if path not in LISTED_FILES:
            continue  # the descriptor and each council's files are linked on their own
        name = path.split("/")[-1].rsplit(".", 1)[0]
        count = (
            len(site.listed(name)) if name in DATA_COLLECTIONS
            else sum(not a.is_withdrawn for a in site.authorities.values())
        )  # fmt: skip
        media = "application/json" if path.endswith(".json") else "text/csv"
        title = COLLECTIONS[name].title if name in COLLECTIONS else "Scorecards"
        result.append(DataFile(path, title, count, size, media))
    return tuple(result)
