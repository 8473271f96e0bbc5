"""The validated records: frozen dataclasses in the content contract's words."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from site_builder.errors import SourceLocation

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day, the month or only the year."""

    year: int
    month: int = 0
    day: int = 0

    @classmethod
    def parse(cls, text: str) -> PartialDate | None:
        """Return the date written as YYYY, YYYY-MM or YYYY-MM-DD, or None if not a real one."""
        match = _PARTIAL_DATE.match(text)
        if not match:
            return None
        year, month, day = (int(part) if part else 0 for part in match.groups())
        if year < 1800 or (match.group(2) and not 1 <= month <= 12):
            return None
        if match.group(3) and not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
        return cls(year, month, day)

    @property
    def iso(self) -> str:
        """The date as written: YYYY, YYYY-MM or YYYY-MM-DD."""
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    @property
    def is_full(self) -> bool:
        return bool(self.day)

    def display(self) -> str:
        """The date in words, as precise as it is known: '17 May 2008', 'May 2008', '2008'."""
        if not self.month:
            return str(self.year)
        month = calendar.month_name[self.month]
        return f"{self.day} {month} {self.year}" if self.day else f"{month} {self.year}"

    def earliest(self) -> dt.date:
        """The first day the date could be."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        """The last day the date could be."""
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        return self.iso


class Status(Enum):
    PUBLISHED = "published"
    DRAFT = "draft"
    WITHDRAWN = "withdrawn"


class Grade(Enum):
    OUTSTANDING = "outstanding"
    GOOD = "good"
    ADEQUATE = "adequate"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"
    NOT_GRADED = "not_graded"

    @property
    def rank(self) -> int | None:
        """outstanding 4, good 3, adequate and requires improvement 2, inadequate 1."""
        return _GRADE_RANKS.get(self)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


_GRADE_RANKS = {
    Grade.OUTSTANDING: 4,
    Grade.GOOD: 3,
    Grade.ADEQUATE: 2,
    Grade.REQUIRES_IMPROVEMENT: 2,
    Grade.INADEQUATE: 1,
}


@dataclass(frozen=True)
class Reference:
    """A slug in one record that must name a record of `collection`."""

    collection: str
    slug: str
    location: SourceLocation
    field_name: str


@dataclass(frozen=True)
class Correction:
    date: PartialDate
    text: str


@dataclass(frozen=True)
class Response:
    date: PartialDate
    sender: str
    text: str | None
    url: str | None


@dataclass(frozen=True, kw_only=True)
class Record:
    """What every record has: where it came from, its status and its editorial history."""

    collection: str
    slug: str
    path: Path
    source_path: str
    status: Status = Status.PUBLISHED
    embargo_until: PartialDate | None = None
    corrections: tuple[Correction, ...] = ()
    responses: tuple[Response, ...] = ()
    last_reviewed: PartialDate | None = None
    body: str = ""
    body_line: int = 1
    references: tuple[Reference, ...] = field(default=(), compare=False, repr=False)
    sources: tuple[str, ...] = ()

    @property
    def is_withdrawn(self) -> bool:
        return self.status is Status.WITHDRAWN

    @property
    def label(self) -> str:
        """How the record is named in lists and links."""
        return str(getattr(self, "title", None) or getattr(self, "name", self.slug))


@dataclass(frozen=True)
class Figure:
    metric: str
    value: int
    as_at: PartialDate
    note: str | None
    source: str


@dataclass(frozen=True, kw_only=True)
class Authority(Record):
    name: str
    kind: str
    region: str
    gss_code: str
    dfe_code: str | None = None
    website: str | None = None
    statistical_neighbours: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class Chair:
    name: str
    start: PartialDate
    end: PartialDate | None
    is_independent: bool | None
    source: str


@dataclass(frozen=True, kw_only=True)
class Body(Record):
    name: str
    kind: str
    authorities: tuple[str, ...]
    chairs: tuple[Chair, ...] = ()
    active_from: PartialDate | None = None
    active_to: PartialDate | None = None


@dataclass(frozen=True)
class Review:
    kind: str
    status: str
    body: str | None = None
    commissioned: PartialDate | None = None
    published: PartialDate | None = None
    chair: str | None = None
    independent_chair: bool | None = None
    url: str | None = None


@dataclass(frozen=True, kw_only=True)
class Case(Record):
    title: str
    name_status: str
    authority: str
    harm: str
    naming_basis: str | None = None
    aliases: tuple[str, ...] = ()
    age: int | str | None = None
    date: PartialDate | None = None
    content_note: str | None = None
    proceedings: str | None = None
    reviews: tuple[Review, ...] = ()


@dataclass(frozen=True)
class Judgement:
    area: str
    grade: Grade


@dataclass(frozen=True, kw_only=True)
class Inspection(Record):
    title: str
    authority: str
    judged_by: str
    kind: str
    date: PartialDate
    board: str | None = None
    framework: str | None = None
    grade: Grade | None = None
    count: int = 1
    grades: tuple[tuple[Grade, int], ...] = ()
    judgements: tuple[Judgement, ...] = ()
    cases: tuple[str, ...] = ()
    findings: str | None = None
    actions: str | None = None
    url: str | None = None

    @property
    def grade_counts(self) -> dict[Grade, int]:
        """Each grade given and how many times: an aggregate counts as `count` judgements."""
        if self.grades:
            return {grade: n for grade, n in self.grades if n}
        return {self.grade: 1} if self.grade else {}

    @property
    def overall_grade(self) -> Grade:
        """The single grade of the record; for an aggregate, the worst grade given."""
        if self.grade:
            return self.grade
        ranked = [g for g in self.grade_counts if g.rank is not None]
        return min(ranked, key=lambda g: g.rank or 0) if ranked else Grade.NOT_GRADED


@dataclass(frozen=True, kw_only=True)
class Source(Record):
    title: str
    kind: str
    published: PartialDate
    publisher: str | None = None
    url: str | None = None
    archived_url: str | None = None
    retrieved: PartialDate | None = None


@dataclass(frozen=True, kw_only=True)
class Page(Record):
    title: str


@dataclass(frozen=True)
class SiteSettings:
    title: str
    base_url: str
    description: str
    licence: str | None = None
    support: str | None = None
