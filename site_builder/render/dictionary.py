"""The data dictionary page: every field of every collection, from the schemas."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from site_builder.render.pages import PageContext
from site_builder.schema import deref, load_schemas


@dataclass(frozen=True)
class FieldDoc:
    name: str
    title: str
    description: str
    kind: str
    is_required: bool
    examples: str


@dataclass(frozen=True)
class CollectionDoc:
    name: str
    title: str
    fields: tuple[FieldDoc, ...]


@dataclass(frozen=True)
class DictionaryPage(PageContext):
    collections: tuple[CollectionDoc, ...]


def dictionary_docs() -> tuple[CollectionDoc, ...]:
    """Each collection's fields from its schema, required ones first."""
    docs = []
    for name, schema in load_schemas().items():
        required = set(schema.get("required", []))
        fields = tuple(
            doc
            for key, node in sorted(
                schema["properties"].items(), key=lambda item: (item[0] not in required, item[0])
            )
            for doc in _field_docs(schema, key, node, key in required)
        )
        path = "content/site.yaml" if name == "site" else f"content/{name}/"
        docs.append(CollectionDoc(name, f"{schema['title']} ({path})", fields))
    return tuple(docs)


def _field_docs(
    schema: dict[str, Any], key: str, node: dict[str, Any], required: bool
) -> list[FieldDoc]:
    """A field and, for a list of entries, each field of an entry, named like `reviews[].kind`."""
    item = deref(schema, deref(schema, node).get("items", {}))
    in_entry = set(item.get("required", []))
    return [_field_doc(schema, key, node, required)] + [
        replace(_field_doc(schema, sub, sub_node, sub in in_entry), name=f"{key}[].{sub}")
        for sub, sub_node in item.get("properties", {}).items()
    ]


def _field_doc(schema: dict[str, Any], key: str, node: dict[str, Any], required: bool) -> FieldDoc:
    node = deref(schema, node)
    examples = node.get("examples", [])
    return FieldDoc(
        name=key,
        title=node.get("title", key),
        description=node.get("description", ""),
        kind=_kind_of(schema, node),
        is_required=required,
        examples=", ".join(_show(e) for e in examples[:2]),
    )


def _kind_of(schema: dict[str, Any], node: dict[str, Any]) -> str:
    if "enum" in node:
        return "one of: " + ", ".join(node["enum"])
    if "x-ref" in node:
        return f"slug of a record in {node['x-ref']}/"
    kind = node.get("type", "")
    if node.get("format") == "partial-date":
        return "date (YYYY-MM-DD, YYYY-MM or YYYY)"
    if node.get("format") == "date":
        return "full date (YYYY-MM-DD)"
    if node.get("format") == "web-url":
        return "web address"
    if kind == "array":
        item = deref(schema, node.get("items", {}))
        return "list of " + (_kind_of(schema, item) if item.get("type") != "object" else "entries")
    if isinstance(kind, list):
        return " or ".join(kind)
    return {"string": "text", "object": "mapping", "integer": "whole number"}.get(kind, str(kind))


def _show(example: Any) -> str:
    return example if isinstance(example, str) else json.dumps(example, ensure_ascii=False)
