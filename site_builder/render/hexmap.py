"""The home page's hex map: a hexagon per council from the HexJSON layout in maps/, coloured
by the council's latest graded inspection in the record, with every council the layout lacks
listed beside it."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

from site_builder import models as m
from site_builder.score import Scorecard

LAYOUT = "england-upper-tier-authorities.hexjson"
LICENCE = "england-upper-tier-authorities.LICENSE"
LAYOUT_ORIGIN = "https://github.com/odileeds/hexmaps"

# Pointy-topped hexagons on a grid of whole numbers: cells 52 apart in a row, rows 45 apart,
# each cell 60 high (width to height 0.867, near enough the 0.866 of a regular hexagon). Each
# is drawn nine tenths of its cell's size around the centre, so a gap shows between them and a
# focused hexagon's outline is not hidden under its neighbours.
HALF_WIDTH, HALF_HEIGHT, ROW_STEP, MARGIN = 26, 30, 45, 3
HEXAGON_PATH = "M0-27L23.4-13.5V13.5L0 27-23.4 13.5V-13.5Z"


@dataclass(frozen=True)
class Shade:
    """What a hexagon's colour says: its key (the CSS class `shade-<key>`) and its words."""

    key: str
    words: str


SHADES = (
    Shade("outstanding", "Outstanding"),
    Shade("good", "Good"),
    Shade("requires-improvement", "Requires improvement or adequate"),
    Shade("inadequate", "Inadequate"),
    Shade("range", "Grade known only as a range"),
    Shade("none", "No graded inspection in our record"),
    Shade("absent", "Not in our record yet"),
)
_SHADE = {shade.key: shade for shade in SHADES}
_ALWAYS_IN_LEGEND = ("outstanding", "good", "requires-improvement", "inadequate", "none")
_GRADE_SHADES = {
    m.Grade.OUTSTANDING: "outstanding",
    m.Grade.GOOD: "good",
    m.Grade.ADEQUATE: "requires-improvement",
    m.Grade.REQUIRES_IMPROVEMENT: "requires-improvement",
    m.Grade.INADEQUATE: "inadequate",
}


@dataclass(frozen=True)
class Cell:
    """A hexagon of the layout: the GSS code it stands for, its label, column and row."""

    gss_code: str
    label: str
    q: int
    r: int


@dataclass(frozen=True)
class Standing:
    """A council's latest graded inspection as the map shows it."""

    shade: Shade
    words: str  # 'Good, June 2023' or 'no graded inspection in our record'


@dataclass(frozen=True)
class Hexagon:
    """One hexagon as drawn: its centre, its colour, its title, and the council it links to
    (None where no council in the record has its code)."""

    x: int
    y: int
    shade: Shade
    title: str
    authority: m.Authority | None


@dataclass(frozen=True)
class HexMap:
    width: int
    height: int
    hexagons: tuple[Hexagon, ...]  # top row first, west to east: the order of the Tab key
    legend: tuple[Shade, ...]
    unplaced: tuple[tuple[m.Authority, Standing], ...]  # councils the layout has no hexagon for
    licence: str  # the layout's licence text, which travels with the map

    @property
    def hexagon_path(self) -> str:
        """The outline every hexagon shares, around its centre."""
        return HEXAGON_PATH

    @property
    def copyright(self) -> str:
        """The copyright line of the layout's licence."""
        return next(line for line in self.licence.splitlines() if line.startswith("Copyright"))


@functools.cache
def load_layout() -> tuple[tuple[Cell, ...], str]:
    """The layout's hexagons, in the file's order, and its licence text."""
    folder = resources.files("site_builder.maps")
    layout = json.loads(folder.joinpath(LAYOUT).read_text("utf-8"))
    if layout.get("layout") != "odd-r":
        raise ValueError(f"{LAYOUT}: expected the odd-r layout, not {layout.get('layout')!r}")
    cells = tuple(
        Cell(code, str(hexagon.get("n") or hexagon.get("name") or code), hexagon["q"], hexagon["r"])
        for code, hexagon in layout["hexes"].items()
    )
    return cells, folder.joinpath(LICENCE).read_text("utf-8")


def standing(card: Scorecard) -> Standing:
    """The colour and words of a council's latest graded inspection."""
    latest = card.latest_inspection
    if latest is None or latest.rank_range is None:
        return Standing(_SHADE["none"], _SHADE["none"].words.lower())
    when = latest.date.display()
    low, high = latest.rank_range
    if low != high:
        return Standing(_SHADE["range"], f"{latest.grade_words.lower()}, {when}")
    return Standing(_SHADE[_GRADE_SHADES[latest.overall_grade]], f"{latest.grade_words}, {when}")


def hex_map(
    authorities: tuple[m.Authority, ...],
    scorecards: dict[str, Scorecard],
    layout: tuple[tuple[Cell, ...], str] | None = None,
) -> HexMap:
    """The map of these councils (name order): each cell of the layout coloured and linked,
    and each council that no cell takes listed as unplaced."""
    cells, licence = layout or load_layout()
    by_code: dict[str, m.Authority] = {}
    unplaced: list[m.Authority] = []
    codes = {cell.gss_code for cell in cells}
    for authority in authorities:
        if authority.gss_code in codes and authority.gss_code not in by_code:
            by_code[authority.gss_code] = authority
        else:  # no hexagon for it, or another council already has its code: listed, not dropped
            unplaced.append(authority)
    top = max((cell.r for cell in cells), default=0)
    hexagons = tuple(
        _hexagon(cell, top, by_code.get(cell.gss_code), scorecards)
        for cell in sorted(cells, key=lambda c: (-c.r, c.q, c.gss_code))
    )
    used = {h.shade.key for h in hexagons} | {
        standing(scorecards[a.slug]).shade.key for a in unplaced
    }
    width = max((h.x for h in hexagons), default=0) + HALF_WIDTH + MARGIN
    height = max((h.y for h in hexagons), default=0) + HALF_HEIGHT + MARGIN
    return HexMap(
        width,
        height,
        hexagons,
        tuple(s for s in SHADES if s.key in _ALWAYS_IN_LEGEND or s.key in used),
        tuple((a, standing(scorecards[a.slug])) for a in unplaced),
        licence,
    )


def _hexagon(
    cell: Cell, top: int, authority: m.Authority | None, scorecards: dict[str, Scorecard]
) -> Hexagon:
    """A cell drawn: rows count upward in HexJSON, so the top row is drawn first; odd rows
    sit half a hexagon to the right ("odd-r")."""
    x = MARGIN + HALF_WIDTH + cell.q * 2 * HALF_WIDTH + (HALF_WIDTH if cell.r % 2 else 0)
    y = MARGIN + HALF_HEIGHT + (top - cell.r) * ROW_STEP
    if authority is None:
        absent = _SHADE["absent"]
        return Hexagon(x, y, absent, f"{cell.label}: {absent.words.lower()}", None)
    found = standing(scorecards[authority.slug])
    return Hexagon(x, y, found.shade, f"{authority.name}: {found.words}", authority)
