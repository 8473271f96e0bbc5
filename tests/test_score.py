"""Scorecard rules, as the methodology page states them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import TEMPLATES, MakeSite

from site_builder.config import SiteConfig
from site_builder.models import Grade
from site_builder.pipeline import check_site
from site_builder.score import Scorecard, score_authorities


def scorecards(content: Path) -> dict[str, Scorecard]:
    config = SiteConfig(content, TEMPLATES, Path("out"), today=dt.date(2025, 11, 22))
    site, _ = check_site(config)
    return score_authorities(site)


def inspection(
    slug: str, date: str, grade: str, kind: str = "inspection", extra: str = ""
) -> dict[str, str]:
    return {
        f"inspections/{slug}.yaml": f"title: {slug}\nauthority: westshire\njudged_by: Ofsted\n"
        f"kind: {kind}\ndate: '{date}'\ngrade: {grade}\nsources: [report-a]\n{extra}"
    }


def test_fixture_scorecard_has_the_known_answers(make_site: MakeSite) -> None:
    card = scorecards(make_site())["northtown"]
    assert card.scr_evaluations.total.value == 4
    assert card.scr_evaluations.inadequate.value == 3
    assert card.latest_inspection is not None and card.latest_inspection.slug == "northtown-2021"
    assert card.direction == "better"
    assert (card.cases_died.value, card.cases_seriously_harmed.value) == (1, 1)
    reviews = (card.reviews_total, card.reviews_pending, card.reviews_rerun_ordered)
    assert tuple(t.value for t in reviews) == (3, 1, 1)
    assert card.median_days_commissioned_to_published == 198  # 366 and 30 days
    assert [i.slug for i in card.interventions] == ["northtown-notice"]
    assert card.peers == ("southtown",)


@pytest.mark.parametrize(
    ("earlier", "later", "direction"),
    [
        ("inadequate", "requires_improvement", "better"),
        ("good", "inadequate", "worse"),
        ("adequate", "requires_improvement", "same"),  # both rank 2
        ("good", "outstanding", "better"),
    ],
)
def test_direction_compares_the_latest_graded_inspection_with_the_one_before(
    make_site: MakeSite, earlier: str, later: str, direction: str
) -> None:
    content = make_site(
        {**inspection("w1", "2015-01-01", earlier), **inspection("w2", "2019", later)}
    )
    assert scorecards(content)["westshire"].direction == direction


def test_not_graded_inspections_and_other_kinds_do_not_set_the_latest_grade(
    make_site: MakeSite,
) -> None:
    content = make_site({
        **inspection("w1", "2015", "good"),
        **inspection("w2", "2020", "not_graded"),
        **inspection("w3", "2021", "inadequate", kind="scrutiny_inquiry"),
    })  # fmt: skip
    card = scorecards(content)["westshire"]
    assert card.latest_inspection is not None and card.latest_inspection.slug == "w1"
    assert card.direction is None
    assert sorted(g.value for g, _ in card.inspections.by_grade) == ["good", "not_graded"]


def test_aggregate_evaluations_count_as_that_many_judgements(make_site: MakeSite) -> None:
    content = make_site({
        "inspections/agg.yaml": "title: A\nauthority: westshire\njudged_by: Ofsted\n"
        "kind: scr_evaluation\ndate: '2008'\ncount: 5\ngrades: {good: 2, inadequate: 3}\n"
        "sources: [report-a]\n",
        **inspection("single", "2009", "adequate", kind="scr_evaluation"),
    })  # fmt: skip
    card = scorecards(content)["westshire"]
    assert card.scr_evaluations.total.value == 6
    assert card.scr_evaluations.inadequate.value == 3
    assert sorted(r.slug for r in card.scr_evaluations.total.records) == ["agg", "single"]


def test_withdrawn_and_draft_records_count_nowhere(make_site: MakeSite) -> None:
    withdrawn = "status: withdrawn\ncorrections: [{date: '2020', text: Wrong council.}]\n"
    content = make_site({
        **inspection("w1", "2015", "good"),
        **inspection("w2", "2019", "inadequate", extra=withdrawn),
        **inspection("w3", "2020", "outstanding", extra="status: draft\n"),
    })  # fmt: skip
    card = scorecards(content)["westshire"]
    assert card.latest_inspection is not None and card.latest_inspection.slug == "w1"
    assert card.inspections.total.value == 1


def test_median_review_time_uses_only_reviews_with_two_full_dates(make_site: MakeSite) -> None:
    case = """---
title: Child W
name_status: pseudonym
authority: westshire
harm: died
reviews:
  - {kind: scr, status: published, commissioned: "2010-01-01", published: "2010-01-11"}
  - {kind: scr, status: published, commissioned: "2010-01", published: "2012-01-01"}
  - {kind: scr, status: pending, commissioned: "2011-01-01"}
