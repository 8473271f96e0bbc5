"""The geometry of the inline SVG charts: Python computes, the template only draws."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder import models as m
from site_builder.score import Scorecard

WIDTH = 360  # viewBox units; about one unit per CSS pixel on a 360 px phone
LABEL_WIDTH = 182  # room for "Requires improvement" at 15 px
BAR_START = 188
BAR_SPACE = 132  # the longest bar; leaves room for its count after it
ROW_HEIGHT = 24
BAR_HEIGHT = 14
HEADING_HEIGHT = 28
GROUPS = (
    ("inspections", "Inspection judgements", "Inspections"),
    ("scr_evaluations", "Serious case review evaluations", "SCR evaluations"),
)


@dataclass(frozen=True)
class Bar:
    """One grade's bar: where it is drawn, its label and its count."""

    grade: m.Grade
    label: str
    count: int
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

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)


@dataclass(frozen=True)
class GradeChart:
    """Judgements on one council by grade, as horizontal bars, with its words for readers."""

    chart_id: str
    title: str
    description: str
    width: int
    height: int
    groups: tuple[BarGroup, ...]
    grades: tuple[m.Grade, ...]
    label_x: int = LABEL_WIDTH - 4
    bar_x: int = BAR_START
    bar_height: int = BAR_HEIGHT

    @property
    def is_empty(self) -> bool:
        return not self.grades

    def count(self, group_key: str, grade: m.Grade) -> int:
        """How many judgements of one group gave one grade (for the text alternative)."""
        group = next(g for g in self.groups if g.key == group_key)
        return next((bar.count for bar in group.bars if bar.grade is grade), 0)


def grade_chart(name: str, card: Scorecard) -> GradeChart:
    """Bars for the inspection judgements and the SCR evaluations of one council, by grade."""
    counts = {
        "inspections": card.inspections_by_grade,
        "scr_evaluations": card.scr_evaluations_by_grade,
    }
    grades = tuple(g for g in m.Grade if any(c.get(g) for c in counts.values()))
    largest = max((n for c in counts.values() for n in c.values()), default=0)
    groups = []
    y = 0
    for key, heading, short_heading in GROUPS:
        heading_y = y + HEADING_HEIGHT - 10
        y += HEADING_HEIGHT
        bars = []
        for grade in grades:
            count = counts[key].get(grade, 0)
            width = round(BAR_SPACE * count / largest) if largest else 0
            bars.append(Bar(grade, grade.label, count, y + (ROW_HEIGHT - BAR_HEIGHT) // 2, width))
            y += ROW_HEIGHT
        groups.append(BarGroup(key, heading, short_heading, heading_y, tuple(bars)))
    return GradeChart(
        chart_id=f"chart-{card.authority}",
        title=f"Judgements on {name} by grade",
        description=_describe(groups),
        width=WIDTH,
        height=y + 4,
        groups=tuple(groups),
        grades=grades,
    )


def _describe(groups: list[BarGroup]) -> str:
    """The chart in one sentence per group, for readers who cannot see it."""
    parts = []
    for group in groups:
        given = [f"{bar.label.lower()} {bar.count}" for bar in group.bars if bar.count]
        counted = ", ".join(given) if given else "none"
        parts.append(f"{group.heading}: {counted}.")
    return " ".join(parts)
