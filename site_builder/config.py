"""Build settings: where content, templates and output live, and the build date."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import UsageError

Progress = Callable[[str, int, int], None]  # a long stage's progress: (what, done, total)


@dataclass(frozen=True)
class SiteConfig:
    """What one build reads, where it writes, and how."""

    content_dir: Path
    templates_dir: Path
    output_dir: Path
    include_drafts: bool = False
    jobs: int = 1
    today: dt.date = dt.date(1970, 1, 1)


def default_jobs() -> int:
    """One worker process per core this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def build_date() -> dt.date:
    """Today, for embargoes: from SOURCE_DATE_EPOCH when set, else the clock (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.datetime.now(tz=dt.UTC).date()
    if not re.fullmatch(r"[0-9]+", epoch):
        raise UsageError(
            f"SOURCE_DATE_EPOCH={epoch[:40]!r} is not a whole number of seconds since "
            "1970-01-01 UTC; set it to one (e.g. $(date +%s)) or unset it"
        )
    try:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    except (OverflowError, OSError, ValueError):
        raise UsageError(
            f"SOURCE_DATE_EPOCH={epoch[:40]!r} is out of range: give a date before the year "
            "10000 in seconds since 1970-01-01 UTC, or unset it"
        ) from None
