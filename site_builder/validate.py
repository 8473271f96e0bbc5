"""Validate stage: check every raw record against its schema and build typed records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator

from site_builder import models as m
from site_builder import vocabulary as v
from site_builder.blanks import drop_blank_fields
from site_builder.errors import ContentError
from site_builder.field_scan import find_prose, find_references
from site_builder.formats import FORMATS
from site_builder.load import RawRecord
from site_builder.rules import rule_problems
from site_builder.schema import deref, load_schemas
from site_builder.schema_errors import translate_error
from site_builder.yamlsafe import Key

# Two validators per schema: jsonschema-rs, compiled, answers yes or no about 25 times faster;
# jsonschema, only where that answer is no, says what is wrong and where (schema_errors.py).
_VALIDATORS = {
    name: Draft202012Validator(schema, format_checker=FORMATS)
    for name, schema in load_schemas().items()
}
_FAST_VALIDATORS = {
    name: jsonschema_rs.validator_for(
        schema,
        formats={name: check for name, (check, _) in FORMATS.checkers.items()},
        validate_formats=True,
    )
    for name, schema in load_schemas().items()
}


def validate_records(
    raws: list[RawRecord],
) -> tuple[list[m.Record | m.SiteSettings], list[ContentError]]:
    """Return a typed record for each valid raw one, and every problem of the others."""
    errors: list[ContentError] = []
    records: list[m.Record | m.SiteSettings] = []
    for raw in raws:
        fields, blanks = drop_blank_fields(raw, coerce_text_scalars(raw))
        problems = list(_schema_problems(raw, fields)) or list(rule_problems(raw, fields))
        problems += blanks
        if problems:
            errors.extend(problems)
        else:
            records.append(build_record(raw, fields))
    return records, errors


def coerce_text_scalars(raw: RawRecord) -> dict[str, Any]:
    """Return the fields with YAML 1.1 guesses (NO, 1.10, 012, 12:30) put back as written.

    Where the schema wants text alone: an unquoted `NO` in a title stays 'NO'. And wherever
    a number was not written plainly: `age: 012` stays '012', `value: 012` is refused.
    """
    schema = load_schemas()[raw.collection]

    def visit(value: Any, node: dict[str, Any] | None, key: Key) -> Any:
        if node is None:
            return value
        node = deref(schema, node)
        if isinstance(value, dict):
            props, extra = node.get("properties", {}), node.get("additionalProperties")
            extra = extra if isinstance(extra, dict) else None
            return {k: visit(v, props.get(k, extra), (*key, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [visit(v, node.get("items"), (*key, i)) for i, v in enumerate(value)]
        if (
            key in raw.raw_text
            and value is not None
            and (_wants_text(node) or _is_misread_number(value, raw.raw_text[key]))
        ):
            return raw.raw_text[key]
        return value

    result: dict[str, Any] = visit(raw.fields, schema, ())
    return result


def _wants_text(node: dict[str, Any]) -> bool:
    """A field that only takes text: a string, or one of a list of words."""
    if node.get("type") == "string":
        return True
    choices = node.get("enum")
    return isinstance(choices, list) and all(isinstance(c, str) for c in choices)


def _is_misread_number(value: Any, text: str) -> bool:
    """A number YAML 1.1 read from other text: 012 (octal), 0x1A, 12:30 (base 60), 1_000, +5."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and text != str(value)


def _schema_problems(raw: RawRecord, fields: dict[str, Any]) -> Iterator[ContentError]:
    if _FAST_VALIDATORS[raw.collection].is_valid(fields):
        return
    for error in _VALIDATORS[raw.collection].iter_errors(fields):
        yield from translate_error(raw, error)


def build_record(raw: RawRecord, fields: dict[str, Any]) -> m.Record | m.SiteSettings:
    """Return the typed record for fields that passed validation."""
    if raw.collection == "site":
        return m.SiteSettings(**fields)
    return _BUILDERS[raw.collection](raw, fields)


def _date(value: str | None) -> m.PartialDate | None:
    return m.PartialDate.parse(value) if value is not None else None


def _required_date(value: str) -> m.PartialDate:
    parsed = m.PartialDate.parse(value)
    assert parsed is not None, "validated by the schema"
    return parsed


def _common(raw: RawRecord, fields: dict[str, Any]) -> dict[str, Any]:
    content_root = raw.path.parent if raw.collection == "site" else raw.path.parent.parent
    return {
        "collection": raw.collection,
        "slug": raw.slug,
        "path": raw.path,
        "source_path": raw.path.relative_to(content_root).as_posix(),
        "status": m.Status(fields.get("status", "published")),
        "embargo_until": _date(fields.get("embargo_until")),
        "corrections": tuple(
            m.Correction(_required_date(c["date"]), c["text"])
            for c in fields.get("corrections", [])
        ),
        "responses": tuple(
            m.Response(_required_date(r["date"]), r["from"], r.get("text"), r.get("url"))
            for r in fields.get("responses", [])
        ),
        "last_reviewed": _date(fields.get("last_reviewed")),
        "body": raw.body,
        "body_line": raw.body_line,
        "references": tuple(find_references(raw, fields)),
        "prose": tuple(find_prose(raw, fields)),
        "lines": {name: raw.location((name,)).line for name in fields},
        "sources": tuple(fields.get("sources", [])),
    }


