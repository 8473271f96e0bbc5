"""The scorecard's figures as one list: each with its key, its words and the records it counts.

The council page, the evidence lists, scorecards.json and scorecards.csv all read this list, so
a figure is worded, linked and qualified the same way everywhere it appears.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from site_builder import models as m
from site_builder.score import GradeTally, Scorecard, Tally


@dataclass(frozen=True)
class Figure:
    """One scorecard figure: `key` names it in the data files and in the page's anchors."""

    key: str
    label: str
    tally: Tally
    level: int = 0  # 1 for a breakdown of the figure above it

    @property
    def anchor(self) -> str:
        return figure_anchor(self.key)

    @property
    def words(self) -> str:
        """'4', 'at least 1' or 'not known'."""
        return value_words(self.tally)

    @property
    def records(self) -> tuple[m.Record, ...]:
        return self.tally.records


def figure_anchor(key: str) -> str:
    """The id of a figure's list of records on the council's page: 'figure-cases-died'."""
    return "figure-" + key.replace("_", "-")


def value_words(tally: Tally) -> str:
    """A figure as page copy: exact, a lower bound, or not known."""
    if tally.is_exact:
        return f"{tally.at_least:,}"
    return f"at least {tally.at_least:,}" if tally.at_least else "not known"


def range_key(grade: m.Grade) -> str:
    """The key of judgements known only to be this grade or better: 'adequate_or_better';
    'grade_not_given' where nothing is known of it (inadequate or better)."""
    return "grade_not_given" if grade is m.Grade.INADEQUATE else f"{grade.value}_or_better"


def range_label(grade: m.Grade) -> str:
    """'Adequate or better', or 'Grade not given'."""
    return "Grade not given" if grade is m.Grade.INADEQUATE else f"{grade.label} or better"


def _grade_figures(
    prefix: str, tallies: GradeTally, own: tuple[m.Grade, ...] = ()
) -> Iterator[Figure]:
    """A figure per grade given, and per grade range; `own` grades have a figure of their own."""
    for grade, found in tallies.by_grade:
        if grade not in own:
            yield Figure(f"{prefix}_{grade.value}", grade.label, found, 1)
    for grade, found in tallies.by_range:
        yield Figure(f"{prefix}_{range_key(grade)}", range_label(grade), found, 1)


def scorecard_figures(card: Scorecard) -> tuple[Figure, ...]:
    """Every counted figure of a scorecard, in the order the council page shows them."""
    return (
        Figure("inspections_total", "Inspection judgements in our record", card.inspections.total),
        *_grade_figures("inspections", card.inspections),
        Figure("scr_evaluations_total", "Serious case reviews evaluated, in our record",
               card.scr_evaluations.total),
        Figure("scr_evaluations_inadequate", "Evaluations that judged a review inadequate",
               card.scr_evaluations.inadequate, 1),
        *_grade_figures("scr_evaluations", card.scr_evaluations, own=(m.Grade.INADEQUATE,)),
        Figure("cases_died", "Children who died: cases in our record", card.cases_died),
        Figure("cases_seriously_harmed", "Children seriously harmed: cases in our record",
               card.cases_seriously_harmed),
        Figure("cases_services_involved",
               "Of these cases, those a source says the council’s services were involved in",
               card.cases_services_involved, 1),
        Figure("reviews_total", "Reviews of these cases", card.reviews_total),
        Figure("reviews_pending", "Reviews pending", card.reviews_pending, 1),
        Figure("reviews_rerun_ordered", "Reviews ordered to be re-run", card.reviews_rerun_ordered),
        Figure("interventions_total", "Government interventions", card.interventions_tally),
    )  # fmt: skip


FigureGetter = Callable[[Scorecard], Tally]
# The figures the councils tables show as columns, by the key of their column.
COLUMN_FIGURES: dict[str, FigureGetter] = {
    "scr_evaluated": lambda card: card.scr_evaluations.total,
    "scr_inadequate": lambda card: card.scr_evaluations.inadequate,
    "died": lambda card: card.cases_died,
    "seriously_harmed": lambda card: card.cases_seriously_harmed,
    "reviews_pending": lambda card: card.reviews_pending,
    "interventions": lambda card: card.interventions_tally,
}


# The figures the compare page sets side by side, in order: every council has each of them.
COMPARE_KEYS = (
    "scr_evaluations_total", "scr_evaluations_inadequate", "cases_died", "cases_seriously_harmed",
    "cases_services_involved", "reviews_total", "reviews_pending", "reviews_rerun_ordered",
    "interventions_total",
)  # fmt: skip


@dataclass(frozen=True)
class CompareRow:
    """One figure across councils: its label, and each council with its figure."""

    label: str
    cells: tuple[tuple[m.Authority, Figure], ...]


def compare_rows(cards: tuple[tuple[m.Authority, Scorecard], ...]) -> tuple[CompareRow, ...]:
    """The figures of COMPARE_KEYS for councils side by side, a row per figure."""
    found = [(a, {f.key: f for f in scorecard_figures(card)}) for a, card in cards]
    return tuple(
        CompareRow(found[0][1][key].label, tuple((a, figures[key]) for a, figures in found))
        for key in COMPARE_KEYS
        if found
    )
