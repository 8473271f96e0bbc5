"""The home page at national scale: find your council, the hex map of every council, and one
councils table per kind that says so where nothing is in the record; under 150 KB of HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import MINIMAL, MakeSite
from helpers import build, record_text
from home_corpus import UNPLACED, write_national_corpus

HOME_BUDGET = 150_000  # bytes of HTML, with every English council
LAYOUT_CELLS = 151


@pytest.fixture(scope="module")
def fixture_home(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("home") / "site"
    assert build(MINIMAL, out).status == 0
    return (out / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, str, str]]]:
    """A generated record of 161 councils, built: (output folder, councils)."""
    root = tmp_path_factory.mktemp("national")
    councils = write_national_corpus(root / "content")
    assert build(root / "content", root / "site").status == 0
    return root / "site", councils


def svg_of(html: str) -> str:
    return html.split('<svg xmlns="http://www.w3.org/2000/svg" viewBox=', 1)[1].split("</svg>")[0]


def linked_hexagons(html: str) -> dict[str, str]:
    """Each hexagon link of the map: href -> its title."""
    return dict(re.findall(r'<a href="([^"]+)"><title>([^<]+)</title><use', svg_of(html)))


def unplaced_links(html: str) -> list[str]:
    block = html.split('<ul class="unplaced">')[1].split("</ul>")[0]
    return re.findall(r'<li><a href="([^"]+)">', block)


# --- the map ---------------------------------------------------------------------------------


def test_the_home_page_opens_with_the_picker_then_the_map_then_what_the_site_is(
    fixture_home: str,
) -> None:
    main = fixture_home.split('<main id="main"')[1]
    picker, svg = main.index('<form class="find-council"'), main.index("<svg")
    assert picker < svg < main.index('<p class="lede">') < main.index('id="councils-heading"')
    assert svg_of(fixture_home).count('<use href="#hexagon"') == LAYOUT_CELLS


def test_each_hexagon_of_a_council_in_the_record_links_to_it_with_its_latest_grade(
    fixture_home: str,
) -> None:
    assert linked_hexagons(fixture_home) == {
        "authorities/northtown/":
            "Northtown Metropolitan Borough Council: Requires improvement, 15 June 2021",
        "authorities/southtown/":
            "Southtown Metropolitan Borough Council: no graded inspection in our record",
    }  # fmt: skip
    svg = svg_of(fixture_home)
    assert re.search(r'<a href="authorities/northtown/"><title>[^<]+</title><use href="#hexagon" '
                     r'class="shade-requires-improvement"', svg)  # fmt: skip
    # A hexagon whose code no council in the record has: grey, a title, no link.
    assert re.search(r'<g><title>Cornwall: not in our record yet</title><use href="#hexagon" '
                     r'class="shade-absent"', svg)  # fmt: skip


def test_every_council_the_layout_lacks_is_listed_beside_the_map(fixture_home: str) -> None:
    assert unplaced_links(fixture_home) == ["authorities/eastborough/", "authorities/westshire/"]
    assert 'Westshire County Council</a>: <span class="meta">no graded inspection' in fixture_home


def test_two_councils_with_one_code_are_both_shown(make_site: MakeSite, tmp_path: Path) -> None:
    """A council is never dropped: the second record with a code that has a hexagon is listed."""
    content = make_site({"authorities/southtown-2.yaml": record_text({
        "name": "Southtown Borough Council", "kind": "metropolitan_district",
        "region": "North West", "gss_code": "E08000002", "sources": ["report-a"]})})  # fmt: skip
    assert build(content, tmp_path / "site").status == 0
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    # The first in name order takes the hexagon; the other is listed beside the map.
    assert "authorities/southtown-2/" in linked_hexagons(home)
    assert "authorities/southtown/" in unplaced_links(home)


def test_the_layout_is_credited_beside_the_map_with_its_licence_text(fixture_home: str) -> None:
    notes = fixture_home.split('<div class="map-notes">')[1].split("</section>")[0]
    assert "Copyright (c) 2017- Open Innovations" in notes
    assert "Permission is hereby granted, free of charge" in notes  # the licence text
    assert 'href="https://github.com/odileeds/hexmaps"' in notes


# --- find your council -----------------------------------------------------------------------


def test_the_picker_offers_every_council_and_leads_to_the_a_to_z_list_without_javascript(
    fixture_home: str,
) -> None:
    form = fixture_home.split('<form class="find-council"')[1].split("</form>")[0]
    assert form.startswith(' action="authorities/" method="get" role="search"')
    options = re.findall(r'<option value="([^"]+)" data-href="([^"]+)">', form)
    assert options == [
        ("Eastborough Borough Council", "authorities/eastborough/"),
        ("Northtown Metropolitan Borough Council", "authorities/northtown/"),
        ("Southtown Metropolitan Borough Council", "authorities/southtown/"),
        ("Westshire County Council", "authorities/westshire/"),
    ]


# --- the councils tables ---------------------------------------------------------------------


def rows_of(html: str, kind: str) -> list[list[str]]:
    """The body rows of one kind's table, each as its cells' text."""
    table = html.split(f'id="councils-{kind}"')[1].split("</tbody>")[0].split("<tbody>")[1]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)
    cells = (re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in row] for row in cells]


def test_one_table_per_kind_in_name_order_and_the_caption_says_so(fixture_home: str) -> None:
    for heading in ("Metropolitan districts", "Unitary authorities", "County councils"):
        assert f">{heading}</h3>" in fixture_home
    assert fixture_home.count("<tbody>") == 3  # one copy of each table, not one per column
    names = [row[0] for row in rows_of(fixture_home, "metropolitan-district")]
    assert names == ["Northtown Metropolitan Borough Council",
                     "Southtown Metropolitan Borough Council"]  # fmt: skip
    headings = re.findall(r'<th scope="col"[^>]*aria-sort="(\w+)"[^>]*>([^<]+)</th>', fixture_home)
    assert set(headings) == {("ascending", "Council")}
    assert '<span class="sort-note">Sorted by council: A to Z</span>' in fixture_home


def test_a_council_with_nothing_in_the_record_shows_no_zeros(fixture_home: str) -> None:
    southtown = rows_of(fixture_home, "metropolitan-district")[1]
    assert southtown[1:] == ["Nothing in our record yet"] + ["—"] * 6
    # A council with a record, if none of these kinds, shows its counts as counts.
    assert rows_of(fixture_home, "unitary")[0][1:] == ["None", "0", "0", "0", "1", "0", "0"]
    assert "A dash marks a council that nothing in our record is about yet" in fixture_home


# --- at national scale -----------------------------------------------------------------------


def test_with_every_council_the_home_page_stays_under_150_kb(
    national: tuple[Path, list[tuple[str, str, str]]],
) -> None:
    site, councils = national
    assert len(councils) >= 160
    home = (site / "index.html").read_bytes()
    assert len(home) <= HOME_BUDGET, f"home page is {len(home):,} bytes"
    html = home.decode("utf-8")
    assert len(linked_hexagons(html)) == LAYOUT_CELLS  # every hexagon is a council of the record
    assert len(unplaced_links(html)) == UNPLACED
    shown = re.findall(r'<th scope="row"><a href="authorities/([^/]+)/">', html)
    assert sorted(shown) == sorted(slug for slug, _, _ in councils)  # each once, in one table


def test_the_map_of_the_national_corpus_shows_each_grade_in_its_colour(
    national: tuple[Path, list[tuple[str, str, str]]],
) -> None:
    site, _ = national
    classes = set(re.findall(r'class="shade-([a-z-]+)"', svg_of((site / "index.html").read_text())))
    assert classes == {"outstanding", "good", "requires-improvement", "inadequate", "none"}