def _build_authority(raw: RawRecord, f: dict[str, Any]) -> m.Authority:
    figures = tuple(
        m.Figure(x["metric"], x["value"], _required_date(x["as_at"]), x.get("note"), x["source"])
        for x in f.get("figures", [])
    )
    return m.Authority(
        **_common(raw, f),
        name=f["name"],
        kind=v.AuthorityKind(f["kind"]),
        region=f["region"],
        gss_code=f["gss_code"],
        dfe_code=f.get("dfe_code"),
        website=f.get("website"),
        statistical_neighbours=tuple(f.get("statistical_neighbours", [])),
        figures=figures,
        ended=_date(f.get("ended")),
        ended_source=f.get("ended_source"),
        succeeded_by=tuple(f.get("succeeded_by", [])),
    )


def _build_body(raw: RawRecord, f: dict[str, Any]) -> m.Body:
    chairs = tuple(
        m.Chair(c["name"], _required_date(c["from"]), _date(c.get("to")), c.get("independent"),
                c["source"])
        for c in f.get("chairs", [])
    )  # fmt: skip
    return m.Body(
        **_common(raw, f),
        name=f["name"],
        kind=v.BodyKind(f["kind"]),
        authorities=tuple(f["authorities"]),
        chairs=chairs,
        active_from=_date(f.get("active_from")),
        active_to=_date(f.get("active_to")),
    )


def _build_case(raw: RawRecord, f: dict[str, Any]) -> m.Case:
    reviews = tuple(
        m.Review(
            kind=v.ReviewKind(r["kind"]), status=v.ReviewStatus(r["status"]), body=r.get("body"),
            commissioned=_date(r.get("commissioned")), published=_date(r.get("published")),
            chair=r.get("chair"), independent_chair=r.get("independent_chair"), url=r.get("url"),
        )
        for r in f.get("reviews", [])
    )  # fmt: skip
    return m.Case(
        **_common(raw, f),
        title=f["title"],
        name_status=v.NameStatus(f["name_status"]),
        authority=f["authority"],
        harm=v.Harm(f["harm"]),
        naming_basis=f.get("naming_basis"),
        aliases=tuple(f.get("aliases", [])),
        age=f.get("age"),
        date=_date(f.get("date")),
        content_note=f.get("content_note"),
        proceedings=f.get("proceedings"),
        reviews=reviews,
        services_involved=v.ServicesInvolved(f.get("services_involved", "not_known")),
    )


def _build_inspection(raw: RawRecord, f: dict[str, Any]) -> m.Inspection:
    grades = tuple(sorted(((m.Grade(g), n) for g, n in f.get("grades", {}).items()),
                          key=lambda pair: list(m.Grade).index(pair[0])))  # fmt: skip
    return m.Inspection(
        **_common(raw, f),
        title=f["title"],
        authority=f["authority"],
        judged_by=f["judged_by"],
        kind=v.InspectionKind(f["kind"]),
        date=_required_date(f["date"]),
        published=_date(f.get("published")),
        board=f.get("board"),
        framework=f.get("framework"),
        grade=m.Grade(f["grade"]) if "grade" in f else None,
        grade_at_least=m.Grade(f["grade_at_least"]) if "grade_at_least" in f else None,
        count=f.get("count", None if "grades" in f or "grade_at_least" in f else 1),
        grades=grades,
        judgements=tuple(
            m.Judgement(j["area"], m.Grade(j["grade"])) for j in f.get("judgements", [])
        ),
        cases=tuple(f.get("cases", [])),
        reruns_ordered=f.get("reruns_ordered"),
        findings=f.get("findings"),
        actions=f.get("actions"),
        url=f.get("url"),
    )


def _build_source(raw: RawRecord, f: dict[str, Any]) -> m.Source:
    return m.Source(
        **_common(raw, f),
        title=f["title"],
        kind=v.SourceKind(f["kind"]),
        published=_required_date(f["published"]),
        publisher=f.get("publisher"),
        url=f.get("url"),
        archived_url=f.get("archived_url"),
        retrieved=_date(f.get("retrieved")),
    )


def _build_page(raw: RawRecord, f: dict[str, Any]) -> m.Page:
    return m.Page(**_common(raw, f), title=f["title"])


_BUILDERS = {
    "authorities": _build_authority,
    "bodies": _build_body,
    "cases": _build_case,
    "inspections": _build_inspection,
    "sources": _build_source,
    "pages": _build_page,
}
