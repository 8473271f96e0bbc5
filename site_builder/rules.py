"""Rules of the content contract that a JSON Schema cannot say clearly, each with its message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from site_builder import models as m
from site_builder import vocabulary as v
from site_builder.errors import ContentError
from site_builder.load import RawRecord


def rule_problems(raw: RawRecord, fields: dict[str, Any]) -> Iterator[ContentError]:
    """Rules a schema cannot say clearly, each with its own message."""
    if fields.get("name_status") == "public_named" and "naming_basis" not in fields:
        yield ContentError(
            raw.location(("name_status",)),
            "a real child's name (public_named) needs 'naming_basis': the source of the court "
            "or official report that made it public",
        )
    yield from _count_problems(raw, fields)
    if "reruns_ordered" in fields and fields.get("kind") != "ministerial_direction":
        yield ContentError(
            raw.location(("reruns_ordered",)),
            "'reruns_ordered' belongs to a ministerial direction that ordered reviews re-run; "
            "set kind: ministerial_direction or remove the field",
        )
    yield from _date_order_problems(raw, fields)
    if raw.collection == "authorities":
        yield from _authority_problems(raw, fields)
    if fields.get("status") == "withdrawn" and not fields.get("corrections"):
        yield ContentError(
            raw.location(("status",)),
            "a withdrawn record needs a correction saying when and why it was withdrawn",
        )


def _count_problems(raw: RawRecord, fields: dict[str, Any]) -> Iterator[ContentError]:
    """An aggregate's count, exact grades and grade range must agree with each other."""
    grades, count = fields.get("grades"), fields.get("count")
    total = sum(grades.values()) if isinstance(grades, dict) else 0
    has_range = "grade_at_least" in fields
    if count is not None and grades is None and not has_range:
        yield ContentError(
            raw.location(("count",)),
            "'count' needs the grades of those judgements: give 'grades', or 'grade_at_least' "
            "where a source gives them only as a range",
        )
    elif isinstance(count, int) and total > count:
        yield ContentError(
            raw.location(("grades",)),
            f"field 'grades' adds up to {total} but 'count' is {count}",
        )
    elif isinstance(count, int) and total < count and not has_range:
        yield ContentError(
            raw.location(("grades",)),
            f"field 'grades' adds up to {total} but 'count' is {count}; where a source gives "
            "the others' grade only as a range, say so with 'grade_at_least'",
        )
    elif isinstance(count, int) and isinstance(grades, dict) and total == count and has_range:
        yield ContentError(
            raw.location(("grade_at_least",)),
            "'grade_at_least' applies to no judgement: 'grades' already gives all of them",
        )


def _date_order_problems(raw: RawRecord, fields: dict[str, Any]) -> Iterator[ContentError]:
    """A report cannot come out before what it reports began."""
    began, published = fields.get("date"), fields.get("published")
    began = _date(began) if isinstance(began, str) else None
    out = (
        _date(published) if isinstance(published, str) and raw.collection == "inspections" else None
    )
    if began and out and out.latest() < began.earliest():
        yield ContentError(
            raw.location(("published",)),
            f"'published' ({out.iso}) is before 'date' ({began.iso}): 'date' is when the "
            "inspection or judgement took place, 'published' when its report came out",
        )


def _authority_problems(raw: RawRecord, fields: dict[str, Any]) -> Iterator[ContentError]:
    """A council's kind follows from its ONS code; an end date needs the source that gives it."""
    code, kind = fields.get("gss_code"), fields.get("kind")
    if isinstance(code, str) and isinstance(kind, str):
        from_code = v.AuthorityKind.of_gss_code(code)
        prefixes = ", ".join(sorted(f"{k.gss_prefix} {k.value}" for k in v.AuthorityKind))
        if from_code is None:
            yield ContentError(
                raw.location(("gss_code",)),
                f"ONS code '{code}' begins '{code[:3]}', which is not a council with "
                f"children's services; codes begin {prefixes}",
            )
        elif from_code.value != kind:
            yield ContentError(
                raw.location(("kind",)),
                f"kind '{kind}' does not agree with ONS code '{code}', which begins "
                f"'{from_code.gss_prefix}': write kind '{from_code.value}' ({prefixes}), "
                "or correct the code",
            )
    for field, needs in (("ended", "ended_source"), ("succeeded_by", "ended")):
        if field in fields and needs not in fields:
            yield ContentError(
                raw.location((field,)),
                f"'{field}' needs '{needs}': "
                + ("name the source record that gives the date" if needs == "ended_source"
                   else "give the date the council ended, as a source gives it"),
            )  # fmt: skip


def _date(value: str) -> m.PartialDate | None:
    return m.PartialDate.parse(value)
