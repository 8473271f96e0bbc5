"""/data/scorecards.json and .csv: every figure as a number where it is exact, with its lower
bound, the reasons it is not exact and the records it counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from site_builder import models as m
from site_builder.link import Site
from site_builder.render.figures import range_key, scorecard_figures
from site_builder.score import RANGE_GRADES, GradeTally, Scorecard

UrlOf = Callable[[m.Record], str]


def scorecard_rows(
    site: Site, scorecards: dict[str, Scorecard], page_url: Callable[[Site, m.Record], str]
) -> dict[str, dict[str, Any]]:
    """/data/scorecards.json: an object keyed by authority slug."""

    def url_of(record: m.Record) -> str:
        return page_url(site, record)

    return {
        slug: {
            "name": site.authorities[slug].name,
            "kind": site.authorities[slug].kind,
            "url": url_of(site.authorities[slug]),
            **scorecard_document(card, url_of),
        }
        for slug, card in scorecards.items()
        if not site.authorities[slug].is_withdrawn
    }


def scorecard_document(card: Scorecard, url_of: UrlOf) -> dict[str, Any]:
    """One scorecard as data: DESIGN's keys (a number, or null where only a lower bound is
    known), then `figures`, which gives each figure's lower bound, why it is not exact, and
    the records it counts."""
    latest = card.latest_inspection
    return {
        "inspections_by_grade": _exact_grades(card.inspections),
        "inspections_by_grade_range": _range_grades(card.inspections),
        "scr_evaluations": {
            "total": card.scr_evaluations.total.value,
            "by_grade": _exact_grades(card.scr_evaluations),
            "by_grade_range": _range_grades(card.scr_evaluations),
            "inadequate": card.scr_evaluations.inadequate.value,
        },
        "latest_inspection": None if latest is None else _latest(latest, url_of),
        "direction": card.direction,
        "cases_by_harm": {
            "died": card.cases_died.value,
            "seriously_harmed": card.cases_seriously_harmed.value,
        },
        "cases_services_involved": card.cases_services_involved.value,
        "reviews": {
            "total": card.reviews_total.value,
            "pending": card.reviews_pending.value,
            "rerun_ordered": card.reviews_rerun_ordered.value,
            "median_days_commissioned_to_published": card.median_days_commissioned_to_published,
        },
        "interventions": [
            {"date": i.date.iso, "record": i.slug, "url": url_of(i)} for i in card.interventions
        ],
        "peers": list(card.peers),
        "statistical_neighbours": list(card.statistical_neighbours),
        "has_records": card.has_records,
        "figures": {
            figure.key: {
                "value": figure.tally.value,
                "at_least": figure.tally.at_least,
                "exact": figure.tally.is_exact,
                "not_exact_because": [
                    {"record": reason.record.slug, "reason": reason.text}
                    for reason in figure.tally.reasons
                ],
                "records": [_evidence(record, url_of) for record in figure.records],
            }
            for figure in scorecard_figures(card)
        },
    }


def _exact_grades(tallies: GradeTally) -> dict[str, int | None]:
    return {grade.value: found.value for grade, found in tallies.by_grade}


def _range_grades(tallies: GradeTally) -> dict[str, int | None]:
    return {range_key(grade): found.value for grade, found in tallies.by_range}


def _latest(latest: m.Inspection, url_of: UrlOf) -> dict[str, Any]:
    return {
        "grade": latest.overall_grade.value if latest.grade_counts else None,
        "grade_at_least": latest.grade_at_least.value if latest.grade_at_least else None,
        "date": latest.date.iso,
        "published": latest.published.iso if latest.published else None,
        "record": latest.slug,
        "url": url_of(latest),
    }


def _evidence(record: m.Record, url_of: UrlOf) -> dict[str, str]:
    return {"collection": record.collection, "record": record.slug, "url": url_of(record)}


_GRADES = [grade.value for grade in m.Grade]
_RANGES = [range_key(grade) for grade in RANGE_GRADES]
# Each count is its exact value, or empty where only a lower bound is known; the lower bound
# is in the column of the same name ending _at_least, and the reasons in not_exact_because.
_COUNTS = [
    "inspections_total", *(f"inspections_{g}" for g in (*_GRADES, *_RANGES)),
    "scr_evaluations_total", *(f"scr_evaluations_{g}" for g in (*_GRADES, *_RANGES)),
    "cases_died", "cases_seriously_harmed",
    "cases_services_involved", "reviews_total", "reviews_pending", "reviews_rerun_ordered",
    "interventions_total",
]  # fmt: skip
SCORECARD_COLUMNS = [
    "authority", "authority_url", "name", "kind",
    *(column for count in _COUNTS for column in (count, f"{count}_at_least")),
    "latest_inspection_grade", "latest_inspection_grade_at_least", "latest_inspection_date",
    "latest_inspection_published", "latest_inspection_record", "latest_inspection_url",
    "direction", "median_days_commissioned_to_published", "interventions", "peers",
    "statistical_neighbours", "not_exact_because",
]  # fmt: skip


def scorecard_csv_rows(cards: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One flat row per authority for /data/scorecards.csv, from the JSON's values."""
    rows = []
    for slug, card in cards.items():
        latest = card["latest_inspection"] or {}
        figures = card["figures"]
        row: dict[str, Any] = {
            "authority": slug, "authority_url": card["url"], "name": card["name"],
            "kind": card["kind"],
            "latest_inspection_grade": latest.get("grade"),
            "latest_inspection_grade_at_least": latest.get("grade_at_least"),
            "latest_inspection_date": latest.get("date"),
            "latest_inspection_published": latest.get("published"),
            "latest_inspection_record": latest.get("record"),
            "latest_inspection_url": latest.get("url"),
            "direction": card["direction"],
            "median_days_commissioned_to_published":
                card["reviews"]["median_days_commissioned_to_published"],
            "interventions": [i["record"] for i in card["interventions"]],
            "peers": card["peers"],
            "statistical_neighbours": card["statistical_neighbours"],
            "not_exact_because": sorted({f"{r['record']}: {r['reason']}"
                                         for f in figures.values() for r in f["not_exact_because"]}),
        }  # fmt: skip
        for count in _COUNTS:
            figure = figures.get(count, {"value": 0, "at_least": 0})
            row[count], row[f"{count}_at_least"] = figure["value"], figure["at_least"]
        rows.append(row)
    return rows
