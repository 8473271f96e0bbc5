"""Every English council with children's services has a record, of the kind its ONS code
says; a council with nothing in the record says so, in a browser, with no figure that
reads as a finding; a council that ended names its end, its source and its successors."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser import chromium_page
from conftest import REPO, MakeSite
from helpers import MINIMAL, build, serving

from site_builder.vocabulary import AuthorityKind

AUTHORITIES = REPO / "content" / "authorities"
# The hex layout of England's councils, shipped with the generator for the home page's map.
LAYOUT = REPO / "site_builder" / "maps" / "england-upper-tier-authorities.hexjson"
# Councils created after the layout was drawn (2020-2023 reorganisations).
NEWER = {"E06000060", "E06000061", "E06000062", "E06000063", "E06000064", "E06000065", "E06000066"}


def front_matter(path: Path) -> dict[str, Any]:
    _, head, _ = path.read_text(encoding="utf-8").split("---\n", 2)
    fields: dict[str, Any] = yaml.safe_load(head)
    return fields


@pytest.fixture(scope="module")
def councils() -> dict[str, dict[str, Any]]:
    """The default content's authority records, keyed by slug."""
    return {path.stem: front_matter(path) for path in sorted(AUTHORITIES.glob("*.md"))}


def test_every_council_of_the_hex_layout_and_every_newer_one_has_a_record(
    councils: dict[str, dict[str, Any]],
) -> None:
    layout = set(json.loads(LAYOUT.read_text(encoding="utf-8"))["hexes"])
    assert len(layout) == 151
    codes = [fields["gss_code"] for fields in councils.values()]
    assert len(codes) == len(set(codes)), "two records share an ONS code"
    assert sorted((layout | NEWER) - set(codes)) == []
    assert len(councils) == 158


def test_every_councils_kind_agrees_with_its_ons_code(
    councils: dict[str, dict[str, Any]],
) -> None:
    disagreeing = {
        slug: (fields["gss_code"], fields["kind"])
        for slug, fields in councils.items()
        if (AuthorityKind.of_gss_code(fields["gss_code"]) or "none") != fields["kind"]
    }
    assert disagreeing == {}
    assert councils["city-of-london"]["kind"] == "london_borough"  # E09, though a corporation


def test_councils_that_ended_give_the_date_its_source_and_their_successors(
    councils: dict[str, dict[str, Any]],
) -> None:
    ended = {slug: fields for slug, fields in councils.items() if "ended" in fields}
    assert sorted(ended) == [
        "buckinghamshire-county-council", "cumbria", "north-yorkshire-county-council",
        "northamptonshire", "somerset-county-council",
    ]  # fmt: skip
    assert ended["cumbria"]["succeeded_by"] == ["cumberland", "westmorland-and-furness"]
    assert ended["northamptonshire"]["succeeded_by"] == [
        "north-northamptonshire",
        "west-northamptonshire",
    ]
    for slug, fields in ended.items():
        assert fields["ended_source"] in fields["sources"], slug
        assert all(s in councils and "ended" not in councils[s] for s in fields["succeeded_by"])


def test_a_council_that_ended_says_when_and_who_followed_on_both_pages(
    make_site: MakeSite, tmp_path: Path
) -> None:
    westshire = (MINIMAL / "authorities" / "westshire.yaml").read_text(encoding="utf-8")
    content = make_site({"authorities/westshire.yaml": westshire + "ended: '2021-04-01'\n"
                         "ended_source: report-a\nsucceeded_by: [eastborough]\n"})  # fmt: skip
    assert build(content, tmp_path / "out").status == 0
    ended = (tmp_path / "out/authorities/westshire/index.html").read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", ended).split()).replace(" ,", ",")
    assert "It ended on 1 April 2021, succeeded by Eastborough" in text
    assert 'href="../eastborough/"' in ended and 'href="../../sources/report-a/"' in ended
    later = (tmp_path / "out/authorities/eastborough/index.html").read_text(encoding="utf-8")
    assert "It took over from" in later and 'href="../westshire/"' in later


def test_compare_sets_out_only_councils_with_records_and_lists_the_rest(tmp_path: Path) -> None:
    assert build(MINIMAL, tmp_path / "out").status == 0
    page = (tmp_path / "out/compare/index.html").read_text(encoding="utf-8")
    headers = re.findall(r'<th scope="col"><a href="[^"]+">([^<]+)</a></th>', page)
    assert "Northtown Metropolitan Borough Council" in headers
    assert "Westshire County Council" not in headers
    assert "Southtown" not in " ".join(headers)
    nothing_yet = page[page.index("Nothing in our record yet") :]
    assert "Westshire County Council" in nothing_yet


def test_a_council_joins_its_peers_table_once_it_has_a_record(
    make_site: MakeSite, tmp_path: Path
) -> None:
    case = "---\ntitle: Child S\nname_status: pseudonym\nauthority: southtown\nharm: died\n"
    content = make_site({"cases/child-s.md": case + "sources: [report-a]\n---\nA case.\n"})
    assert build(content, tmp_path / "out").status == 0
    northtown = (tmp_path / "out/authorities/northtown/index.html").read_text(encoding="utf-8")
    table = northtown.split('<table class="councils peers">')[1].split("</table>")[0]
    assert "Southtown Metropolitan Borough Council" in table


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The minimal fixture built and served on loopback."""
    output = tmp_path_factory.mktemp("councils") / "site"
    assert build(MINIMAL, output).status == 0
    with serving(output) as address:
        yield address


def test_in_a_browser_an_empty_council_says_so_and_shows_no_figures(served: str) -> None:
    with chromium_page(java_script_enabled=False) as page:
        page.goto(served + "authorities/westshire/")
        scorecard = page.locator("section[aria-labelledby='scorecard-heading']")
        words = scorecard.inner_text()
        assert "Nothing in our record yet." in words
        assert not re.search(r"[0-9]", words), words  # no count, not even a 0
        assert page.locator("table.scorecard").count() == 0
        assert page.locator("svg").count() == 0  # no empty chart
        assert page.locator("#evidence-heading").count() == 0
        peers = page.locator("section[aria-labelledby='peers-heading']").inner_text()
        assert "0" not in peers.replace("Compare", "")
        help_link = scorecard.get_by_role("link", name="send us where to find it")
        assert help_link.get_attribute("href", timeout=2000) == page.locator(
            "p.report a"
        ).first.get_attribute("href")
        # A council with records keeps its scorecard: the test can tell the two apart.
        page.goto(served + "authorities/northtown/")
        assert page.locator("table.scorecard").count() == 1
        assert "Nothing in our record yet" not in page.locator("main").inner_text()
