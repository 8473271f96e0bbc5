"""Turn jsonschema's errors into messages an editor can act on, with the right line."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import ValidationError

from site_builder.errors import ContentError
from site_builder.load import RawRecord
from site_builder.yamlsafe import Key

IDENTIFYING_FIELDS = {
    "address", "street", "postcode", "school", "nursery", "mother", "father", "parent",
    "parents", "sibling", "siblings", "relative", "relatives", "date_of_birth", "dob",
}  # fmt: skip
_TYPE_NAMES = {
    "string": "text", "integer": "a whole number", "number": "a number",
    "boolean": "true or false", "array": "a list", "object": "a mapping of fields",
}  # fmt: skip


def translate_error(record: RawRecord, error: ValidationError) -> Iterator[ContentError]:
    """Yield one ContentError per problem jsonschema found, located at the offending key."""
    key: Key = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(_schema(error).get("properties", {}))
        for name in sorted(set(error.instance) - set(allowed)):
            message = _unknown_field_message(name, allowed)
            yield ContentError(record.location((*key, name)), message)
        return
    if error.validator == "required":
        missing = str(error.message).split("'")[1]
        where = record.location(key) if key else record.location()
        yield ContentError(where, f"missing required field '{_field_name((*key, missing))}'")
        return
    if error.validator == "not" and isinstance(error.instance, dict) and "grade" in error.instance:
        key = (*key, "grade")  # the field that clashes with the others
    yield ContentError(record.location(key), _message(record, key, error))


def _unknown_field_message(name: str, allowed: list[str]) -> str:
    if name.lower() in IDENTIFYING_FIELDS:
        return (
            f"unknown field '{name}': records never hold addresses, schools, dates of birth "
            "or relatives' names; remove it"
        )
    close = difflib.get_close_matches(name, allowed, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown field '{name}'{hint}"


def _field_name(key: Key) -> str:
    text = ""
    for part in key:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "record"


def _message(record: RawRecord, key: Key, error: ValidationError) -> str:
    name = f"field '{_field_name(key)}'"
    value = error.instance
    kind = error.validator
    if kind == "enum":
        return f"{name}: {_show(value)} is not allowed; {_choices(_listed(error.validator_value), value)}"
    if kind == "type":
        digits = isinstance(value, str) and "integer" in str(error.validator_value)
        hint = "; write the number in plain digits, such as 12" if digits else ""
        return f"{name}: expected {_expected(_type_names(error.validator_value))}, got {_show(value)}{hint}"
    if kind == "format" and error.validator_value == "partial-date":
        return (f"{name}: {_show(value)} is not a real date; write YYYY-MM-DD, YYYY-MM or YYYY, "
                "with '?' after the last part that is inferred (2008?)")  # fmt: skip
    if kind == "format" and error.validator_value == "contact":
        return f"{name}: {_show(value)} is neither an email address nor an https:// address"
    if kind == "format" and error.validator_value == "date":
        return (
            f"{name}: {_show(value)} is not a real date to the day; write YYYY-MM-DD, day "
            "included, so that it is clear on which day it takes effect"
        )
    if kind == "format":
        return f"{name}: {_show(value)} is not a web address starting https:// or http://"
    if kind == "pattern":
        examples = _schema(error).get("examples") or ["…"]
        return f"{name}: {_show(value)} is not in the expected form, e.g. '{examples[0]}'"
    if kind in {"minItems", "minLength"}:
        return f"{name} is empty; give a value or remove the field"
    if kind == "minimum":
        return f"{name}: {_show(value)} is below the minimum {error.validator_value}"
    if kind == "uniqueItems":
        return f"{name} lists the same item twice"
    if kind == "not":
        fields = error.instance if isinstance(error.instance, dict) else {}
        both = [k for k in ("count", "grades", "grade_at_least") if k in fields]
        return (f"give either 'grade' (one judgement) or '{both[0] if both else 'count'}' "
                "(several, or a grade known only as a range), not both")  # fmt: skip
    if kind == "anyOf" and _field_name(key).startswith("responses"):
        return f"{name} needs 'text' or 'url'"
    if kind == "propertyNames":
        return f"{name}: {_show(value)} is not a grade; {_choices(_grades(error), value)}"
    return f"{name}: {error.message}"


def _schema(error: ValidationError) -> Mapping[str, Any]:
    """The schema the failing keyword sits in (jsonschema also allows a bare true/false)."""
    return error.schema if isinstance(error.schema, Mapping) else {}


def _listed(value: Any) -> list[Any]:
    """An `enum` keyword's value: the allowed values."""
    return list(value) if isinstance(value, list | tuple) else []


def _type_names(value: Any) -> str | list[str]:
    """A `type` keyword's value: one type name or a list of them."""
    return value if isinstance(value, str) else [str(name) for name in value]


def _grades(error: ValidationError) -> list[str]:
    return list(_schema(error).get("enum", []))


def _choices(allowed: list[Any], value: Any) -> str:
    words = [str(a) for a in allowed]
    close = difflib.get_close_matches(str(value), words, n=1) if isinstance(value, str) else []
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return "expected one of " + ", ".join(words) + hint


def _expected(types: str | list[str]) -> str:
    names = [types] if isinstance(types, str) else types
    return " or ".join(_TYPE_NAMES.get(t, t) for t in names)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (a bare yes/no/on/off is read as true/false: quote it)"
    if value is None:
        return "nothing"
    if isinstance(value, (dict, list)):
        return _TYPE_NAMES["object" if isinstance(value, dict) else "array"]
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "…'"
