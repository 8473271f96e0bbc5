"""Render stage: every output file of the site as bytes, keyed by output path."""

from __future__ import annotations

from pathlib import Path

import jinja2

from site_builder import reuse, urls
from site_builder.cache import BodyCache, PageCache
from site_builder.config import SiteConfig
from site_builder.errors import BuildFailed, ContentError
from site_builder.history import History
from site_builder.link import Site
from site_builder.load import is_editor_junk
from site_builder.output_folder import DRAFTS_PREVIEW
from site_builder.pool import Progress
from site_builder.render import data, feeds, search
from site_builder.render import pages as p
from site_builder.render import site_pages as sp
from site_builder.render.templating import make_environment, template_error
from site_builder.render.withdrawn import withdrawn_pages
from site_builder.score import Scorecard
from site_builder.vocabulary import COLLECTIONS

Output = dict[str, bytes]


def render_site(
    site: Site,
    scorecards: dict[str, Scorecard],
    bodies: dict[str, str],
    config: SiteConfig,
    history: History | None = None,
    cache: PageCache | None = None,
    progress: Progress | None = None,
) -> Output:
    """Return every file of the site, keyed by output path, in path order.

    With a cache, a page made from the same things as last time is taken from the output
    of the last build; the others are rendered in `config.jobs` processes."""
    data_files = render_data(site, scorecards)
    contexts = [
        *p.record_pages(site, scorecards, bodies, history),
        *withdrawn_pages(site, bodies),
        *p.list_pages(site),
        *sp.site_page_contexts(site, scorecards, bodies, data_files, _known_paths(site)),
    ]
    env = make_environment(config.templates_dir, cache.compiled_dir if cache else None,
                           is_preview=config.include_drafts)  # fmt: skip
    try:
        output = reuse.render_pages(contexts, site.settings, env, cache, config.jobs, progress)
    except jinja2.TemplateSyntaxError as problem:
        raise BuildFailed([template_error(problem, config.templates_dir)]) from None
    output.update(data_files)
    output.update(feeds.render_feeds(site, sp.record_changes(site)))
    output.update(search.render_search_index(
        c for c in contexts if isinstance(c, p.RecordPage) and c.is_indexable
    ))  # fmt: skip
    # A drafts preview lists no page for search engines and asks them to keep out.
    listed = [] if config.include_drafts else [c.output_path for c in contexts if c.is_indexable]
    output[urls.PAGE_PATHS["sitemap"]] = feeds.render_sitemap(site.settings.base_url, listed)
    output[urls.PAGE_PATHS["robots"]] = feeds.render_robots(site.settings.base_url,
                                                            config.include_drafts)  # fmt: skip
    if config.include_drafts:
        output[DRAFTS_PREVIEW] = b"A --drafts preview of the site: not to be published.\n"
    output.update(read_static(config.templates_dir / "static"))
    return dict(sorted(output.items()))


def _known_paths(site: Site) -> frozenset[str]:
    """Every address a Markdown body may link to."""
    paths = {urls.record_path(r) for r in site.records}
    paths |= {urls.collection_path(c) for c in COLLECTIONS}
    paths |= set(urls.PAGE_PATHS.values())
    paths |= {
        f"data/{c}.{ext}" for c in (*data.DATA_COLLECTIONS, "scorecards") for ext in ("json", "csv")
    }
    paths |= {
        urls.authority_feed_path(s) for s, a in site.authorities.items() if not a.is_withdrawn
    }
    return frozenset(paths)


def render_bodies(
    site: Site,
    cache: BodyCache | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    unreadable: dict[str, frozenset[str]] | None = None,
) -> tuple[dict[str, str], list[ContentError]]:
    """Sanitised HTML of every record's Markdown body, keyed by page path, and its problems.

    `unreadable` holds the slugs of record files that failed to load or validate: their
    own errors say why, so links to their pages are not reported in every linking file."""
    paths = frozenset(
        path
        for collection, slugs in (unreadable or {}).items()
        for slug in slugs
        for path in (urls.collection_path(collection, slug),
                     *([urls.authority_feed_path(slug)] if collection == "authorities" else []))
    )  # fmt: skip
    return reuse.render_bodies(list(site.records), _known_paths(site), cache, jobs, progress, paths)


def render_data(site: Site, scorecards: dict[str, Scorecard]) -> Output:
    """JSON and CSV of each collection and of the scorecards."""
    return data.render_open_data(site, scorecards)


def read_static(folder: Path) -> Output:
    """The stylesheet and scripts shipped with the templates, copied as they are."""
    if not folder.is_dir():
        return {}
    return {
        "static/" + path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink() and is_published(path.relative_to(folder))
    }


def is_published(static_path: Path) -> bool:
    """Whether a file under templates/static is part of the site: not hidden (.env, .git/,
    .DS_Store, swap files), nor an editor's backup (x~, #x#), at any depth."""
    return not any(part.startswith(".") or is_editor_junk(part) for part in static_path.parts)
