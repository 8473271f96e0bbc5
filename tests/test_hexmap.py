"""The map's layout: read from the package, drawn north up in odd-r rows, coloured by grade."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest
from conftest import REPO

from site_builder import models as m
from site_builder import vocabulary as v
from site_builder.render.hexmap import Cell, hex_map, load_layout, standing
from site_builder.score import Scorecard, count_grades, tally


def test_the_layout_and_its_licence_ship_with_the_package() -> None:
    folder = resources.files("site_builder.maps")
    assert folder.joinpath("england-upper-tier-authorities.LICENSE").is_file()
    assert folder.joinpath("README.md").is_file()  # origin, commit and licence
    cells, licence = load_layout()
    assert len(cells) == 151 and len({cell.gss_code for cell in cells}) == 151
    assert licence.splitlines()[0] == "MIT License"
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "maps/*" in pyproject["tool"]["setuptools"]["package-data"]["site_builder"]


def test_the_layout_is_drawn_north_up_with_odd_rows_half_a_hexagon_right() -> None:
    cells = (Cell("E1", "South", 0, 0), Cell("E2", "Middle", 0, 1), Cell("E3", "North", 1, 2))
    drawn = {h.title.split(":")[0]: h for h in hex_map((), {}, (cells, "Copyright x")).hexagons}
    assert drawn["North"].y < drawn["Middle"].y < drawn["South"].y
    assert drawn["Middle"].x - drawn["South"].x == 26  # half of the 52 between columns
    assert drawn["North"].x - drawn["South"].x == 52
    # and the real layout: Northumberland above Cornwall, Norfolk east of Cornwall
    real = {h.title.split(":")[0]: h for h in hex_map((), {}).hexagons}
    assert real["Northumberland"].y < real["Cornwall"].y
    assert real["Norfolk"].x > real["Cornwall"].x


def card_with(latest: m.Inspection | None) -> Scorecard:
    nothing = tally(())
    return Scorecard("x", count_grades(()), count_grades(()), latest, None, nothing, nothing,
                     nothing, nothing, nothing, nothing, None, (), (), (), (), latest is not None)  # fmt: skip


def inspection(**fields: object) -> m.Inspection:
    return m.Inspection(collection="inspections", slug="i", path=REPO, source_path="i.yaml",
                        title="An inspection", authority="x", judged_by="Ofsted",
                        kind=v.InspectionKind.INSPECTION, date=m.PartialDate(2023, 6, 1),
                        **fields)  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "shade", "words"),
    [
        ({"grade": m.Grade.OUTSTANDING}, "outstanding", "Outstanding, 1 June 2023"),
        ({"grade": m.Grade.GOOD}, "good", "Good, 1 June 2023"),
        ({"grade": m.Grade.ADEQUATE}, "requires-improvement", "Adequate, 1 June 2023"),
        ({"grade": m.Grade.REQUIRES_IMPROVEMENT}, "requires-improvement",
         "Requires improvement, 1 June 2023"),
        ({"grade": m.Grade.INADEQUATE}, "inadequate", "Inadequate, 1 June 2023"),
        ({"grade_at_least": m.Grade.ADEQUATE, "count": None}, "range",
         "adequate or better, 1 June 2023"),
    ],
)  # fmt: skip
def test_a_hexagon_is_coloured_by_the_latest_graded_inspection(
    fields: dict[str, object], shade: str, words: str
) -> None:
    found = standing(card_with(inspection(**fields)))
    assert (found.shade.key, found.words) == (shade, words)


def test_a_council_with_no_graded_inspection_is_grey() -> None:
    found = standing(card_with(None))
    assert (found.shade.key, found.words) == ("none", "no graded inspection in our record")
