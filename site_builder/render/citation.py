"""The "Cite this page" text of a record's page: title, site, address and last change."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder import models as m
from site_builder.history import RecordChange


@dataclass(frozen=True)
class Citation:
    """What a reader copies to cite a page; `changed` is '' where the page shows no date."""

    title: str
    url: str  # the page's canonical, absolute address
    changed_label: str  # 'Last changed', 'Last reviewed' or 'Corrected'
    changed_iso: str  # for <time datetime>
    changed: str  # in words: '22 November 2026'


def cite(title: str, url: str, record: m.Record, history: RecordChange | None) -> Citation:
    """The citation of a record's page, dated as the page dates its last change: by the
    record's last commit where the page shows one, else by its newest review or correction."""
    if history is not None:
        return Citation(title, url, "Last changed", history.iso, history.display())
    dated = [(c.date, "Corrected") for c in record.corrections]
    if record.last_reviewed:
        dated.append((record.last_reviewed, "Last reviewed"))
    if not dated:
        return Citation(title, url, "", "", "")
    date, label = max(dated, key=lambda pair: (pair[0].earliest(), pair[1] == "Last reviewed"))
    return Citation(title, url, label, date.machine, date.display())
