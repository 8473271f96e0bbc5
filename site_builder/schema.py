"""The JSON Schemas of the content contract, merged with the fields every record may carry."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from site_builder.vocabulary import COLLECTIONS

SCHEMA_NAMES = (*COLLECTIONS, "site")


@cache
def load_schemas() -> dict[str, dict[str, Any]]:
    """Return the complete schema of each collection (and of site.yaml), keyed by name."""
    common = _read("common")
    return {name: _complete(_read(name), common) for name in SCHEMA_NAMES}


def _read(name: str) -> dict[str, Any]:
    text = resources.files("site_builder.schemas").joinpath(f"{name}.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _complete(schema: dict[str, Any], common: dict[str, Any]) -> dict[str, Any]:
    """Add the common fields and definitions; refuse every field not listed."""
    merged = copy.deepcopy(schema)
    is_record = merged.pop("common", True)
    if is_record:
        merged["properties"] = {**merged["properties"], **copy.deepcopy(common["properties"])}
    merged["$defs"] = {**copy.deepcopy(common["$defs"]), **merged.get("$defs", {})}
    merged["additionalProperties"] = False
    return merged


def deref(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local `$ref` (only `#/$defs/...` is used), keeping sibling keywords."""
    while "$ref" in node:
        target = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def write_schemas(folder: Path) -> list[Path]:
    """Write each complete schema as <name>.schema.json for editors' autocomplete."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in load_schemas().items():
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
