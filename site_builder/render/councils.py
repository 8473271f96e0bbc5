"""Tables of councils of one kind: a row per council, pre-sorted by each indicator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from site_builder import models as m
from site_builder.render.figures import COLUMN_FIGURES, value_words
from site_builder.score import Scorecard, Tally

SortKey = Callable[["CouncilRow"], tuple[object, ...]]


@dataclass(frozen=True)
class CouncilRow:
    """One council and its scorecard."""

    authority: m.Authority
    card: Scorecard

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns a row fills, in order (shared with the sortable tables)."""
        return COLUMNS

    @property
    def counts(self) -> tuple[str, ...]:
        """The counted columns as page copy, in order: '3', 'at least 1'."""
        return tuple(value_words(get(self.card)) for get in COLUMN_FIGURES.values())


@dataclass(frozen=True)
class Column:
    """A column of the councils table and the order it sorts in."""

    key: str
    heading: str
    order: str  # how the sorted copy reads, e.g. "most first"
    aria_sort: str = "descending"


COLUMNS = (
    Column("name", "Council", "A to Z", "ascending"),
    Column("latest_inspection", "Latest graded inspection", "lowest grade first", "ascending"),
    Column("scr_evaluated", "SCRs evaluated", "most first"),
    Column("scr_inadequate", "SCRs inadequate", "most first"),
    Column("died", "Children who died", "most first"),
    Column("seriously_harmed", "Children seriously harmed", "most first"),
    Column("reviews_pending", "Reviews pending", "most first"),
    Column("interventions", "Interventions", "most first"),
)


def _by_name(row: CouncilRow) -> tuple[object, ...]:
    return (row.authority.name, row.authority.slug)


def _most(value: Callable[[Scorecard], Tally]) -> SortKey:
    """Most first; a lower bound sorts after the exact figure it equals."""
    return lambda row: (-value(row.card).at_least, not value(row.card).is_exact, *_by_name(row))


def _lowest_grade_first(row: CouncilRow) -> tuple[object, ...]:
    latest = row.card.latest_inspection
    ranks = latest.rank_range if latest else None
    return (ranks is None, ranks or (0, 0), *_by_name(row))


SORT_KEYS: dict[str, SortKey] = {
    "name": _by_name,
    "latest_inspection": _lowest_grade_first,
    **{key: _most(get) for key, get in COLUMN_FIGURES.items()},
}


@dataclass(frozen=True)
class SortedView:
    """The rows of one kind of council in one column's order, at its own fragment id."""

    view_id: str
    column: Column
    rows: tuple[CouncilRow, ...]

    @property
    def is_default(self) -> bool:
        return self.column.key == "name"


@dataclass(frozen=True)
class CouncilTable:
    """Every council of one kind, in name order and in each indicator's order."""

    kind: str
    heading: str
    views: tuple[SortedView, ...]

    @property
    def columns(self) -> tuple[Column, ...]:
        return COLUMNS

    @property
    def default(self) -> SortedView:
        return next(v for v in self.views if v.is_default)

    @property
    def sorted_views(self) -> tuple[SortedView, ...]:
        return tuple(v for v in self.views if not v.is_default)

    def view_id(self, column: Column) -> str:
        """The fragment id of the copy sorted by a column."""
        return f"{self.kind.replace('_', '-')}-by-{column.key.replace('_', '-')}"


def council_table(kind: str, heading: str, rows: list[CouncilRow]) -> CouncilTable:
    """The councils of one kind, with a pre-sorted copy of the rows for every column."""
    table = CouncilTable(kind, heading, ())
    views = tuple(
        SortedView(table.view_id(column), column, tuple(sorted(rows, key=SORT_KEYS[column.key])))
        for column in COLUMNS
    )
    return CouncilTable(kind, heading, views)


def peer_rows(
    authority: m.Authority, scorecards: dict[str, Scorecard], authorities: dict[str, m.Authority]
) -> tuple[CouncilRow, ...]:
    """The council first, then those of its peers of the same kind that have something in
    the record, in name order: a council with nothing yet has no figures to set beside."""
    card = scorecards[authority.slug]
    peers = sorted(
        (authorities[slug] for slug in card.peers if scorecards[slug].has_records),
        key=lambda a: (a.name, a.slug),
    )
    return (
        CouncilRow(authority, card),
        *(CouncilRow(peer, scorecards[peer.slug]) for peer in peers),
    )
