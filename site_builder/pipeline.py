"""build_site(): the stages in order, nothing else."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder.config import SiteConfig
from site_builder.errors import BuildFailed
from site_builder.link import Site, link_records
from site_builder.load import load_content
from site_builder.render import render_bodies, render_site
from site_builder.score import score_authorities
from site_builder.validate import validate_records
from site_builder.write import write_site


@dataclass(frozen=True)
class BuildReport:
    records: int
    files: int


def check_site(config: SiteConfig) -> tuple[Site, dict[str, str]]:
    """Load, validate, link and render the bodies; raise BuildFailed with every error of
    every stage at once, so that one run shows an editor everything to fix."""
    loaded = load_content(config.content_dir)
    records, validation_errors = validate_records(loaded.records)
    site, link_errors = link_records(
        records, loaded.known_slugs, config.today, config.include_drafts
    )
    bodies, body_errors = render_bodies(site)
    errors = [*loaded.errors, *validation_errors, *link_errors, *body_errors]
    if errors:
        raise BuildFailed(errors)
    return site, bodies


def build_site(config: SiteConfig) -> BuildReport:
    """Run every stage and swap the new site into the output folder."""
    site, bodies = check_site(config)
    scorecards = score_authorities(site)
    files = render_site(site, scorecards, bodies, config)
    written = write_site(files, config.output_dir)
    return BuildReport(records=sum(1 for _ in site.records), files=written)
