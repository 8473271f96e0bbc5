"""Score stage: pure functions from the linked site to one scorecard per authority."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from site_builder import models as m
from site_builder.link import Site

INTERVENTION_KINDS = ("ministerial_direction", "improvement_notice")


@dataclass(frozen=True)
class Scorecard:
    """One authority's figures, keeping the records each was computed from."""

    authority: str
    inspections_by_grade: dict[m.Grade, int]
    scr_evaluations_by_grade: dict[m.Grade, int]
    latest_inspection: m.Inspection | None
    previous_inspection: m.Inspection | None
    cases_by_harm: dict[str, int]
    reviews_total: int
    reviews_pending: int
    reviews_rerun_ordered: int
    median_days_commissioned_to_published: float | None
    interventions: tuple[m.Inspection, ...]
    peers: tuple[str, ...]
    statistical_neighbours: tuple[str, ...]
    evidence: tuple[m.Inspection, ...]

    @property
    def scr_evaluations_total(self) -> int:
        return sum(self.scr_evaluations_by_grade.values())

    @property
    def scr_evaluations_inadequate(self) -> int:
        return self.scr_evaluations_by_grade.get(m.Grade.INADEQUATE, 0)

    @property
    def direction(self) -> str | None:
        """'better', 'same' or 'worse' than the graded inspection before the latest."""
        if not self.latest_inspection or not self.previous_inspection:
            return None
        latest = _rank(self.latest_inspection)
        previous = _rank(self.previous_inspection)
        return "better" if latest > previous else "worse" if latest < previous else "same"

    def as_data(self, url_of: Any) -> dict[str, Any]:
        """The scorecard as /data/scorecards.json holds it; `url_of` maps a record to a URL."""
        latest = self.latest_inspection
        return {
            "inspections_by_grade": _grade_dict(self.inspections_by_grade),
            "scr_evaluations": {
                "total": self.scr_evaluations_total,
                "by_grade": _grade_dict(self.scr_evaluations_by_grade),
                "inadequate": self.scr_evaluations_inadequate,
            },
            "latest_inspection": None
            if latest is None
            else {"grade": latest.overall_grade.value, "date": latest.date.iso, "record": latest.slug,
                  "url": url_of(latest)},  # fmt: skip
            "direction": self.direction,
            "cases_by_harm": dict(self.cases_by_harm),
            "reviews": {
                "total": self.reviews_total,
                "pending": self.reviews_pending,
                "rerun_ordered": self.reviews_rerun_ordered,
                "median_days_commissioned_to_published": self.median_days_commissioned_to_published,
            },
            "interventions": [
                {"date": i.date.iso, "record": i.slug, "url": url_of(i)} for i in self.interventions
            ],
            "peers": list(self.peers),
            "statistical_neighbours": list(self.statistical_neighbours),
        }


def _grade_dict(counts: dict[m.Grade, int]) -> dict[str, int]:
    return {grade.value: counts[grade] for grade in m.Grade if counts.get(grade)}


def score_authorities(site: Site) -> dict[str, Scorecard]:
    """Return the scorecard of every authority, keyed by slug in slug order."""
    return {slug: score_authority(site, authority) for slug, authority in site.authorities.items()}


def score_authority(site: Site, authority: m.Authority) -> Scorecard:
    """Compute one authority's scorecard from its listed records."""
    inspections = [i for i in site.inspections_of.get(authority.slug, ()) if not i.is_withdrawn]
    cases = [c for c in site.cases_of.get(authority.slug, ()) if not c.is_withdrawn]
    graded = sorted(
        (i for i in inspections if i.kind == "inspection" and i.overall_grade.rank is not None),
        key=_chronological,
    )
    reviews = [review for case in cases for review in case.reviews]
    return Scorecard(
        authority=authority.slug,
        inspections_by_grade=count_grades(i for i in inspections if i.kind == "inspection"),
        scr_evaluations_by_grade=count_grades(i for i in inspections if i.kind == "scr_evaluation"),
        latest_inspection=graded[-1] if graded else None,
        previous_inspection=graded[-2] if len(graded) > 1 else None,
        cases_by_harm={
            "died": sum(c.harm == "died" for c in cases),
            "seriously_harmed": sum(c.harm == "seriously_harmed" for c in cases),
        },
        reviews_total=len(reviews),
        reviews_pending=sum(r.status == "pending" for r in reviews),
        reviews_rerun_ordered=sum(r.status == "rerun_ordered" for r in reviews),
        median_days_commissioned_to_published=median_review_days(reviews),
        interventions=tuple(
            sorted(
                (i for i in inspections if i.kind in INTERVENTION_KINDS),
                key=_chronological,
                reverse=True,
            )
        ),
        peers=tuple(
            slug
            for slug, other in site.authorities.items()
            if other.kind == authority.kind and slug != authority.slug and not other.is_withdrawn
        ),
        statistical_neighbours=authority.statistical_neighbours,
        evidence=tuple(inspections),
    )


def count_grades(inspections: Any) -> dict[m.Grade, int]:
    """Count judgements by grade; an aggregate record counts as its `count` judgements."""
    counts: Counter[m.Grade] = Counter()
    for inspection in inspections:
        counts.update(inspection.grade_counts)
    return {grade: counts[grade] for grade in m.Grade if counts[grade]}


def median_review_days(reviews: list[m.Review]) -> float | None:
    """Median days from commissioned to published, over reviews with both full dates."""
    days = [
        (r.published.earliest() - r.commissioned.earliest()).days
        for r in reviews
        if r.commissioned and r.published and r.commissioned.is_full and r.published.is_full
    ]
    return statistics.median(days) if days else None


def _rank(inspection: m.Inspection) -> int:
    return inspection.overall_grade.rank or 0


def _chronological(inspection: m.Inspection) -> tuple[Any, ...]:
    return (inspection.date.earliest(), inspection.date.latest(), inspection.slug)
