"""Blank fields (`last_reviewed:` with nothing after it): left out, or refused where a
guess would be unsafe.

A blank optional field is the same as leaving it out, so an editor can clear a value
without deleting the line. A blank `status`, `embargo_until` or `private` is an error:
each decides whether, or when, a record is published, and a blank there is more likely a
value lost than a value meant to be absent. A blank required field is left for the schema
to report as missing text.
"""

from __future__ import annotations

from typing import Any

from site_builder.errors import ContentError
from site_builder.load import RawRecord
from site_builder.schema import deref, load_schemas
from site_builder.yamlsafe import Key

NEVER_BLANK = {
    "status": "give published, draft or withdrawn, or remove the line (published is the default)",
    "embargo_until": "give the day the record may be published (YYYY-MM-DD), or remove the line",
    "private": "give the notes under it, or remove the line",
}


def drop_blank_fields(
    raw: RawRecord, fields: dict[str, Any]
) -> tuple[dict[str, Any], list[ContentError]]:
    """The fields without their blank optional ones, and an error for each blank that matters
    (left out too, so that the schema does not report it again)."""
    errors = [
        ContentError(raw.location((name,)), f"field '{name}' is blank: {advice}")
        for name, advice in NEVER_BLANK.items()
        if name in fields and fields[name] is None
    ]
    schema = load_schemas()[raw.collection]
    return _without_blanks(schema, schema, fields, ()), errors


def _without_blanks(root: dict[str, Any], node: dict[str, Any], value: Any, key: Key) -> Any:
    """`value` with every blank optional field of every mapping the schema describes left out."""
    node = deref(root, node)
    if isinstance(value, list):
        items = node.get("items")
        return [_without_blanks(root, items, v, (*key, i)) if items else v
                for i, v in enumerate(value)]  # fmt: skip
    if not isinstance(value, dict) or "properties" not in node:
        return value
    properties, required = node["properties"], set(node.get("required", []))
    return {
        name: _without_blanks(root, properties[name], item, (*key, name))
        if name in properties else item
        for name, item in value.items()
        if not _is_droppable(name, item, properties, required)
    }  # fmt: skip


def _is_droppable(name: str, item: Any, properties: dict[str, Any], required: set[str]) -> bool:
    return item is None and name in properties and name not in required
