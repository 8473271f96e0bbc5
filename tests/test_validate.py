"""Every kind of bad content gets one exact `path:LINE: message` line and exit status 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TEMPLATES, MakeSite

from site_builder.cli import main

CASE = """---
title: Child C
name_status: pseudonym
authority: northtown
harm: died
sources: [report-a]
---
Body text.
"""


WESTSHIRE = """name: Westshire County Council
kind: county
region: South West
gss_code: E10000001
sources: [report-a]
"""
ENDED = "ended: '2021-04-01'\nended_source: report-a\n"


def check(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    status = main(["check", "--content", "content"])
    return status, capsys.readouterr().err.splitlines()


def assert_errors(capsys: pytest.CaptureFixture[str], *expected: str) -> None:
    status, lines = check(capsys)
    assert status == 1
    assert lines[:-1] == list(expected)
    count = len(expected)
    assert lines[-1] == f"{count} error{'s' if count != 1 else ''}; nothing was written"


BAD_INPUTS = {
    "malformed_yaml": (
        {"cases/child-c.md": CASE.replace("harm: died", "harm: [died")},
        [("content/cases/child-c.md:6: invalid YAML: while parsing a flow sequence; "
         "did not find expected ',' or ']'")],
    ),
    "list_instead_of_mapping": (
        {"cases/child-c.md": "---\n- title\n- harm\n---\n"},
        ["content/cases/child-c.md:2: expected a mapping of fields, found list"],
    ),
    "impossible_date": (
        {"cases/child-c.md": CASE.replace("harm: died", "harm: died\ndate: 2024-02-30")},
        [("content/cases/child-c.md:6: field 'date': '2024-02-30' is not a real date; "
         "write YYYY-MM-DD, YYYY-MM or YYYY, with '?' after the last part that is inferred (2008?)")],
    ),
    "non_utf8": (
        {"cases/child-c.md": CASE.replace("Body text.", "Caf\xe9").encode("latin-1")},
        ["content/cases/child-c.md:8: not valid UTF-8 at byte 101; save as UTF-8"],
    ),
    "duplicate_key": (
        {"cases/child-c.md": CASE.replace("harm: died", "harm: died\nharm: seriously_harmed")},
        ["content/cases/child-c.md:6: duplicate field 'harm' (first at line 5)"],
    ),
    "md_and_yaml_same_slug": (
        {"sources/report-a.yaml": "title: Copy\nkind: news\npublished: '2020'\n"},
        ["content/sources/report-a.md:1: duplicate slug 'report-a': also content/sources/report-a.yaml",
         "content/sources/report-a.yaml:1: duplicate slug 'report-a': also content/sources/report-a.md"],
    ),
    "unknown_field_typo": (
        {"cases/child-c.md": CASE.replace("harm: died", "harm: died\ncontent_not: Hard reading.")},
        ["content/cases/child-c.md:6: unknown field 'content_not' (did you mean 'content_note'?)"],
    ),
    "identifying_field": (
        {"cases/child-c.md": CASE.replace("harm: died", "harm: died\naddress: 1 High Street")},
        [("content/cases/child-c.md:6: unknown field 'address': records never hold addresses, "
         "schools, dates of birth or relatives' names; remove it")],
    ),
    "unknown_reference": (
        {"cases/child-c.md": CASE.replace("authority: northtown", "authority: northtwn")},
        [("content/cases/child-c.md:4: unknown authority 'northtwn' in 'authority' "
         "(did you mean 'northtown'?)")],
    ),
    "public_named_without_basis": (
        {"cases/child-c.md": CASE.replace("name_status: pseudonym", "name_status: public_named")},
        [("content/cases/child-c.md:3: a real child's name (public_named) needs 'naming_basis': "
         "the source of the court or official report that made it public")],
    ),
    "missing_required_field": (
        {"cases/child-c.md": CASE.replace("harm: died\n", "")},
        ["content/cases/child-c.md:2: missing required field 'harm'"],
    ),
    "missing_required_nested_field": (
        {"cases/child-c.md": CASE.replace("harm: died", "harm: died\nreviews:\n  - kind: scr")},
        ["content/cases/child-c.md:7: missing required field 'reviews[1].status'"],
    ),
    "bad_enum_with_hint": (
        {"inspections/x.yaml": "title: X\nauthority: northtown\njudged_by: Ofsted\nkind: inspection\n"
                               "date: '2020'\ngrade: inadaquate\nsources: [report-a]\n"},
        [("content/inspections/x.yaml:6: field 'grade': 'inadaquate' is not allowed; expected one of "
         "outstanding, good, adequate, requires_improvement, inadequate, not_graded "
         "(did you mean 'inadequate'?)")],
    ),
    "yaml_boolean_in_enum_field": (
        {"cases/child-c.md": CASE.replace("harm: died", "harm: no")},
        [("content/cases/child-c.md:5: field 'harm': 'no' is not allowed; expected one of died, "
         "seriously_harmed")],
    ),
    "alias_bomb": (
        {"cases/child-c.md": "---\na: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n---\n"},
        [("content/cases/child-c.md:2: YAML anchors and aliases (& and *) are not allowed; "
         "write the value out")],
    ),
    "python_tag": (
        {"cases/child-c.md": CASE.replace("harm: died", "harm: !!python/object/apply:os.system [id]")},
        [("content/cases/child-c.md:5: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' "
         "is not allowed; write plain data")],
    ),
    "unclosed_front_matter": (
        {"cases/child-c.md": "---\ntitle: X\n"},
        ["content/cases/child-c.md:1: front matter is not closed: add a '---' line after the fields"],
    ),
    "grades_not_adding_up": (
        {"inspections/x.yaml": "title: X\nauthority: northtown\njudged_by: Ofsted\n"
                               "kind: scr_evaluation\ndate: '2020'\ncount: 3\n"
                               "grades: {inadequate: 1}\nsources: [report-a]\n"},
        [("content/inspections/x.yaml:7: field 'grades' adds up to 1 but 'count' is 3; where a "
         "source gives the others' grade only as a range, say so with 'grade_at_least'")],
    ),
    "grades_adding_up_to_more_than_count": (
        {"inspections/x.yaml": "title: X\nauthority: northtown\njudged_by: Ofsted\n"
                               "kind: scr_evaluation\ndate: '2020'\ncount: 1\n"
                               "grades: {inadequate: 2}\nsources: [report-a]\n"},
        ["content/inspections/x.yaml:7: field 'grades' adds up to 2 but 'count' is 1"],
    ),
    "count_without_grades": (
        {"inspections/x.yaml": "title: X\nauthority: northtown\njudged_by: Ofsted\n"
                               "kind: scr_evaluation\ndate: '2020'\ncount: 2\nsources: [report-a]\n"},
        [("content/inspections/x.yaml:6: 'count' needs the grades of those judgements: give "
         "'grades', or 'grade_at_least' where a source gives them only as a range")],
    ),
    "grade_and_a_range_at_once": (
        {"inspections/x.yaml": "title: X\nauthority: northtown\njudged_by: Ofsted\n"
                               "kind: scr_evaluation\ndate: '2020'\ngrade: good\n"
                               "grade_at_least: adequate\nsources: [report-a]\n"},
        [("content/inspections/x.yaml:6: give either 'grade' (one judgement) or 'grade_at_least' "
         "(several, or a grade known only as a range), not both")],
    ),
    "range_left_with_nothing_to_apply_to": (
        {"inspections/x.yaml": "title: X\nauthority: northtown\njudged_by: Ofsted\n"
                               "kind: scr_evaluation\ndate: '2020'\ncount: 1\n"
                               "grades: {good: 1}\ngrade_at_least: adequate\nsources: [report-a]\n"},
        [("content/inspections/x.yaml:8: 'grade_at_least' applies to no judgement: 'grades' "
         "already gives all of them")],
    ),
    "reruns_on_a_record_that_is_no_direction": (
        {"inspections/x.yaml": "title: X\nauthority: northtown\njudged_by: Ofsted\n"
                               "kind: inspection\ndate: '2020'\ngrade: good\nreruns_ordered: 2\n"
                               "sources: [report-a]\n"},
        [("content/inspections/x.yaml:7: 'reruns_ordered' belongs to a ministerial direction that "
         "ordered reviews re-run; set kind: ministerial_direction or remove the field")],
    ),
    "report_published_before_the_inspection": (
        {"inspections/x.yaml": "title: X\nauthority: northtown\njudged_by: Ofsted\n"
                               "kind: inspection\ndate: '2014-03'\npublished: '2014-01-20'\n"
                               "grade: good\nsources: [report-a]\n"},
        [("content/inspections/x.yaml:6: 'published' (2014-01-20) is before 'date' (2014-03): "
         "'date' is when the inspection or judgement took place, 'published' when its report "
         "came out")],
    ),
    "direction_naming_more_cases_than_it_re_ran": (
        {"inspections/x.yaml": "title: X\nauthority: northtown\njudged_by: Minister\n"
                               "kind: ministerial_direction\ndate: '2020'\ngrade: not_graded\n"
                               "reruns_ordered: 1\ncases: [child-a, child-b]\n"
                               "sources: [report-a]\n"},
        [("content/inspections/x.yaml:7: 'reruns_ordered' is 1 but 'cases' lists 2 cases whose "
         "reviews it ordered re-run")],
    ),
    "date_resting_on_an_inferred_date_not_marked": (
        {"sources/guess.yaml": "title: Undated report\nkind: news\npublished: '2008?'\n",
         "inspections/x.yaml": "title: X\nauthority: northtown\njudged_by: Ofsted\n"
                               "kind: scr_evaluation\ndate: '2008'\ngrade: good\n"
                               "sources: [guess]\n"},
        [("content/inspections/x.yaml:5: 'date' (2008) rests only on sources whose dates are "
         "inferred (guess); mark what is inferred with '?', e.g. '2008?'")],
    ),
    "unknown_source_linked_from_a_markdown_field": (
        {"inspections/x.yaml": "title: X\nauthority: northtown\njudged_by: Ofsted\n"
                               "kind: inspection\ndate: '2020'\ngrade: good\n"
                               "findings: Found wanting ([BBC](/sources/no-such-source/)).\n"
                               "sources: [report-a]\n"},
        [("content/inspections/x.yaml:7: link '/sources/no-such-source/' points to no page of "
         "the site")],
    ),
    "site_without_contact": (
        {"site.yaml": "title: T\nbase_url: https://t.example/\ndescription: D.\n"},
        ["content/site.yaml:1: missing required field 'contact'"],
    ),
    "contact_that_is_no_address": (
        {"site.yaml": "title: T\nbase_url: https://t.example/\ndescription: D.\n"
                      "contact: call us\n"},
        [("content/site.yaml:4: field 'contact': 'call us' is neither an email address nor an "
         "https:// address")],
    ),
    "bad_file_name": (
        {"cases/Child C.md": CASE},
        [("content/cases/Child C.md:1: file name 'Child C' is not a valid slug: use lowercase "
         "letters, digits and hyphens, starting with a letter or digit (at most 100 characters)")],
    ),
    "stray_folder": (
        {"case/child-c.md": CASE},
        [("content/case:1: 'case' is not a collection folder or site.yaml (did you mean 'cases'?); "
         "expected one of authorities, bodies, cases, inspections, sources, pages")],
    ),
    "unsafe_link_in_body": (
        {"cases/child-c.md": CASE.replace("Body text.", "See [this](javascript:alert(1)).")},
        [("content/cases/child-c.md:8: link 'javascript:alert(1)' is not allowed: use https://, "
         "http://, mailto: or a site address such as /cases/slug/")],
    ),
    "dangling_site_link": (
        {"cases/child-c.md": CASE.replace("Body text.", "\n\nSee [it](/cases/child-z/).")},
        ["content/cases/child-c.md:10: link '/cases/child-z/' points to no page of the site"],
    ),
    "percent_encoded_hash_in_link": (
        {"cases/child-c.md": CASE.replace("Body text.", "See [the findings](%23findings).")},
        [("content/cases/child-c.md:8: link '%23findings' points to no page of the site; for a "
         "place on a page write '#', not '%23'")],
    ),
    "percent_encoded_scheme_in_link": (
        {"cases/child-c.md": CASE.replace("Body text.", "See [this](%6Aavascript:alert(1)).")},
        [("content/cases/child-c.md:8: link '%6Aavascript:alert(1)' is not allowed: use https://, "
         "http://, mailto: or a site address such as /cases/slug/")],
    ),
    "published_refers_to_draft": (
        {"sources/draft-report.yaml": "title: D\nkind: news\npublished: '2020'\nstatus: draft\n",
         "cases/child-c.md": CASE.replace("[report-a]", "[report-a, draft-report]")},
        [("content/cases/child-c.md:6: 'sources' refers to source 'draft-report', which is a draft: "
         "publish both together or remove the reference")],
    ),
    "kind_disagrees_with_ons_code": (
        {"authorities/westshire.yaml": WESTSHIRE.replace("kind: county", "kind: unitary")},
        [("content/authorities/westshire.yaml:2: kind 'unitary' does not agree with ONS code "
         "'E10000001', which begins 'E10': write kind 'county' (E06 unitary, "
         "E08 metropolitan_district, E09 london_borough, E10 county), or correct the code")],
    ),
    "ons_code_of_no_council_with_childrens_services": (
        {"authorities/westshire.yaml": WESTSHIRE.replace("E10000001", "E07000001")},
        [("content/authorities/westshire.yaml:4: ONS code 'E07000001' begins 'E07', which is not "
         "a council with children's services; codes begin E06 unitary, "
         "E08 metropolitan_district, E09 london_borough, E10 county")],
    ),
    "end_date_without_its_source": (
        {"authorities/westshire.yaml": WESTSHIRE + "ended: '2021-04-01'\n"},
        [("content/authorities/westshire.yaml:6: 'ended' needs 'ended_source': name the source "
         "record that gives the date")],
    ),
    "successor_without_an_end_date": (
        {"authorities/westshire.yaml": WESTSHIRE + "succeeded_by: [eastborough]\n"},
        [("content/authorities/westshire.yaml:6: 'succeeded_by' needs 'ended': give the date the "
         "council ended, as a source gives it")],
    ),
    "unknown_successor": (
        {"authorities/westshire.yaml": WESTSHIRE + ENDED + "succeeded_by: [eastboro]\n"},
        [("content/authorities/westshire.yaml:8: unknown authority 'eastboro' in 'succeeded_by' "
         "(did you mean 'eastborough'?)")],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_reports_exact_file_line_and_message(
    name: str, make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    files, expected = BAD_INPUTS[name]
    make_site(files)
    assert_errors(capsys, *expected)


def test_every_mistake_in_a_tree_is_reported_once_in_path_order(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    files: dict[str, str | bytes | None] = {}
    expected: list[str] = []
    for name in ("impossible_date", "unknown_reference", "bad_enum_with_hint", "python_tag"):
        new_files, lines = BAD_INPUTS[name]
        for path, text in new_files.items():
            target = path if path not in files else path.replace(".", "-2.", 1)
            files[target] = text
        expected += [line.replace("child-c.md", "child-c-2.md") if line in expected else line
                     for line in lines]  # fmt: skip
    files = {
        "cases/d1.md": BAD_INPUTS["impossible_date"][0]["cases/child-c.md"],
        "cases/d2.md": BAD_INPUTS["unknown_reference"][0]["cases/child-c.md"],
        "inspections/x.yaml": BAD_INPUTS["bad_enum_with_hint"][0]["inspections/x.yaml"],
        "cases/d3.md": BAD_INPUTS["python_tag"][0]["cases/child-c.md"],
    }
    make_site(files)
    status, lines = check(capsys)
    assert status == 1
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "content/cases/d1.md",
        "content/cases/d2.md",
        "content/cases/d3.md",
        "content/inspections/x.yaml",
    ]
    assert lines[-1] == "4 errors; nothing was written"


def test_yaml_guesses_in_text_fields_stay_as_written(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site({"cases/child-c.md": CASE.replace("title: Child C", "title: NO")
               .replace("harm: died", "harm: died\nproceedings: 1.10\ncontent_note: 012\naliases: [on, 12:30]")})  # fmt: skip
    assert (
        main(["build", "--content", "content", "--templates", str(TEMPLATES), "--output", "out"])
        == 0
    )
    page = Path("out/cases/child-c/index.html").read_text(encoding="utf-8")
    assert "<h1>NO</h1>" in page
    for text in ("1.10", "012", "on, 12:30"):
        assert text in page


def test_valid_fixture_checks_clean(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site()
    status, lines = check(capsys)
    assert status == 0
    assert lines == ["17 records, no errors"]


@pytest.mark.parametrize("written", ["2027-06", "2027", "'2027-06'", "2027-02-30"])
def test_an_embargo_takes_a_full_date_only(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], written: str
) -> None:
    make_site(
        {"cases/child-c.md": CASE.replace("harm: died", f"harm: died\nembargo_until: {written}")}
    )
    shown = written.strip("'")
    assert_errors(
        capsys,
        f"content/cases/child-c.md:6: field 'embargo_until': '{shown}' is not a real date to the "
        "day; write YYYY-MM-DD, day included, so that it is clear on which day it takes effect",
    )


def test_an_embargo_to_the_day_is_accepted(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site(
        {"cases/child-c.md": CASE.replace("harm: died", "harm: died\nembargo_until: 2027-06-01")}
    )
    assert check(capsys) == (0, ["17 records, no errors"])


@pytest.mark.parametrize(
    "blank",
    ["last_reviewed:", "age: ~", "content_note:", "aliases:",
     "reviews:\n  - kind: scr\n    status: pending\n    body:\n    published:\n    url:"],
)  # fmt: skip
def test_a_blank_optional_field_is_the_same_as_leaving_it_out(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], blank: str
) -> None:
    make_site({"cases/child-c.md": CASE.replace("harm: died", f"harm: died\n{blank}")})
    assert check(capsys) == (0, ["18 records, no errors"])


@pytest.mark.parametrize(
    ("field", "advice"),
    [("status", "give published, draft or withdrawn, or remove the line (published is the default)"),
     ("embargo_until", "give the day the record may be published (YYYY-MM-DD), or remove the line"),
     ("private", "give the notes under it, or remove the line")],
)  # fmt: skip
def test_a_blank_status_embargo_or_private_is_an_error(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], field: str, advice: str
) -> None:
    make_site({"cases/child-c.md": CASE.replace("harm: died", f"harm: died\n{field}:")})
    assert_errors(capsys, f"content/cases/child-c.md:6: field '{field}' is blank: {advice}")


def test_a_blank_required_field_is_still_refused(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site({"cases/child-c.md": CASE.replace("harm: died", "harm:")})
    assert_errors(capsys, "content/cases/child-c.md:5: field 'harm': nothing is not allowed; "
                  "expected one of died, seriously_harmed")  # fmt: skip


REVIEWED = CASE.replace("authority: northtown", "authority: southtown").replace(
    "harm: died", "harm: died\nreviews:\n  - kind: scr\n    status: published\n    body: {body}"
)
SOUTHTOWN_BOARD = (
    "name: Southtown LSCB\nkind: lscb\nauthorities: [southtown]\nsources: [report-a]\n"
)


def test_a_review_by_a_board_that_does_not_serve_the_cases_council_is_refused(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site({"cases/child-c.md": REVIEWED.format(body="northtown-scb")})
    assert_errors(
        capsys,
        "content/cases/child-c.md:9: 'reviews.body': body 'northtown-scb' does not list this "
        "case's authority 'southtown' in its 'authorities'; name the board that reviewed the "
        "case (to add its board, run: site-builder new body SLUG --authority southtown)",
    )


def test_a_wrong_board_gets_a_did_you_mean_only_among_boards_of_the_cases_council(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site({"cases/child-c.md": REVIEWED.format(body="northtown-scb"),
               "bodies/southtown-scb.yaml": SOUTHTOWN_BOARD})  # fmt: skip
    assert_errors(
        capsys,
        "content/cases/child-c.md:9: 'reviews.body': body 'northtown-scb' does not list this "
        "case's authority 'southtown' in its 'authorities'; name the board that reviewed the "
        "case (did you mean 'southtown-scb'?)",
    )


def test_an_unknown_board_never_gets_a_did_you_mean_to_another_councils_board(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site({"cases/child-c.md": REVIEWED.format(body="southtown-scb")})
    assert_errors(
        capsys,
        "content/cases/child-c.md:9: unknown body 'southtown-scb' in 'reviews.body'; if it is "
        "new, run: site-builder new body southtown-scb --authority southtown",
    )


def test_an_unknown_reference_with_no_close_match_suggests_making_the_record(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site({"cases/child-c.md": CASE.replace("[report-a]", "[report-a, ofsted-letter-2009]")})
    assert_errors(
        capsys,
        "content/cases/child-c.md:6: unknown source 'ofsted-letter-2009' in 'sources'; if it is "
        "new, run: site-builder new source ofsted-letter-2009",
    )


def test_a_did_you_mean_never_names_a_draft_for_a_published_record(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site({"sources/report-b.yaml": "title: B\nkind: news\npublished: '2020'\nstatus: draft\n",
               "cases/child-c.md": CASE.replace("[report-a]", "[report-a, report-bb]")})  # fmt: skip
    assert_errors(
        capsys,
        "content/cases/child-c.md:6: unknown source 'report-bb' in 'sources' (did you mean "
        "'report-a'?)",
    )


def test_a_record_that_fails_to_load_is_reported_once_not_in_every_file_linking_to_it(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    body = ("See [Northtown](/authorities/northtown/) and [its feed](/authorities/northtown/feed.xml)."
            "\n\nAnd [a case](/cases/child-z/).")  # fmt: skip
    make_site({"authorities/northtown.yaml": "name: [Northtown\n",
               "sources/report-a.md": "---\ntitle: x\nkind: nonsense\npublished: '2020'\n---\n",
               "cases/child-c.md": CASE.replace("Body text.", body + " [Report](/sources/report-a/)"),
               "cases/child-d.md": CASE.replace("authority: northtown", "authority: sowthtown")})  # fmt: skip
    assert_errors(  # and every stage's errors in one run: load, validate, link, bodies
        capsys,
        "content/authorities/northtown.yaml:1: invalid YAML: while parsing a flow sequence; "
        "did not find expected ',' or ']'",
        "content/cases/child-c.md:10: link '/cases/child-z/' points to no page of the site",
        "content/cases/child-d.md:4: unknown authority 'sowthtown' in 'authority' (did you mean "
        "'southtown'?)",
        "content/sources/report-a.md:3: field 'kind': 'nonsense' is not allowed; expected one of "
        "news, official_report, inspection_report, review_report, statistics, court_judgment, "
        "statement, dataset, other",
    )
