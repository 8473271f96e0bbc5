"""A council's graded inspections over time, as the geometry of an inline SVG chart: Python
computes, the template only draws. The table beside it is its text alternative."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from site_builder import models as m
from site_builder.link import Site
from site_builder.vocabulary import Grade

WIDTH = 360  # viewBox units; about one unit per CSS pixel on a 360 px phone
ROW_HEIGHT = 44
LABEL_DROP = 16  # a grade's label sits above its line, so the dates get the whole width
LINE_DROP = 34
AXIS_HEIGHT = 30
PLOT_START = 22  # room for half a year's label either side
PLOT_END = WIDTH - 22
RADIUS = 6  # of a mark
MIN_LABEL_SPACE = 44  # between two year labels
YEAR_STEPS = (1, 2, 5, 10, 20, 50)
MAX_RUNS = 5  # beyond this many runs of one grade, the description counts grades instead
# The four grades of the frameworks since 2013, best first; adequate, the older framework's
# word, ranks with requires improvement (the methodology's ranks), so it shares their line.
RANKS = ((4, "Outstanding"), (3, "Good"), (2, "Requires improvement"), (1, "Inadequate"))


@dataclass(frozen=True)
class TrendRow:
    """One grade's line across the chart, its label above it."""

    label: str
    y: int

    @property
    def label_y(self) -> int:
        return self.y - LINE_DROP + LABEL_DROP


@dataclass(frozen=True)
class TrendMark:
    """One graded inspection: where it is drawn, and the span of days its date could be."""

    inspection: m.Inspection
    grade: Grade  # its grade, or the lowest of a range, for the mark's colour and line
    is_range: bool  # the record gives its grade only as a range ('adequate or better')
    x: int
    y: int
    span_start: int
    span_end: int

    @property
    def has_span(self) -> bool:
        """Whether its date is known only to the month or year, over more days than the
        mark covers: such a mark has a bar across the days it could be."""
        return not self.inspection.date.day and self.span_end - self.span_start > 2 * RADIUS

    @property
    def grade_class(self) -> str:
        return self.grade.value.replace("_", "-")


@dataclass(frozen=True)
class YearTick:
    x: int
    label: str  # the year, or '' where labels would crowd


@dataclass(frozen=True)
class TrendChart:
    """The graded inspections of one council over time, with its words for readers."""

    chart_id: str
    title: str
    description: str
    width: int
    height: int
    axis_y: int
    rows: tuple[TrendRow, ...]
    ticks: tuple[YearTick, ...]
    marks: tuple[TrendMark, ...]
    plot_start: int = PLOT_START
    plot_end: int = PLOT_END
    radius: int = RADIUS

    @property
    def line_points(self) -> str:
        """The path through the marks in date order, for an SVG polyline ('' for one mark)."""
        if len(self.marks) < 2:
            return ""
        return " ".join(f"{mark.x},{mark.y}" for mark in self.marks)


def authority_trend(site: Site, authority: m.Authority) -> TrendChart | None:
    """The chart of a council's graded inspections over time, or None if it has none."""
    return trend_chart(authority.name, authority.slug, graded_inspections(site, authority.slug))


def graded_inspections(site: Site, slug: str) -> tuple[m.Inspection, ...]:
    """The council's inspections of services with a grade (or a grade range), oldest first,
    as the scorecard orders them for its latest graded inspection."""
    found = [i for i in site.inspections_of.get(slug, ()) if i.is_inspection and _rank(i)]
    return tuple(sorted(found, key=lambda i: (i.date.earliest(), i.date.latest(), i.slug)))


def trend_chart(name: str, slug: str, inspections: Iterable[m.Inspection]) -> TrendChart | None:
    """The chart of these graded inspections (oldest first), or None when there are none:
    a council with no graded inspection gets no empty chart."""
    graded = tuple(inspections)
    if not graded:
        return None
    first = min(i.date.earliest().year for i in graded)
    last = max(i.date.latest().year for i in graded)
    scale = _Scale(dt.date(first, 1, 1), dt.date(last + 1, 1, 1))
    rows = tuple(
        TrendRow(_row_label(rank, label, graded), (n + 1) * ROW_HEIGHT)
        for n, (rank, label) in enumerate(RANKS)
    )
    y_of = {rank: row.y for (rank, _), row in zip(RANKS, rows, strict=True)}
    marks = tuple(_mark(i, scale, y_of) for i in graded)
    axis_y = rows[-1].y + ROW_HEIGHT // 3
    return TrendChart(
        chart_id=f"trend-{slug}",
        title=f"Graded inspections of {name} over time",
        description=describe_trend(graded),
        width=WIDTH,
        height=axis_y + AXIS_HEIGHT,
        axis_y=axis_y,
        rows=rows,
        ticks=_ticks(first, last, scale),
        marks=marks,
    )


