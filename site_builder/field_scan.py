"""Walk a record's fields through its schema: the references it makes to other records, and
the Markdown texts its fields hold."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from site_builder import models as m
from site_builder.load import RawRecord
from site_builder.schema import deref, load_schemas
from site_builder.yamlsafe import Key


def find_references(raw: RawRecord, fields: dict[str, Any]) -> Iterator[m.Reference]:
    """Yield every slug that must name another record, found through the schema's x-ref."""
    schema = load_schemas()[raw.collection]

    def visit(value: Any, node: dict[str, Any] | None, key: Key) -> Iterator[m.Reference]:
        if node is None:
            return
        node = deref(schema, node)
        if isinstance(value, dict):
            for name, item in value.items():
                yield from visit(item, node.get("properties", {}).get(name), (*key, name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from visit(item, node.get("items"), (*key, index))
        elif isinstance(value, str) and "x-ref" in node:
            field_name = ".".join(str(k) for k in key if isinstance(k, str))
            yield m.Reference(node["x-ref"], value, raw.location(key), field_name)

    yield from visit(fields, schema, ())


# Fields that hold Markdown, citations and all, rendered and checked like a body.
PROSE_FIELDS = ("proceedings", "findings", "actions")
PROSE_ITEMS = {"figures": "note", "corrections": "text", "responses": "text"}


def find_prose(raw: RawRecord, fields: dict[str, Any]) -> Iterator[m.Prose]:
    """Yield each Markdown text held in a field, with the line it starts on."""
    for name in PROSE_FIELDS:
        if isinstance(fields.get(name), str):
            yield m.Prose(name, fields[name], raw.location((name,)).line)
    for name, part in PROSE_ITEMS.items():
        for index, item in enumerate(fields.get(name) or ()):
            if isinstance(item, dict) and isinstance(item.get(part), str):
                key = (name, index, part)
                yield m.Prose(f"{name}.{index}.{part}", item[part], raw.location(key).line)
