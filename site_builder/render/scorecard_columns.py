"""What each column of /data/scorecards.csv holds: its type, title and description, for the
Data Package. A column added to SCORECARD_COLUMNS without words here stops the build."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from site_builder import models as m
from site_builder.dates import TABLE_SCHEMA_PATTERN
from site_builder.render.figures import range_key, range_label
from site_builder.render.scorecard_data import SCORECARD_COLUMNS
from site_builder.score import RANGE_GRADES
from site_builder.vocabulary import AuthorityKind

# (name, Table Schema type, title, description, constraints)
FieldWords = tuple[str, str, str, str, dict[str, Any]]

_EXACT_COUNT = (
    "The count where it is exact; empty where a record leaves it open (see the column of the "
    "same name ending _at_least, and not_exact_because)."
)
_GRADES = [grade.value for grade in m.Grade]
_COUNTED = {
    "inspections": "Inspection judgements (kind inspection)",
    "scr_evaluations": "Serious case review evaluations (kind scr_evaluation, counted by count)",
}
_SINGLE_COUNTS = {
    "cases_died": "Cases in the record of children who died",
    "cases_seriously_harmed": "Cases in the record of children seriously harmed",
    "cases_services_involved": "Of the council's cases, those a source says its children's "
    "services were involved in",
    "reviews_total": "Reviews of the council's cases",
    "reviews_pending": "Reviews of the council's cases still pending",
    "reviews_rerun_ordered": "Reviews ordered to be re-run",
    "interventions_total": "Ministerial directions and improvement notices",
}
_ENUMS = {
    "kind": [kind.value for kind in AuthorityKind],
    "latest_inspection_grade": _GRADES,
    "latest_inspection_grade_at_least": _GRADES,
    "direction": ["better", "same", "worse"],
}
# Each column that is not a count: (type, title, description).
_OTHER = {
    "authority": ("string", "Council", "The council's slug, as in authorities.csv."),
    "authority_url": ("string", "Council: address", "The address of the council's page."),
    "name": ("string", "Name", "The council's name."),
    "kind": ("string", "Kind of council", "Compared only with councils of the same kind."),
    "latest_inspection_grade": (
        "string", "Latest graded inspection: grade",
        "The grade of the latest graded inspection, where it is known exactly.",
    ),
    "latest_inspection_grade_at_least": (
        "string", "Latest graded inspection: lowest grade",
        "Where its grade is known only as a range, the lowest grade it could be.",
    ),
    "latest_inspection_date": (
        "string", "Latest graded inspection: date",
        "When it took place, as precisely as the sources say.",
    ),
    "latest_inspection_published": (
        "string", "Latest graded inspection: published", "When its report was published.",
    ),
    "latest_inspection_record": (
        "string", "Latest graded inspection: record", "Its slug, as in inspections.csv.",
    ),
    "latest_inspection_url": (
        "string", "Latest graded inspection: address", "The address of its page.",
    ),
    "direction": (
        "string", "Against the graded inspection before",
        "better, same or worse; empty where none is before it, or a grade is a range.",
    ),
    "median_days_commissioned_to_published": (
        "number", "Median days from commissioning to publication",
        "Over the reviews with both dates known to the day; empty where there are none.",
    ),
    "interventions": (
        "array", "Interventions",
        "Slugs of the council's ministerial directions and improvement notices, newest first.",
    ),
    "peers": ("array", "Councils of the same kind", "Their slugs."),
    "statistical_neighbours": (
        "array", "Statistical neighbours",
        "The slugs of the councils the Department for Education counts as most like this one.",
    ),
    "not_exact_because": (
        "array", "Why figures are not exact",
        "For each record that leaves a count open, 'slug: reason'.",
    ),
}  # fmt: skip
_CONSTRAINTS: dict[str, dict[str, Any]] = {
    "authority": {"required": True, "unique": True},
    "name": {"required": True},
    "latest_inspection_date": {"pattern": TABLE_SCHEMA_PATTERN},
    "latest_inspection_published": {"pattern": TABLE_SCHEMA_PATTERN},
    "median_days_commissioned_to_published": {"minimum": 0},
    **{name: {"enum": values} for name, values in _ENUMS.items()},
}


def scorecard_fields() -> tuple[FieldWords, ...]:
    """Each column of scorecards.csv, in order, with its type and words."""
    return tuple(_field_words(column) for column in SCORECARD_COLUMNS)


def _field_words(column: str) -> FieldWords:
    if column in _OTHER:
        field_type, title, description = _OTHER[column]
        return column, field_type, title, description, _CONSTRAINTS.get(column, {})
    count, is_lower_bound = column.removesuffix("_at_least"), column.endswith("_at_least")
    titles = dict(count_titles())
    if count not in titles:
        raise KeyError(f"scorecards.csv column {column!r} has no description")
    title = titles[count]
    if is_lower_bound:
        return (column, "integer", f"{title}: at least",
                "The lower bound of the count: equal to it where it is exact.",
                {"required": True, "minimum": 0})  # fmt: skip
    return column, "integer", title, _EXACT_COUNT, {"minimum": 0}


def count_titles() -> Iterator[tuple[str, str]]:
    """The title of each count of the scorecards: the figures of scorecards.json too."""
    for prefix, words in _COUNTED.items():
        yield f"{prefix}_total", words
        for grade in m.Grade:
            yield f"{prefix}_{grade.value}", f"{words}: {grade.label.lower()}"
        for lowest in RANGE_GRADES:
            yield f"{prefix}_{range_key(lowest)}", f"{words}: {range_label(lowest).lower()}"
    yield from _SINGLE_COUNTS.items()
