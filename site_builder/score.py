"""Score stage: pure functions from the linked site to one scorecard per authority.

Every figure is a Tally that keeps the records it counts, and is never more precise than
they are: where a record leaves a number or a grade open, the figure is a lower bound.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from site_builder import models as m
from site_builder import vocabulary as v
from site_builder.link import Site

# A grade known only as a range is counted under the lowest grade it could be.
RANGE_GRADES = (m.Grade.GOOD, m.Grade.ADEQUATE, m.Grade.REQUIRES_IMPROVEMENT, m.Grade.INADEQUATE)


@dataclass(frozen=True)
class Reason:
    """Why a record leaves a figure open: 'the source gives no number of judgements'."""

    record: m.Record
    text: str


@dataclass(frozen=True)
class Tally:
    """A count from the record, the records it counts, and how sure it is.

    `at_least` is the count itself when `is_exact`; otherwise the record only shows that
    the figure is at least that, and `reasons` say why (one per record that leaves it open).
    """

    at_least: int
    is_exact: bool = True
    records: tuple[m.Record, ...] = ()
    reasons: tuple[Reason, ...] = ()

    @property
    def value(self) -> int | None:
        """The exact figure, or None where only a lower bound is known."""
        return self.at_least if self.is_exact else None

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.at_least + other.at_least,
            self.is_exact and other.is_exact,
            _unique((*self.records, *other.records)),
            _unique((*self.reasons, *other.reasons)),
        )


def _unique(items: tuple[object, ...]) -> tuple:  # type: ignore[type-arg]
    return tuple(dict.fromkeys(items))


def tally(records: Iterable[m.Record]) -> Tally:
    """An exact count of records, each counted once."""
    found = tuple(records)
    return Tally(len(found), True, found)


@dataclass(frozen=True)
class GradeTally:
    """Judgements by grade: exact grades, grades known only as a range, and the total."""

    by_grade: tuple[tuple[m.Grade, Tally], ...]  # in grade order, each grade given
    by_range: tuple[tuple[m.Grade, Tally], ...]  # by the lowest grade: adequate or better
    total: Tally
    range_reasons: tuple[tuple[m.Grade, tuple[Reason, ...]], ...]  # why each range is open

    def grade(self, grade: m.Grade) -> Tally:
        """How many judgements got exactly this grade (a lower bound if any are unknown)."""
        exact = dict(self.by_grade).get(grade, Tally(0))
        open_ranges = [lowest for lowest, _ in self.by_range if _could_be(lowest, grade)]
        if not open_ranges:
            return exact
        why = dict(self.range_reasons)
        reasons = tuple(reason for lowest in open_ranges for reason in why[lowest])
        return Tally(exact.at_least, False, exact.records, _unique((*exact.reasons, *reasons)))

    @property
    def inadequate(self) -> Tally:
        return self.grade(m.Grade.INADEQUATE)


def _could_be(lowest: m.Grade, grade: m.Grade) -> bool:
    """Whether a judgement known to be `lowest` or better could have got `grade`."""
    return grade.rank is not None and lowest.rank is not None and grade.rank >= lowest.rank


def count_grades(inspections: Iterable[m.Inspection]) -> GradeTally:
    """Count judgements by grade; an aggregate record counts as each of its judgements."""
    by_grade: dict[m.Grade, Tally] = {}
    by_range: dict[m.Grade, Tally] = {}
    range_reasons: dict[m.Grade, tuple[Reason, ...]] = {}
    total = Tally(0)
    for inspection in inspections:
        for grade, n in inspection.grade_counts.items():
            by_grade[grade] = by_grade.get(grade, Tally(0)) + Tally(n, True, (inspection,))
        known = inspection.count is not None
        reasons = () if known else (_reason(inspection),)
        if inspection.has_unknown_judgements:
            lowest = inspection.grade_at_least or m.Grade.INADEQUATE
            rest = Tally(inspection.ungraded_count, known, (inspection,), reasons)
            by_range[lowest] = by_range.get(lowest, Tally(0)) + rest
            range_reasons[lowest] = (*range_reasons.get(lowest, ()), _reason(inspection))
        total += Tally(inspection.known_count, known, (inspection,), reasons)
    order = list(m.Grade)
    return GradeTally(
        tuple((g, by_grade[g]) for g in order if g in by_grade),
        tuple((g, by_range[g]) for g in order if g in by_range),
        total,
        tuple(range_reasons.items()),
    )


def _reason(inspection: m.Inspection) -> Reason:
    """Why a record leaves a figure open."""
    lowest = inspection.grade_at_least
    if inspection.count is None and lowest:
        text = ("the source gives no number of judgements, and their grade only as "
                f"{lowest.label.lower()} or better")  # fmt: skip
    elif inspection.count is None:
        text = "the source gives no number of judgements"
    elif lowest:
        text = (f"the source gives the grade of {inspection.ungraded_count} of "
                f"{inspection.count} judgements only as {lowest.label.lower()} or better")  # fmt: skip
    else:
        text = f"the source gives no grade for {inspection.ungraded_count} of {inspection.count}"
    return Reason(inspection, text)


@dataclass(frozen=True)
class Scorecard:
    """One authority's figures, each keeping the records it was computed from."""

    authority: str
    inspections: GradeTally
    scr_evaluations: GradeTally
    latest_inspection: m.Inspection | None
    previous_inspection: m.Inspection | None
    cases_died: Tally
    cases_seriously_harmed: Tally
    cases_services_involved: Tally
    reviews_total: Tally
    reviews_pending: Tally
    reviews_rerun_ordered: Tally
    median_days_commissioned_to_published: float | None
    median_days_reviews: tuple[m.Record, ...]
    interventions: tuple[m.Inspection, ...]
    peers: tuple[str, ...]
    statistical_neighbours: tuple[str, ...]
    has_records: bool  # whether any listed judgement, case or board is about the council yet

    @property
    def direction(self) -> str | None:
        """'better', 'same' or 'worse' than the graded inspection before the latest; None
        where there is none, or where a grade range leaves it open."""
        if not self.latest_inspection or not self.previous_inspection:
            return None
        latest = self.latest_inspection.rank_range
        previous = self.previous_inspection.rank_range
        if latest is None or previous is None:
            return None
        if latest[0] > previous[1]:
            return "better"
        if latest[1] < previous[0]:
            return "worse"
        return "same" if latest[0] == latest[1] == previous[0] == previous[1] else None

    @property
    def interventions_tally(self) -> Tally:
        return tally(self.interventions)


