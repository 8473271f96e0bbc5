"""Each record's open data row, and the text its collection's JSON and CSV and its councils'
own downloads hold of it: a fragment made from the record and the site's address alone, so an
edit makes again only the rows of the records it changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from site_builder import models as m
from site_builder import urls
from site_builder.link import Site
from site_builder.render import council_data
from site_builder.render.data import (
    DATA_COLLECTIONS,
    csv_columns,
    csv_line,
    json_alone,
    page_url,
    plain,
)
from site_builder.render.fragments import Memo, compute
from site_builder.schema import deref, load_schemas


@dataclass(frozen=True)
class RowInput:
    """All a record's row reads: the record (which a build's memo keys by its file's hash),
    and the site's address for the links in it."""

    record: m.Record
    base_url: str


@dataclass(frozen=True)
class RowFragment:
    """A record's row as the open data files hold it."""

    councils: tuple[str, ...]  # the councils whose own download lists it
    json: bytes  # as data.json_alone writes it
    csv: bytes  # its line in its collection's CSV
    council_csv: bytes  # its line in a council's data.csv (empty if it has no council)


def open_data_rows(site: Site, memo: Memo = compute) -> dict[str, list[RowFragment]]:
    """The fragments of each collection's listed records, in the order its files list them."""
    base = site.settings.base_url
    return {
        collection: memo(row_fragment, [RowInput(r, base) for r in site.listed(collection)])
        for collection in DATA_COLLECTIONS
    }


def row_fragment(inputs: RowInput) -> RowFragment:
    """A record's fragment of the open data, from nothing but its row input."""
    collection = inputs.record.collection
    row = record_row(inputs)
    is_council_data = collection in council_data.COUNCIL_COLLECTIONS
    return RowFragment(
        councils=tuple(council_data.councils_of(collection, row)) if is_council_data else (),
        json=json_alone(row),
        csv=csv_line(row, csv_columns(collection)),
        council_csv=council_data.record_line(collection, row) if is_council_data else b"",
    )


def record_row(inputs: RowInput) -> dict[str, Any]:
    """A listed record as plain data, fields in schema order.

    Every reference keeps its slug and gains the address of the page it names beside it
    (`authority` and `authority_url`, `sources` and `sources_urls`), nested entries too.
    """
    record, base = inputs.record, inputs.base_url
    schema = load_schemas()[record.collection]
    properties = [p for p in schema["properties"] if p != "private"]
    fields = {name: plain(_field_value(record, name)) for name in properties}
    fields = {name: value for name, value in fields.items() if value not in (None, [], {})}
    row: dict[str, Any] = {"slug": record.slug, "page_url": page_url(base, record)}
    row.update(_with_urls(base, schema, schema, fields))
    if record.body.strip():
        row["body_markdown"] = record.body.strip() + "\n"
    return row


def _field_value(record: m.Record, name: str) -> Any:
    if name == "grades" and isinstance(record, m.Inspection):
        return {grade.value: n for grade, n in record.grades} if record.grades else None
    if name == "count" and isinstance(record, m.Inspection):
        return record.count if record.grades or record.grade_at_least else None
    if name == "status":
        return record.status.value
    return getattr(record, name, None)


def _with_urls(
    base: str, schema: dict[str, Any], node: dict[str, Any], mapping: dict[str, Any]
) -> dict[str, Any]:
    """The mapping with `<field>_url` (or `_urls`) after each reference field, recursively."""
    result: dict[str, Any] = {}
    fields = _fields_of(schema, node)
    unknown = _Field(len(fields), {}, {})
    for key, value in sorted(mapping.items(), key=lambda item: fields.get(item[0], unknown).n):
        field = fields.get(key, unknown)
        if isinstance(value, list) and field.items.get("properties"):
            value = [_with_urls(base, schema, field.items, item) for item in value]
        result[key] = value
        if "x-ref" in field.node:
            result[f"{key}_url"] = _ref_url(base, field.node["x-ref"], value)
        elif "x-ref" in field.items:
            result[f"{key}_urls"] = [_ref_url(base, field.items["x-ref"], slug) for slug in value]
    return result


@dataclass(frozen=True)
class _Field:
    """A field of a schema node, as `_with_urls` reads it: its place, and its schema and its
    items' schema with every `$ref` followed."""

    n: int
    node: dict[str, Any]
    items: dict[str, Any]


_FIELDS: dict[int, tuple[dict[str, Any], dict[str, _Field]]] = {}  # by id of node


def _fields_of(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, _Field]:
    """The fields of a schema node by name, worked out once for every row (the schemas are
    loaded once; the node is kept with them, so its id is never another node's)."""
    known = _FIELDS.get(id(node))
    if known is not None and known[0] is node:
        return known[1]
    properties = deref(schema, node).get("properties", {})
    fields = {}
    for n, (key, field_schema) in enumerate(properties.items()):
        field_node = deref(schema, field_schema)
        fields[key] = _Field(n, field_node, deref(schema, field_node.get("items", {})))
    _FIELDS[id(node)] = (node, fields)
    return fields


def _ref_url(base: str, collection: str, slug: str) -> str:
    return urls.absolute_url(base, urls.collection_path(collection, slug))
