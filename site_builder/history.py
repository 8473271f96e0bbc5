"""When each content file last changed in git, from one `git log` over the content folder."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SWITCH = "SITE_BUILDER_HISTORY"
_GIT_TIMEOUT_SECONDS = 60
_COMMIT_MARK = "commit "
_REMOTE = re.compile(
    r"^(?:https://|ssh://git@|git@)(?P<host>github\.com|gitlab\.com)[:/]"
    r"(?P<repo>[\w.-]+/[\w.-]+?)(?:\.git)?/?$"
)


@dataclass(frozen=True)
class RecordChange:
    """The last commit that changed a record's file, and where to read its history."""

    date: dt.date
    commit: str
    history_url: str | None = None

    @property
    def iso(self) -> str:
        return self.date.isoformat()

    def display(self) -> str:
        """The date in words: '22 November 2026'."""
        return f"{self.date.day} {self.date:%B %Y}"


History = dict[str, RecordChange]


def read_history(content_dir: Path) -> History:
    """Map each file's path (relative to content_dir) to its last change; empty outside git.

    Dates are commit dates in UTC, so the same checkout gives the same pages on any machine.
    A shallow clone is skipped: every file would seem to have changed in its one commit.
    """
    if os.environ.get(SWITCH, "").strip().lower() in {"0", "off", "no", "false"}:
        return {}
    facts = _git(content_dir, "rev-parse", "--is-shallow-repository", "--show-prefix")
    if facts is None:
        return {}
    is_shallow, _, prefix = facts.partition("\n")
    if is_shallow.strip() == "true":
        log.warning("git history not shown: %s is a shallow clone (fetch-depth: 0)", content_dir)
        return {}
    listing = _git(content_dir, "log", "--format=commit %H %ct", "--name-only", "--relative",
                   "--no-renames", "HEAD", "--", ".")  # fmt: skip
    if listing is None:
        return {}
    link = history_link(_git(content_dir, "config", "--get", "remote.origin.url") or "")
    return parse_log(listing, prefix.strip(), link)


def _git(folder: Path, *args: str) -> str | None:
    """Run git in folder; None where git is missing or the folder is not in a work tree."""
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), *args],
            check=False,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=_GIT_TIMEOUT_SECONDS,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def parse_log(listing: str, prefix: str, link: str | None) -> History:
    """Read `git log --name-only` output, newest commit first: the first mention of a file wins."""
    changes: History = {}
    current: RecordChange | None = None
    for line in listing.splitlines():
        if line.startswith(_COMMIT_MARK):
            _, sha, stamp = line.split(" ")
            date = dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC).date()
            current = RecordChange(date, sha)
        elif line and current is not None and line not in changes:
            url = f"{link}/{current.commit}/{prefix}{line}" if link else None
            changes[line] = RecordChange(current.date, current.commit, url)
    return changes


def history_link(remote: str) -> str | None:
    """The base of a file's history address on the hosting site of the origin remote, if known."""
    match = _REMOTE.match(remote.strip())
    if not match:
        return None
    separator = "/-/commits" if match["host"] == "gitlab.com" else "/commits"
    return f"https://{match['host']}/{match['repo']}{separator}"
