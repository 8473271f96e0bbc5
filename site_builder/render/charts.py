"""The geometry of the inline SVG charts: Python computes, the template only draws."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder import models as m
from site_builder.render.figures import range_key, range_label, value_words
from site_builder.score import GradeTally, Scorecard, Tally

WIDTH = 360  # viewBox units; about one unit per CSS pixel on a 360 px phone
LABEL_WIDTH = 182  # room for "Requires improvement" at 15 px
BAR_START = 188
BAR_SPACE = 132  # the longest bar; leaves room for its count after it
BAR_SPACE_OPEN = 84  # the longest bar where a count reads "at least 12"
ROW_HEIGHT = 24
BAR_HEIGHT = 14
HEADING_HEIGHT = 28
GROUPS = (
    ("inspections", "Inspection judgements", "Inspections"),
    ("scr_evaluations", "Serious case review evaluations", "SCR evaluations"),
)


@dataclass(frozen=True)
class Bar:
    """One grade's bar (or a range's, such as adequate or better): where it is drawn, its
    label and its count, which is a lower bound where the record leaves the number open."""

    key: str  # the grade's value, or a range's key such as adequate_or_better
    grade: m.Grade  # the grade, or a range's lowest grade (for the bar's colour)
    label: str
    count: int
    words: str  # the count as page copy: '3', 'at least 1'
    y: int
    width: int

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 3

    @property
    def count_x(self) -> int:
        return BAR_START + self.width + 6


@dataclass(frozen=True)
class BarGroup:
    """A heading and its bars, e.g. the serious case review evaluations by grade."""

    key: str
    heading: str
    short_heading: str  # for the narrow text-alternative table
    heading_y: int
    bars: tuple[Bar, ...]

    total: str = ""  # the group's total as page copy

    @property
    def svg_heading(self) -> str:
        """'Inspection judgements (7)'; the short heading where the total is a lower bound,
        so that 'at least' fits the chart's width."""
        heading = self.short_heading if self.total.startswith("at least") else self.heading
        return f"{heading} ({self.total})"


@dataclass(frozen=True)
class GradeChart:
    """Judgements on one council by grade, as horizontal bars, with its words for readers."""

    chart_id: str
    title: str
    description: str
    width: int
    height: int
    groups: tuple[BarGroup, ...]
    rows: tuple[tuple[str, str], ...]  # each bar's key and label, in order
    label_x: int = LABEL_WIDTH - 4
    bar_x: int = BAR_START
    bar_height: int = BAR_HEIGHT

    @property
    def is_empty(self) -> bool:
        return not self.rows

    def words(self, group_key: str, row_key: str) -> str:
        """A group's count for one row, as page copy (for the text alternative)."""
        group = next(g for g in self.groups if g.key == group_key)
        return next((bar.words for bar in group.bars if bar.key == row_key), "0")


def grade_chart(name: str, card: Scorecard) -> GradeChart:
    """Bars for the inspection judgements and the SCR evaluations of one council, by grade;
    a grade known only as a range gets a bar of its own, its count marked as a lower bound."""
    tallies = {"inspections": card.inspections, "scr_evaluations": card.scr_evaluations}
    counts = {key: _rows(t) for key, t in tallies.items()}
    rows = tuple(dict.fromkeys(row for found in counts.values() for row in found))
    rows = tuple(sorted(rows, key=_row_order))
    largest = max((t.at_least for found in counts.values() for t in found.values()), default=0)
    is_open = any(not t.is_exact for found in counts.values() for t in found.values())
    space = BAR_SPACE_OPEN if is_open else BAR_SPACE  # room for "at least 12" after a bar
    groups = []
    y = 0
    for key, heading, short_heading in GROUPS:
        heading_y = y + HEADING_HEIGHT - 10
        y += HEADING_HEIGHT
        bars = []
        for row_key, grade, label in rows:
            found = counts[key].get((row_key, grade, label), Tally(0))
            width = round(space * found.at_least / largest) if largest else 0
            bar_y = y + (ROW_HEIGHT - BAR_HEIGHT) // 2
            bars.append(
                Bar(row_key, grade, label, found.at_least, value_words(found), bar_y, width)
            )
            y += ROW_HEIGHT
        total = value_words(tallies[key].total)
        groups.append(BarGroup(key, heading, short_heading, heading_y, tuple(bars), total))
    return GradeChart(
        chart_id=f"chart-{card.authority}",
        title=f"Judgements on {name} by grade",
        description=_describe(groups),
        width=WIDTH,
        height=y + 4,
        groups=tuple(groups),
        rows=tuple((row_key, label) for row_key, _, label in rows),
    )


Row = tuple[str, m.Grade, str]  # key, grade (for the colour), label


def _rows(tallies: GradeTally) -> dict[Row, Tally]:
    rows: dict[Row, Tally] = {
        (grade.value, grade, grade.label): found for grade, found in tallies.by_grade
    }
    for grade, found in tallies.by_range:
        rows[(range_key(grade), grade, range_label(grade))] = found
    return rows


def _row_order(row: Row) -> tuple[int, int]:
    """Grades in their order, each range after the grade it starts from."""
    key, grade, _ = row
    return (list(m.Grade).index(grade), key != grade.value)


def _describe(groups: list[BarGroup]) -> str:
    """The chart in one sentence per group, for readers who cannot see it."""
    parts = []
    for group in groups:
        given = [f"{bar.label.lower()} {bar.words}" for bar in group.bars if bar.count]
        counted = ", ".join(given) if given else "none"
        parts.append(f"{group.heading}: {counted}.")
    return " ".join(parts)
