"""`site-builder schema`: the JSON Schemas editors point their YAML editor at."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from site_builder.cli import main
from site_builder.schema import SCHEMA_NAMES, deref, load_schemas

SCHEMA_FILES = sorted((Path(__file__).parent.parent / "site_builder" / "schemas").glob("*.json"))
ANNOTATIONS = ("title", "description", "examples")


def every_field(node: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property at any depth, list items' properties included, with a dotted path."""
    for name, field in node.get("properties", {}).items():
        yield f"{path}{name}", field
        yield from every_field(field, f"{path}{name}.")
        if isinstance(field.get("items"), dict):
            yield from every_field(field["items"], f"{path}{name}[].")
    for name, definition in node.get("$defs", {}).items():
        yield from every_field(definition, f"$defs.{name}.")


def test_schema_command_writes_one_schema_per_collection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", str(tmp_path / "schemas")]) == 0
    written = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert written == sorted(f"{name}.schema.json" for name in SCHEMA_NAMES)
    assert "wrote 7 schemas" in capsys.readouterr().err
    for path in (tmp_path / "schemas").iterdir():
        schema = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["additionalProperties"] is False  # editors flag unknown fields too


def test_written_schema_carries_the_common_fields(tmp_path: Path) -> None:
    main(["schema", str(tmp_path)])
    cases = json.loads((tmp_path / "cases.schema.json").read_text(encoding="utf-8"))
    assert {"status", "corrections", "last_reviewed", "title", "reviews"} <= set(
        cases["properties"]
    )
    assert "status" not in json.loads((tmp_path / "site.schema.json").read_text())["properties"]


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_field_has_a_title_a_description_and_examples(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    fields = list(every_field(schema))
    assert fields
    missing = [
        f"{name}: {key}" for name, field in fields for key in ANNOTATIONS if not field.get(key)
    ]
    assert missing == []


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_example_is_a_valid_value_of_its_field(name: str) -> None:
    schema = load_schemas()[name]
    for path, field in every_field(schema):
        if path.startswith("$defs."):
            continue
        checker = jsonschema.Draft202012Validator(
            {**deref(schema, field), "$defs": schema["$defs"]}
        )
        for example in field.get("examples", []):
            errors = [e.message for e in checker.iter_errors(example)]
            assert errors == [], f"{name}.{path}: example {example!r}"
