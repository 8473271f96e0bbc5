"""Content errors as editors see them: `path:LINE: message`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
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


@dataclass(frozen=True)
class ContentError:
    """One problem in one content file."""

    location: SourceLocation
    message: str

    def __str__(self) -> str:
        return f"{self.location.display_path()}:{self.location.line}: {self.message}"

    def sort_key(self) -> tuple[str, int, str]:
        return (self.location.display_path(), self.location.line, self.message)


class BuildFailed(Exception):
    """Raised by a stage with every content error it found, sorted."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = sorted(set(errors), key=ContentError.sort_key)
        super().__init__(f"{len(self.errors)} content error(s)")


class UsageError(Exception):
    """A problem with how the command was called (exit status 2)."""
