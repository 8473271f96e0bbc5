"""The preview's first answer to a save: the pages of the edited records, made at once from
what the last good build linked, and served from memory until the full build replaces them.

Only an edit this can render exactly is taken: records the last build published, still
valid, with the same collection and slug, still published, whose texts link only to known
pages. Anything else (a new, removed or renamed file, an error, a template, site.yaml) is
left to the full build, which the preview runs next in any case.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from site_builder import models as m
from site_builder import urls
from site_builder.history import History
from site_builder.link import Site, is_visible
from site_builder.load import is_editor_junk, read_capped
from site_builder.record_files import read_and_validate
from site_builder.render import render_page
from site_builder.render.record_pages import record_page
from site_builder.render.texts import known_paths, record_texts, render_text
from site_builder.score import Scorecard, score_authority

if TYPE_CHECKING:
    import jinja2

    from site_builder.config import SiteConfig

Linking = TypeVar("Linking", bound=m.Record)


@dataclass(frozen=True)
class Linked:
    """What a build linked and rendered from, kept by the preview between builds."""

    config: SiteConfig
    site: Site
    texts: dict[str, str]
    scorecards: dict[str, Scorecard]
    history: History
    env: jinja2.Environment
    known: frozenset[str]
    by_file: Mapping[str, m.Record]  # absolute path of each published record's file

    @classmethod
    def of(
        cls,
        config: SiteConfig,
        site: Site,
        texts: dict[str, str],
        scorecards: dict[str, Scorecard],
        history: History,
        env: jinja2.Environment,
    ) -> Linked:
        by_file = {os.path.abspath(r.path): r for r in site.records if not r.is_withdrawn}
        return cls(config, site, texts, scorecards, history, env, known_paths(site), by_file)


def first_pages(linked: Linked, changed: Iterable[str]) -> tuple[Linked, dict[str, bytes]] | None:
    """The site with the edited records in place, and the pages that show them most
    directly (their own, their council's, the sources they cite) by output path; None
    where the edit is one for the full build alone."""
    paths = [os.path.abspath(path) for path in changed if not is_editor_junk(Path(path).name)]
    edits = [_reread(linked, path) for path in paths]
    if not edits or any(edit is None for edit in edits):
        return None
    pairs = [edit for edit in edits if edit is not None]
    texts = dict(linked.texts)
    for old, new in pairs:
        for text in record_texts([old]):
            texts.pop(text.key, None)
        for text in record_texts([new]):
            rendered = render_text(linked.known, text)
            if rendered.problems:
                return None
            texts[text.key] = rendered.html
    site = _with_records(linked.site, pairs)
    scorecards = dict(linked.scorecards)
    shown = [new for _, new in pairs]
    for _, new in pairs:
        slug = new.slug if isinstance(new, m.Authority) else getattr(new, "authority", None)
        if slug:
            council = site.authorities[slug]
            scorecards[slug] = score_authority(site, council)
            shown.append(council)
        shown.extend(site.get("sources", source) for source in new.sources)
    by_file = {**linked.by_file, **{os.path.abspath(new.path): new for _, new in pairs}}
    updated = dataclasses.replace(linked, site=site, texts=texts, scorecards=scorecards,
                                  by_file=by_file)  # fmt: skip
    return updated, _render(updated, shown)


def _reread(linked: Linked, path: str) -> tuple[m.Record, m.Record] | None:
    """The record a file held at the last build, and the one it holds now, if this edit
    can be shown at once."""
    old = linked.by_file.get(path)
    if old is None or not os.path.isfile(path):
        return None
    config = linked.config
    content, _ = read_capped(Path(path))
    new = read_and_validate(config.content_dir, old.path, content).record
    if (
        not isinstance(new, m.Record)
        or (new.collection, new.slug) != (old.collection, old.slug)
        or new.is_withdrawn
        or not is_visible(new, config.today, config.include_drafts)
        or any(
            ref.slug not in linked.site.collections.get(ref.collection, {})
            for ref in new.references
        )  # the link stage would refuse it
    ):
        return None
    return old, new


def _with_records(site: Site, pairs: list[tuple[m.Record, m.Record]]) -> Site:
    """The site with each old record replaced by its new version, in backlinks too."""
    collections = dict(site.collections)
    for old, new in pairs:
        collections[new.collection] = {**collections[new.collection], new.slug: new}
    replaced = {id(old): new for old, new in pairs}

    def swap(links: dict[str, tuple[Linking, ...]]) -> dict[str, tuple[Linking, ...]]:
        return {
            key: tuple(replaced.get(id(r), r) for r in records)  # type: ignore[misc]
            for key, records in links.items()
        }

    return dataclasses.replace(
        site, collections=collections, cited_by=swap(site.cited_by),
        cases_of=swap(site.cases_of), bodies_of=swap(site.bodies_of),
        inspections_of=swap(site.inspections_of),
        inspections_of_case=swap(site.inspections_of_case),
        inspections_of_body=swap(site.inspections_of_body),
    )  # fmt: skip


def _render(linked: Linked, records: list[m.Record]) -> dict[str, bytes]:
    """Each record's page, once, by output path."""
    shown = {urls.record_path(record): record for record in records}
    return {
        path: render_page(linked.env, linked.site.settings,
                          record_page(record, linked.site, linked.scorecards, linked.texts,
                                      linked.history))
        for path, record in shown.items()
    }  # fmt: skip
