"""Scorecard rules, as the methodology page states them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import TEMPLATES, MakeSite
from site_builder.config import SiteConfig
from site_builder.pipeline import check_site
from site_builder.score import Scorecard, score_authorities


def scorecards(content: Path) -> dict[str, Scorecard]:
    config = SiteConfig(content, TEMPLATES, Path("out"), today=dt.date(2025, 11, 22))
    site, _ = check_site(config)
    return score_authorities(site)


def inspection(slug: str, date: str, grade: str, kind: str = "inspection", extra: str = "") -> dict[str, str]:
    return {
        f"inspections/{slug}.yaml": f"title: {slug}\nauthority: westshire\njudged_by: Ofsted\n"
        f"kind: {kind}\ndate: '{date}'\ngrade: {grade}\nsources: [report-a]\n{extra}"
    }


def test_fixture_scorecard_has_the_known_answers(make_site: MakeSite) -> None:
    card = scorecards(make_site())["northtown"]
    assert card.scr_evaluations_total == 4
    assert card.scr_evaluations_inadequate == 3
    assert card.latest_inspection is not None and card.latest_inspection.slug == "northtown-2021"
    assert card.direction == "better"
    assert card.cases_by_harm == {"died": 1, "seriously_harmed": 1}
    assert (card.reviews_total, card.reviews_pending, card.reviews_rerun_ordered) == (3, 1, 1)
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
    content = make_site({**inspection("w1", "2015-01-01", earlier), **inspection("w2", "2019", later)})
    assert scorecards(content)["westshire"].direction == direction


def test_not_graded_inspections_and_other_kinds_do_not_set_the_latest_grade(make_site: MakeSite) -> None:
    content = make_site({
        **inspection("w1", "2015", "good"),
        **inspection("w2", "2020", "not_graded"),
        **inspection("w3", "2021", "inadequate", kind="scrutiny_inquiry"),
    })  # fmt: skip
    card = scorecards(content)["westshire"]
    assert card.latest_inspection is not None and card.latest_inspection.slug == "w1"
    assert card.direction is None
    assert sorted(g.value for g in card.inspections_by_grade) == ["good", "not_graded"]


def test_aggregate_evaluations_count_as_that_many_judgements(make_site: MakeSite) -> None:
    content = make_site({
        "inspections/agg.yaml": "title: A\nauthority: westshire\njudged_by: Ofsted\n"
        "kind: scr_evaluation\ndate: '2008'\ncount: 5\ngrades: {good: 2, inadequate: 3}\n"
        "sources: [report-a]\n",
        **inspection("single", "2009", "adequate", kind="scr_evaluation"),
    })  # fmt: skip
    card = scorecards(content)["westshire"]
    assert card.scr_evaluations_total == 6
    assert card.scr_evaluations_inadequate == 3


def test_withdrawn_and_draft_records_count_nowhere(make_site: MakeSite) -> None:
    withdrawn = "status: withdrawn\ncorrections: [{date: '2020', text: Wrong council.}]\n"
    content = make_site({
        **inspection("w1", "2015", "good"),
        **inspection("w2", "2019", "inadequate", extra=withdrawn),
        **inspection("w3", "2020", "outstanding", extra="status: draft\n"),
    })  # fmt: skip
    card = scorecards(content)["westshire"]
    assert card.latest_inspection is not None and card.latest_inspection.slug == "w1"
    assert sum(card.inspections_by_grade.values()) == 1


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
    assert card.reviews_pending == 1


def test_peers_are_councils_of_the_same_kind_only(make_site: MakeSite) -> None:
    cards = scorecards(make_site())
    assert cards["westshire"].peers == ()
    assert cards["southtown"].peers == ("northtown",)
