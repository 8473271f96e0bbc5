"""Content errors as editors see them: `path:LINE: message`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


@dataclass(frozen=True, order=True, slots=True)
class SourceLocation:
    """A file and a 1-based line within it."""

    path: Path
    line: int = 1

    def display_path(self) -> str:
        """Return the path relative to the working directory where possible."""
        try:
            return os.path.relpath(self.path)
        except ValueError:  # another drive on Windows
            return str(self.path)


@dataclass(frozen=True, slots=True)
class ContentError:
    """One problem in one content file."""

    location: SourceLocation
    message: str

    def __str__(self) -> str:
        """One line, whatever a file name or a quoted value holds: no line break, no terminal
        escape, no bidirectional override, each shown as its escape (\\x1b) instead."""
        line = f"{self.location.display_path()}:{self.location.line}: {self.message}"
        return _UNPRINTABLE.sub(lambda found: found.group().encode("unicode_escape").decode(), line)

    def sort_key(self) -> tuple[str, int, str]:
        return (self.location.display_path(), self.location.line, self.message)


class BuildFailed(Exception):
    """Raised by a stage with every content error it found, sorted."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = sorted(set(errors), key=ContentError.sort_key)
        super().__init__(f"{len(self.errors)} content error(s)")

    def __reduce__(self) -> tuple[type[BuildFailed], tuple[list[ContentError]]]:
        return BuildFailed, (self.errors,)  # from a worker process, errors and all


class UsageError(Exception):
    """A problem with how the command was called (exit status 2)."""
