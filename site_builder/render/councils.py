"""Tables of councils of one kind: a row per council in name order, which the page's script
sorts by any column; and the council picker's list of every council."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder import models as m
from site_builder.render.figures import COLUMN_FIGURES, value_words
from site_builder.score import Scorecard

NOTHING_YET = "Nothing in our record yet"


@dataclass(frozen=True)
class Column:
    """A column of the councils table: the order its first choice sorts in, and the words of
    each order (the caption says which is shown)."""

    key: str
    heading: str
    first_order: str  # 'ascending' or 'descending', as aria-sort says it
    first_words: str  # 'most first'
    reversed_words: str  # 'fewest first'

    @property
    def caption_name(self) -> str:
        """The heading as the caption says it: 'sorted by children who died', 'by SCRs ...'."""
        return self.heading if self.heading[:2].isupper() else self.heading.lower()


COLUMNS = (
    Column("name", "Council", "ascending", "A to Z", "Z to A"),
    Column("latest_inspection", "Latest graded inspection", "ascending",
           "lowest grade first", "highest grade first"),
    Column("scr_evaluated", "SCRs evaluated", "descending", "most first", "fewest first"),
    Column("scr_inadequate", "SCRs inadequate", "descending", "most first", "fewest first"),
    Column("died", "Children who died", "descending", "most first", "fewest first"),
    Column("seriously_harmed", "Children seriously harmed", "descending", "most first",
           "fewest first"),
    Column("reviews_pending", "Reviews pending", "descending", "most first", "fewest first"),
    Column("interventions", "Interventions", "descending", "most first", "fewest first"),
)  # fmt: skip


@dataclass(frozen=True)
class CouncilRow:
    """One council and its scorecard. A council with nothing in the record yet has a row
    that says so instead of showing zeros (`card.has_records`)."""

    authority: m.Authority
    card: Scorecard

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns a row fills, in order (shared with the peers table)."""
        return COLUMNS

    @property
    def counts(self) -> tuple[str, ...]:
        """The counted columns as page copy, in order: '3', 'at least 1'."""
        return tuple(value_words(get(self.card)) for get in COLUMN_FIGURES.values())

    @property
    def grade_sort_key(self) -> str:
        """How the script orders the latest grade: the lowest and highest rank it could be
        ('2.2' for requires improvement, '2.4' for adequate or better), '' for none."""
        latest = self.card.latest_inspection
        ranks = latest.rank_range if latest else None
        return f"{ranks[0]}.{ranks[1]}" if ranks else ""


@dataclass(frozen=True)
class CouncilTable:
    """Every council of one kind, in name order."""

    kind: str
    heading: str
    rows: tuple[CouncilRow, ...]

    @property
    def columns(self) -> tuple[Column, ...]:
        return COLUMNS

    @property
    def table_id(self) -> str:
        return f"councils-{self.kind.replace('_', '-')}"


def council_table(
    kind: str, heading: str, rows: tuple[tuple[m.Authority, Scorecard], ...]
) -> CouncilTable:
    """The councils of one kind in name order."""
    ordered = sorted(rows, key=lambda row: (row[0].name, row[0].slug))
    return CouncilTable(kind, heading, tuple(CouncilRow(a, card) for a, card in ordered))


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