def score_authorities(site: Site) -> dict[str, Scorecard]:
    """Return the scorecard of every authority, keyed by slug in slug order."""
    return {slug: score_authority(site, authority) for slug, authority in site.authorities.items()}


def score_authority(site: Site, authority: m.Authority) -> Scorecard:
    """Compute one authority's scorecard from its listed records."""
    inspections = [i for i in site.inspections_of.get(authority.slug, ()) if not i.is_withdrawn]
    cases = [c for c in site.cases_of.get(authority.slug, ()) if not c.is_withdrawn]
    graded = sorted(
        (i for i in inspections if i.is_inspection and i.rank_range is not None),
        key=_chronological,
    )
    reviewed = [(case, review) for case in cases for review in case.reviews]
    timed = [case for case, review in reviewed if _has_full_dates(review)]
    return Scorecard(
        authority=authority.slug,
        inspections=count_grades(i for i in inspections if i.is_inspection),
        scr_evaluations=count_grades(i for i in inspections if i.is_scr_evaluation),
        latest_inspection=graded[-1] if graded else None,
        previous_inspection=graded[-2] if len(graded) > 1 else None,
        cases_died=tally(c for c in cases if c.has_died),
        cases_seriously_harmed=tally(c for c in cases if c.harm is v.Harm.SERIOUSLY_HARMED),
        cases_services_involved=tally(c for c in cases if c.were_services_involved),
        reviews_total=Tally(len(reviewed), True, _unique(tuple(c for c, _ in reviewed))),
        reviews_pending=_reviews_with(reviewed, v.ReviewStatus.PENDING),
        reviews_rerun_ordered=reruns_ordered(reviewed, inspections),
        median_days_commissioned_to_published=median_review_days([r for _, r in reviewed]),
        median_days_reviews=_unique(tuple(timed)),
        interventions=tuple(
            sorted(
                (i for i in inspections if i.kind.is_intervention),
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
        has_records=bool(inspections or cases or any(
            not body.is_withdrawn for body in site.bodies_of.get(authority.slug, ())
        )),
    )  # fmt: skip


def _reviews_with(reviewed: list[tuple[m.Case, m.Review]], status: v.ReviewStatus) -> Tally:
    found = [(case, review) for case, review in reviewed if review.status is status]
    return Tally(len(found), True, _unique(tuple(case for case, _ in found)))


def reruns_ordered(
    reviewed: list[tuple[m.Case, m.Review]], inspections: list[m.Inspection]
) -> Tally:
    """Reviews ordered to be re-run: the number each direction gives, and any case review
    marked rerun_ordered that no such direction already counts."""
    directions = [i for i in inspections if i.reruns_ordered]
    covered = {slug for direction in directions for slug in direction.cases}
    result = Tally(sum(d.reruns_ordered or 0 for d in directions), True, tuple(directions))
    for case, review in reviewed:
        if review.status is v.ReviewStatus.RERUN_ORDERED and case.slug not in covered:
            result += Tally(1, True, (case,))
    return result


def _has_full_dates(review: m.Review) -> bool:
    commissioned, published = review.commissioned, review.published
    return bool(commissioned and published and commissioned.is_full and published.is_full)


def median_review_days(reviews: list[m.Review]) -> float | None:
    """Median days from commissioned to published, over reviews with both dates known to
    the day from a source: no interval is ever computed from a partial or inferred date."""
    days = [
        (r.published.earliest() - r.commissioned.earliest()).days
        for r in reviews
        if r.commissioned and r.published and _has_full_dates(r)
    ]
    return statistics.median(days) if days else None


def _chronological(inspection: m.Inspection) -> tuple[object, ...]:
    return (inspection.date.earliest(), inspection.date.latest(), inspection.slug)
