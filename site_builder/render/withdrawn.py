"""The page at a withdrawn record's address: a neutral title, the date and the reason."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder import models as m
from site_builder import urls
from site_builder.link import Site
from site_builder.render import meta
from site_builder.render import standing as st
from site_builder.render.pages import PageContext


@dataclass(frozen=True)
class WithdrawnPage(PageContext):
    """What stays of a withdrawn record: its address, the date and the reason, nothing else."""

    withdrawal: m.Correction
    reason_html: str
    report_url: str

    @property
    def is_indexable(self) -> bool:
        return False


def last_of(record: m.Record) -> int:
    """The number of a withdrawn record's last correction: the one that withdrew it."""
    return len(record.corrections) - 1


def withdrawn_page(record: m.Record, site: Site, reason_html: str) -> WithdrawnPage:
    """The page at a withdrawn record's address (its latest correction says when and why)."""
    path = urls.record_path(record)
    return WithdrawnPage(
        output_path=path,
        template="withdrawn.html",
        title=m.WITHDRAWN_LABEL,
        description=f"A record withdrawn from {site.settings.title}.",
        withdrawal=record.corrections[last_of(record)],
        reason_html=reason_html,
        report_url=st.report_url(record, site.settings, path),
        canonical_url=meta.canonical_url(site, path),
    )


def withdrawn_pages(site: Site, bodies: dict[str, str]) -> list[WithdrawnPage]:
    """The page of every withdrawn record."""
    return [
        withdrawn_page(r, site, bodies[urls.text_key(r, f"corrections.{last_of(r)}.text")])
        for r in site.records
        if r.is_withdrawn
    ]
