"""build_site(): the stages in order, nothing else."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.cache import BuildCache, default_folder, folder_digests, inputs_digest
from site_builder.config import SiteConfig
from site_builder.errors import BuildFailed, ContentError
from site_builder.history import History, read_history
from site_builder.load import Listing, list_content
from site_builder.models import Record, SiteSettings
from site_builder.output_folder import (
    refuse_foreign_folder,
    refuse_mixed_preview,
    refuse_output_inside_inputs,
    tidy_beside,
)
from site_builder.pool import Progress
from site_builder.write import write_changed

# The stages after loading are imported where they run: a build with nothing to do never
# needs them, and importing them (Jinja, Markdown, jsonschema) is a third of it.
if TYPE_CHECKING:
    from site_builder.link import Site


@dataclass(frozen=True)
class BuildReport:
    records: int
    files: int


@dataclass(frozen=True)
class _Read:
    listing: Listing
    records: list[Record | SiteSettings]
    errors: list[ContentError]


def check_site(
    config: SiteConfig, cache: BuildCache | None = None, progress: Progress | None = None
) -> tuple[Site, dict[str, str]]:
    """Load, validate, link and render the bodies; raise BuildFailed with every error of
    every stage at once, so that one run shows an editor everything to fix."""
    read = _read(config, list_content(config.content_dir), cache, progress)
    return _link_and_render_bodies(config, read, cache, progress)


def _read(
    config: SiteConfig, listing: Listing, cache: BuildCache | None, progress: Progress | None
) -> _Read:
    from site_builder.reuse import load_records

    records, errors = load_records(listing, config.content_dir,
                                   cache.records if cache else None, config.jobs, progress)  # fmt: skip
    return _Read(listing, records, [*listing.entry_errors, *errors, *listing.set_errors])


def _link_and_render_bodies(
    config: SiteConfig, read: _Read, cache: BuildCache | None, progress: Progress | None
) -> tuple[Site, dict[str, str]]:
    from site_builder.link import link_records
    from site_builder.render import render_bodies

    site, link_errors = link_records(
        read.records, read.listing.known_slugs, config.today, config.include_drafts
    )
    bodies, body_errors = render_bodies(
        site, cache.bodies if cache else None, config.jobs, progress, _unreadable(read)
    )
    errors = [*read.errors, *link_errors, *body_errors]
    if errors:
        raise BuildFailed(errors)
    return site, bodies


def _unreadable(read: _Read) -> dict[str, frozenset[str]]:
    """The slugs of record files listed but not loaded: each has an error of its own."""
    loaded = {(r.collection, r.slug) for r in read.records if isinstance(r, Record)}
    return {
        collection: frozenset(slug for slug in slugs if (collection, slug) not in loaded)
        for collection, slugs in read.listing.known_slugs.items()
    }


def build_site(config: SiteConfig, progress: Progress | None = None) -> BuildReport:
    """Run every stage and swap the new site into the output folder.

    The cache of the last builds (beside the content) lets this redo only what changed:
    nothing at all when no input changed and the output is as it was left."""
    refuse_unsafe_output(config)  # before any work or cache
    cache = BuildCache.open(default_folder(config.content_dir), config.output_dir)
    listing = list_content(config.content_dir)
    history = read_history(config.content_dir)
    unchanged = cache.records.digests_if_unchanged(listing.paths)
    if unchanged is not None and cache.is_output_current(
        _inputs(config, listing, unchanged, history)
    ):
        tidy_beside(config.output_dir)  # what killed builds left goes, even with nothing to do
        return BuildReport(records=cache.state["records"], files=cache.state["files"])
    from site_builder.render import render_site
    from site_builder.score import score_authorities

    read = _read(config, listing, cache, progress)
    site, bodies = _link_and_render_bodies(config, read, cache, progress)
    cache.remember_records(read.records)
    scorecards = score_authorities(site)
    files = render_site(site, scorecards, bodies, config, history, cache.pages, progress)
    manifest = write_changed(files, config.output_dir, cache.reuse())
    records = sum(1 for _ in site.records)
    cache.save(_inputs(config, listing, cache.records.digests, history), manifest, records)
    return BuildReport(records=records, files=len(files))


def refuse_unsafe_output(config: SiteConfig) -> None:
    """Raise UsageError for an output folder a build must not replace (see output_folder)."""
    inputs = {"content": config.content_dir, "templates": config.templates_dir}
    refuse_output_inside_inputs(config.output_dir, inputs)
    output = Path(os.path.abspath(config.output_dir))
    refuse_foreign_folder(output)
    refuse_mixed_preview(output, config.include_drafts)


def _inputs(
    config: SiteConfig, listing: Listing, digests: dict[str, bytes], history: History
) -> bytes:
    """One hash of everything a build reads: a build with the same has nothing to do."""
    return inputs_digest(
        config.include_drafts, config.today, os.path.abspath(config.output_dir),
        folder_digests(config.templates_dir), [str(path) for path in listing.paths],
        sorted(digests.items()), [error.message for error in listing.entry_errors], history,
    )  # fmt: skip