class _Scale:
    """Days to x positions across the plot."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.start = start.toordinal()
        self.days = end.toordinal() - self.start

    def x(self, day: dt.date) -> int:
        return PLOT_START + round(
            (PLOT_END - PLOT_START) * (day.toordinal() - self.start) / self.days
        )


def _rank(inspection: m.Inspection) -> int | None:
    """The rank its mark stands at: its grade's, or the lowest of its range's."""
    if inspection.overall_grade.rank is not None:
        return inspection.overall_grade.rank
    return inspection.grade_at_least.rank if inspection.grade_at_least else None


def _mark(inspection: m.Inspection, scale: _Scale, y_of: dict[int, int]) -> TrendMark:
    is_range = inspection.overall_grade.rank is None
    grade = inspection.grade_at_least if is_range and inspection.grade_at_least else None
    start, end = inspection.date.earliest(), inspection.date.latest()
    middle = start + (end - start) / 2
    return TrendMark(
        inspection=inspection,
        grade=grade or inspection.overall_grade,
        is_range=is_range,
        x=scale.x(middle),
        y=y_of[_rank(inspection) or 1],
        span_start=scale.x(start),
        span_end=scale.x(end + dt.timedelta(days=1)),
    )


def _row_label(rank: int, label: str, graded: tuple[m.Inspection, ...]) -> str:
    """A grade's label; the middle line names adequate too when a mark there is adequate."""
    if rank == 2 and any(i.overall_grade is Grade.ADEQUATE for i in graded):
        return "Requires improvement or adequate"
    return label


def _ticks(first: int, last: int, scale: _Scale) -> tuple[YearTick, ...]:
    """A tick at the start of every year, and of the year after the last; a label on every
    year, or every second, fifth... so that labels do not crowd."""
    years = range(first, last + 2)
    space = (PLOT_END - PLOT_START) / (len(years) - 1)
    step = next((s for s in YEAR_STEPS if s * space >= MIN_LABEL_SPACE), YEAR_STEPS[-1])
    return tuple(
        YearTick(scale.x(dt.date(year, 1, 1)), str(year) if year % step == 0 else "")
        for year in years
    )


def describe_trend(graded: tuple[m.Inspection, ...]) -> str:
    """The chart in one sentence, runs of one grade together: 'Inadequate 4 times (2008 to
    2014), then requires improvement (2018), then good (2023).' Past MAX_RUNS runs, the
    count of each grade and the latest instead."""
    runs = [list(run) for _, run in groupby(graded, key=lambda i: i.grade_words)]
    if len(runs) > MAX_RUNS:
        counts = Counter(i.grade_words.lower() for i in graded)
        each = ", ".join(f"{words} {n}" for words, n in sorted(counts.items(), key=_best_first))
        latest = graded[-1]
        return (
            f"{len(graded)} graded inspections from {graded[0].date.year} to "
            f"{latest.date.year}: {each}. The latest: {latest.grade_words.lower()} "
            f"({latest.date.year})."
        )
    parts = []
    for found in runs:
        first, last = found[0].date.year, found[-1].date.year
        years = str(first) if first == last else f"{first} to {last}"
        times = f" {len(found)} times" if len(found) > 1 else ""
        parts.append(f"{found[0].grade_words.lower()}{times} ({years})")
    return (", then ".join(parts) + ".").capitalize()


def _best_first(item: tuple[str, int]) -> tuple[int, str]:
    """A grade's words ('good', 'adequate or better') in the order of the grades, best first."""
    words = item[0]
    order = [grade.label.lower() for grade in Grade]
    return (
        next((n for n, label in enumerate(order) if words.startswith(label)), len(order)),
        words,
    )