sources: [report-a]
---
"""
    card = scorecards(make_site({"cases/child-w.md": case}))["westshire"]
    assert card.median_days_commissioned_to_published == 10
    assert card.reviews_pending.value == 1


def test_peers_are_councils_of_the_same_kind_only(make_site: MakeSite) -> None:
    cards = scorecards(make_site())
    assert cards["westshire"].peers == ()
    assert cards["southtown"].peers == ("northtown",)


def evaluation(slug: str, fields: str) -> dict[str, str]:
    return {
        f"inspections/{slug}.yaml": f"title: {slug}\nauthority: westshire\njudged_by: Ofsted\n"
        f"kind: scr_evaluation\ndate: '2008'\nsources: [report-a]\n{fields}"
    }


def test_reviews_approved_with_no_number_count_as_at_least_one_and_none_inadequate(
    make_site: MakeSite,
) -> None:
    card = scorecards(make_site(evaluation("approved", "grade_at_least: adequate\n")))["westshire"]
    total = card.scr_evaluations.total
    assert (total.value, total.at_least, total.is_exact) == (None, 1, False)
    assert [reason.record.slug for reason in total.reasons] == ["approved"]
    assert "no number" in total.reasons[0].text
    assert card.scr_evaluations.inadequate.value == 0  # approved reviews were not inadequate
    assert card.scr_evaluations.by_grade == ()
    assert dict(card.scr_evaluations.by_range)[Grade.ADEQUATE].at_least == 1
    assert card.scr_evaluations.grade(Grade.GOOD).is_exact is False  # some may have been good


def test_a_grade_given_for_some_judgements_only_leaves_the_rest_as_a_range(
    make_site: MakeSite,
) -> None:
    fields = "count: 4\ngrades: {inadequate: 3}\ngrade_at_least: adequate\n"
    card = scorecards(make_site(evaluation("four", fields)))["westshire"]
    assert card.scr_evaluations.total.value == 4
    assert card.scr_evaluations.inadequate.value == 3
    assert dict(card.scr_evaluations.by_range)[Grade.ADEQUATE].value == 1
    assert card.scr_evaluations.grade(Grade.ADEQUATE).value is None  # 0 known, perhaps 1


def test_grades_without_a_count_make_the_total_a_lower_bound(make_site: MakeSite) -> None:
    fields = "grades: {inadequate: 2}\ngrade_at_least: inadequate\n"
    card = scorecards(make_site(evaluation("some", fields)))["westshire"]
    assert (card.scr_evaluations.total.value, card.scr_evaluations.total.at_least) == (None, 2)
    inadequate = card.scr_evaluations.inadequate
    assert (inadequate.value, inadequate.at_least) == (None, 2)  # the others' grades not given


@pytest.mark.parametrize(
    ("earlier", "later", "direction"),
    [
        ("grade: inadequate", "grade_at_least: adequate", "better"),
        ("grade: good", "grade_at_least: adequate", None),  # adequate or better: not known
        ("grade_at_least: good", "grade: inadequate", "worse"),
    ],
)
def test_direction_with_a_grade_range_is_given_only_where_the_range_settles_it(
    make_site: MakeSite, earlier: str, later: str, direction: str | None
) -> None:
    def graded(slug: str, date: str, grade: str) -> dict[str, str]:
        return {
            f"inspections/{slug}.yaml": f"title: {slug}\nauthority: westshire\njudged_by: Ofsted\n"
            f"kind: inspection\ndate: '{date}'\n{grade}\nsources: [report-a]\n"
        }

    content = make_site({**graded("w1", "2015", earlier), **graded("w2", "2019", later)})
    assert scorecards(content)["westshire"].direction == direction


def test_a_direction_counts_the_reviews_it_ordered_re_run_once(make_site: MakeSite) -> None:
    direction = (
        "title: D\nauthority: westshire\njudged_by: Minister\nkind: ministerial_direction\n"
        "date: '2008'\ngrade: not_graded\nreruns_ordered: 3\nsources: [report-a]\n"
    )
    card = scorecards(make_site({"inspections/direction.yaml": direction}))["westshire"]
    assert card.reviews_rerun_ordered.value == 3
    assert [r.slug for r in card.reviews_rerun_ordered.records] == ["direction"]


def test_a_case_review_re_run_by_a_direction_naming_the_case_is_not_counted_twice(
    make_site: MakeSite,
) -> None:
    # The fixture's child-b has a review marked rerun_ordered; a direction naming child-b and
    # ordering one re-run counts it, and the case's own review is not counted again.
    content = make_site({
        "inspections/rerun.yaml": "title: R\nauthority: northtown\njudged_by: Minister\n"
        "kind: ministerial_direction\ndate: '2019'\ngrade: not_graded\nreruns_ordered: 1\n"
        "cases: [child-b]\nsources: [report-a]\n",
    })  # fmt: skip
    card = scorecards(content)["northtown"]
    assert card.reviews_rerun_ordered.value == 1
    assert [r.slug for r in card.reviews_rerun_ordered.records] == ["rerun"]


def test_no_interval_is_computed_from_a_partial_or_inferred_date(make_site: MakeSite) -> None:
    case = """---
title: Child W
name_status: pseudonym
authority: westshire
harm: died
reviews:
  - {kind: scr, status: published, commissioned: "2010-01-01?", published: "2010-03-01"}
  - {kind: scr, status: published, commissioned: "2010-01-01", published: "2010-03?"}
  - {kind: scr, status: published, commissioned: "2010", published: "2012"}
sources: [report-a]
---
"""
    card = scorecards(make_site({"cases/child-w.md": case}))["westshire"]
    assert card.median_days_commissioned_to_published is None
    assert card.median_days_reviews == ()


def test_a_case_counts_as_known_to_services_only_where_a_source_says_so(
    make_site: MakeSite,
) -> None:
    def case(slug: str, involved: str) -> dict[str, str]:
        return {
            f"cases/{slug}.md": f"---\ntitle: {slug}\nname_status: pseudonym\nauthority: westshire\n"
            f"harm: died\n{involved}sources: [report-a]\n---\n"
        }

    content = make_site({**case("a", "services_involved: yes\n"), **case("b", ""),
                         **case("c", "services_involved: not_known\n")})  # fmt: skip
    card = scorecards(content)["westshire"]
    assert card.cases_died.value == 3
    assert [c.slug for c in card.cases_services_involved.records] == ["a"]
