"""The vocabulary and the schemas name the same words: an Enum for every closed list."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest

from site_builder import vocabulary as v
from site_builder.schema import load_schemas

# Every closed list of values in the schemas, and the Enum that stands for it in the code.
ENUMS: dict[str, type[Enum] | None] = {
    "authorities/properties/kind": v.AuthorityKind,
    "authorities/properties/region": None,  # England's nine regions: names, not kinds
    "authorities/properties/figures/items/properties/metric": None,  # shown as given
    "bodies/properties/kind": v.BodyKind,
    "cases/properties/name_status": v.NameStatus,
    "cases/properties/harm": v.Harm,
    "cases/properties/services_involved": v.ServicesInvolved,
    "cases/properties/reviews/items/properties/kind": v.ReviewKind,
    "cases/properties/reviews/items/properties/status": v.ReviewStatus,
    "inspections/properties/kind": v.InspectionKind,
    "inspections/properties/grade_at_least": v.Grade,
    "sources/properties/kind": v.SourceKind,
}


def _closed_lists(node: Any, path: str) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    if isinstance(node, dict):
        if "enum" in node:
            found[path] = node["enum"]
        for key, child in node.items():
            found |= _closed_lists(child, f"{path}/{key}")
    return found


def _is_record_status(path: str) -> bool:
    return path.count("/") == 2 and path.endswith("/properties/status")


def _every_closed_list() -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for name, schema in load_schemas().items():
        found |= _closed_lists(schema, name)
    return found


def test_every_closed_list_of_the_schemas_is_known_here() -> None:
    lists = {
        path for path in _every_closed_list()
        if not (_is_record_status(path) or path.endswith("/$defs/grade"))
    }  # fmt: skip
    assert lists == set(ENUMS)


@pytest.mark.parametrize("path", sorted(_every_closed_list()))
def test_each_schema_list_has_the_values_of_its_enum(path: str) -> None:
    values = _every_closed_list()[path]
    if _is_record_status(path):
        assert values == [status.value for status in v.Status]
    elif path.endswith("/$defs/grade"):
        assert values == [grade.value for grade in v.Grade]
    elif path.endswith("grade_at_least"):  # a range: a ranked grade short of the best
        ranked = [grade.value for grade in v.Grade if grade.rank is not None]
        assert values == ranked[1:]
    elif ENUMS[path] is not None:
        assert values == [member.value for member in ENUMS[path]]  # type: ignore[union-attr]


def test_every_collection_has_a_schema_and_a_template() -> None:
    assert set(v.COLLECTIONS) == set(load_schemas()) - {"site"}
    for collection in v.COLLECTIONS.values():
        assert collection.template == f"{collection.singular}.html"
