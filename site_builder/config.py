"""Build settings: where content, templates and output live, and the build date."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SiteConfig:
    """What one build reads, where it writes, and how."""

    content_dir: Path
    templates_dir: Path
    output_dir: Path
    include_drafts: bool = False
    jobs: int = 1
    today: dt.date = dt.date(1970, 1, 1)


def build_date() -> dt.date:
    """Today, for embargoes: from SOURCE_DATE_EPOCH when set, else the clock (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.datetime.now(tz=dt.timezone.utc).date()
