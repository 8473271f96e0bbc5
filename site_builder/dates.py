"""Dates as the sources give them: to the day, the month or the year, perhaps inferred."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

# YYYY, YYYY-MM or YYYY-MM-DD, with EDTF's "?" after the last component a source does not
# state: "2008?" (the year is inferred), "2008?-03" (only the year), "2008-03?" (both).
_PARTIAL_DATE = re.compile(r"^(\d{4})(\?)?(?:-(\d{2})(\?)?(?:-(\d{2})(\?)?)?)?$")
# The same shape as a Table Schema pattern (matched whole, no groups needed), for the Data
# Package of the open data: a partial date is not a Table Schema `date`.
TABLE_SCHEMA_PATTERN = r"[0-9]{4}\??(-[0-9]{2}\??(-[0-9]{2}\??)?)?"
_INFERRED_WORDS = {1: "year", 2: "year and month", 3: "date"}


@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    """A date known to the day, the month or only the year; some of it perhaps inferred."""

    year: int
    month: int = 0
    day: int = 0
    inferred: int = 0  # how many components, from the year on, no source states (0 to 3)

    @classmethod
    def parse(cls, text: str) -> PartialDate | None:
        """Return the date written as YYYY, YYYY-MM or YYYY-MM-DD (each component perhaps
        followed by '?'), or None if it is not a real one."""
        match = _PARTIAL_DATE.match(text)
        if not match:
            return None
        year_text, year_mark, month_text, month_mark, day_text, day_mark = match.groups()
        marks = [year_mark, month_mark, day_mark][: 1 + bool(month_text) + bool(day_text)]
        if sum(bool(mark) for mark in marks) > 1:
            return None  # one '?' says how far the inference goes
        inferred = next((n + 1 for n, mark in enumerate(marks) if mark), 0)
        year, month, day = (int(part) if part else 0 for part in (year_text, month_text, day_text))
        if year < 1800 or (month_text and not 1 <= month <= 12):
            return None
        if day_text and not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
        return cls(year, month, day, inferred)

    @property
    def iso(self) -> str:
        """The date as written: YYYY, YYYY-MM or YYYY-MM-DD, with its '?' if any."""
        parts = self.iso_parts()
        if self.inferred:
            parts[self.inferred - 1] += "?"
        return "-".join(parts)

    @property
    def machine(self) -> str:
        """The date for an HTML datetime attribute: as written, without the '?'."""
        return "-".join(self.iso_parts())

    def iso_parts(self) -> list[str]:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return parts

    @property
    def is_full(self) -> bool:
        """Known to the day from a source: the only dates an interval may be computed from."""
        return bool(self.day) and not self.inferred

    @property
    def is_inferred(self) -> bool:
        return bool(self.inferred)

    def display(self) -> str:
        """The date in words, as precise as it is known: '17 May 2008', 'May 2008', '2008',
        with what is inferred said: '2008 (year inferred)'."""
        if not self.month:
            words = str(self.year)
        else:
            month = calendar.month_name[self.month]
            words = f"{self.day} {month} {self.year}" if self.day else f"{month} {self.year}"
        return f"{words} ({self.inferred_words} inferred)" if self.inferred else words

    @property
    def inferred_words(self) -> str:
        """What of the date is inferred: 'year', 'year and month' or 'date'."""
        whole = len(self.iso_parts())
        return "date" if 1 < whole <= self.inferred else _INFERRED_WORDS[self.inferred]

    def earliest(self) -> dt.date:
        """The first day the date could be."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        """The last day the date could be."""
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        return self.iso
