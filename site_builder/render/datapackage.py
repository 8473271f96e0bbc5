"""/data/datapackage.json: a Frictionless Data Package describing every CSV of /data/.

Each Table Schema is made from the CSV's own column list and the JSON Schema of its
collection, so a field added to a schema appears here with its title and description.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from site_builder import urls
from site_builder.dates import TABLE_SCHEMA_PATTERN
from site_builder.link import Site
from site_builder.render.data import DATA_COLLECTIONS, csv_columns, to_json
from site_builder.render.scorecard_columns import scorecard_fields
from site_builder.schema import deref, load_schemas
from site_builder.vocabulary import COLLECTIONS

# Licences recognised in site.yaml's free text, as Open Definition ids with their addresses.
_LICENCES = (
    (r"\bCC[ -]?BY[ -]4\.0\b", "CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/",
     "Creative Commons Attribution 4.0"),
    (r"\bCC[ -]?BY[ -]SA[ -]4\.0\b", "CC-BY-SA-4.0",
     "https://creativecommons.org/licenses/by-sa/4.0/",
     "Creative Commons Attribution Share-Alike 4.0"),
    (r"\bCC0\b", "CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/",
     "Creative Commons CC0 1.0"),
    (r"\bOGL\b|Open Government Licence", "OGL-UK-3.0",
     "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
     "Open Government Licence v3.0"),
)  # fmt: skip


@dataclass(frozen=True)
class Described:
    """What the descriptor says of a file's bytes."""

    size: int
    sha256: str

    @classmethod
    def of(cls, content: bytes) -> Described:
        return cls(len(content), hashlib.sha256(content).hexdigest())


def render_datapackage(site: Site, csv_files: dict[str, Described]) -> bytes:
    """The descriptor of the CSV files (keyed by output path), with each file's size and hash."""
    settings = site.settings
    resources = [
        _resource(name, title, csv_files[f"data/{name}.csv"], schema)
        for name, title, schema in [
            *((c, COLLECTIONS[c].title, collection_table_schema(c)) for c in DATA_COLLECTIONS),
            ("scorecards", "Scorecards", scorecard_table_schema()),
        ]
    ]
    descriptor: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": package_name(settings.title),
        "title": f"{settings.title}: open data",
        "description": settings.description,
        "homepage": settings.base_url,
    }
    if settings.licence:
        descriptor["licenses"] = [licence_of(settings.licence, site)]
    descriptor["resources"] = resources
    return to_json(descriptor)


def package_name(title: str) -> str:
    """A package name as the spec allows it (lower case, digits, '-', '.', '_')."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "open-data"


def licence_of(text: str, site: Site) -> dict[str, str]:
    """site.yaml's licence as a Data Package licence; an unknown one points to the data page,
    which states it in full."""
    for pattern, name, path, title in _LICENCES:
        if re.search(pattern, text, re.IGNORECASE):
            return {"name": name, "path": path, "title": title}
    return {"path": urls.absolute_url(site.settings.base_url, urls.PAGE_PATHS["data"]),
            "title": text}  # fmt: skip


def _resource(name: str, title: str, csv: Described, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "title": title,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",  # with a byte-order mark, which CSV readers skip
        "bytes": csv.size,
        "hash": "sha256:" + csv.sha256,
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "schema": schema,
    }


def collection_table_schema(collection: str) -> dict[str, Any]:
    """The Table Schema of a collection's CSV: its columns in order, typed from the schema."""
    schema = load_schemas()[collection]
    required = set(schema.get("required", []))
    fields = []
    for column in csv_columns(collection):
        name, suffix = _split_reference(column, schema)
        if column == "slug":
            field = _field(
                column,
                "string",
                "Slug",
                "The record's name in the record: never changes, and names its page.",
                {"required": True, "unique": True},
            )
        elif column == "page_url":
            field = _url_field(column, "Page", "The address of the record's page on the site.")
        elif column == "body_markdown":
            field = _field(column, "string", "Text", "The record's own text, as Markdown.")
        elif suffix:
            field = _reference_field(column, schema, name, suffix)
        else:
            field = _schema_field(
                column, deref(schema, schema["properties"][column]), column in required
            )
        fields.append(field)
    return {
        "fields": fields,
        "missingValues": [""],
        "primaryKey": ["slug"],
        "foreignKeys": [
            {"fields": [name], "reference": {"resource": node["x-ref"], "fields": ["slug"]}}
            for name, node in _scalar_references(schema)
        ],
    }


def _split_reference(column: str, schema: dict[str, Any]) -> tuple[str, str]:
    """('authority', '_url') for the address column of a reference, else (column, '')."""
    for suffix in ("_urls", "_url"):
        name = column.removesuffix(suffix)
        if name != column and name in schema["properties"]:
            return name, suffix
    return column, ""


def _scalar_references(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The fields naming one record of another collection: each is a foreign key."""
    nodes = ((name, deref(schema, node)) for name, node in schema["properties"].items())
    return [(name, node) for name, node in nodes if "x-ref" in node]


def _reference_field(column: str, schema: dict[str, Any], name: str, suffix: str) -> dict[str, Any]:
    title = deref(schema, schema["properties"][name]).get("title", name)
    if suffix == "_urls":
        return _field(
            column,
            "array",
            f"{title}: addresses",
            f"The address of the page of each record named in {name}, in order.",
        )
    return _url_field(
        column, f"{title}: address", f"The address of the page of the record named in {name}."
    )


def _schema_field(name: str, node: dict[str, Any], is_required: bool) -> dict[str, Any]:
    """A column holding a schema field, typed as the CSV writes it."""
    constraints: dict[str, Any] = {"required": True} if is_required else {}
    kind, form = node.get("type"), node.get("format")
    if "enum" in node:
        field_type, constraints["enum"] = "string", list(node["enum"])
    elif form == "partial-date":
        field_type, constraints["pattern"] = "string", TABLE_SCHEMA_PATTERN
    elif form == "date":
        field_type = "date"
    elif kind in ("integer", "number", "boolean", "array", "object"):
        field_type = str(kind)
        if "minimum" in node:
            constraints["minimum"] = node["minimum"]
    else:  # text, and a value that may be a number or text (a child's age)
        field_type = "string"
    field = _field(name, field_type, node.get("title", name), node.get("description", ""),
                   constraints)  # fmt: skip
    if form == "web-url":
        field["format"] = "uri"
    return field


def _url_field(name: str, title: str, description: str) -> dict[str, Any]:
    return {**_field(name, "string", title, description), "format": "uri"}


def _field(
    name: str, field_type: str, title: str, description: str,
    constraints: dict[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    field: dict[str, Any] = {"name": name, "type": field_type, "title": title}
    if description:
        field["description"] = description
    if constraints:
        field["constraints"] = constraints
    return field


def scorecard_table_schema() -> dict[str, Any]:
    """The Table Schema of scorecards.csv: a row per council, keyed by its slug."""
    fields = [
        _url_field(name, title, description) if name.endswith("_url")
        else _field(name, field_type, title, description, constraints)
        for name, field_type, title, description, constraints in scorecard_fields()
    ]  # fmt: skip
    return {
        "fields": fields,
        "missingValues": [""],
        "primaryKey": ["authority"],
        "foreignKeys": [
            {"fields": ["authority"], "reference": {"resource": "authorities", "fields": ["slug"]}},
            {"fields": ["latest_inspection_record"],
             "reference": {"resource": "inspections", "fields": ["slug"]}},
        ],
    }  # fmt: skip
