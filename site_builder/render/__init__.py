"""Render stage: every output file of the site as bytes, keyed by output path."""

from __future__ import annotations

from pathlib import Path

import jinja2

from site_builder import markup, reuse, urls
from site_builder.cache import BodyCache, PageCache
from site_builder.config import SiteConfig
from site_builder.errors import BuildFailed, ContentError
from site_builder.history import History
from site_builder.link import Site
from site_builder.load import is_editor_junk
from site_builder.output_folder import DRAFTS_PREVIEW
from site_builder.pool import Progress
from site_builder.render import data, feeds, meta, search
from site_builder.render import pages as p
from site_builder.render import site_pages as sp
from site_builder.render import standing as st
from site_builder.render.templating import make_environment, template_error
from site_builder.render.timeline import authority_timeline
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
        *site_page_contexts(site, scorecards, bodies, data_files),
    ]
    contexts = [meta.with_metadata(page, site) for page in contexts]
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


def site_page_contexts(
    site: Site, scorecards: dict[str, Scorecard], bodies: dict[str, str], data_files: Output
) -> list[p.PageContext]:
    """The contexts of the pages that belong to the whole site."""
    groups = p.kind_groups(site, scorecards)
    changes = sp.record_changes(site)
    pages = site.collections["pages"]
    title = site.settings.title

    def page_body(slug: str, at_path: str) -> str:
        """A page record's body shown on another page: its site links made relative to it."""
        if slug not in pages:
            return ""
        record = pages[slug]
        html = markup.render_markdown(record.body, at_path, _known_paths(site), record.body_line)[0]
        return p.with_top_heading(html, 2)

    def page_prose(slug: str) -> dict[str, str]:
        """A page record's Markdown fields (its corrections) as HTML, keyed by field."""
        return p.prose_html(pages[slug], bodies) if slug in pages else {}

    paths = urls.PAGE_PATHS
    return [
        sp.HomePage(paths["home"], "home.html", title, site.settings.description, groups,
                    tuple(changes[: sp.LATEST_CHANGES]), page_body("about", paths["home"])),
        sp.TimelinePage(paths["timeline"], "timeline.html", "Timeline",
                        "Every dated judgement, death and review in the record, oldest first.",
                        tuple(authority_timeline(site))),
        sp.ComparePage(paths["compare"], "compare.html", "Compare councils",
                       "Councils of the same kind side by side.", groups),
        sp.TextPage(paths["methodology"], "methodology.html", "Methodology",
                    "How every scorecard figure is computed, and what it cannot tell you.",
                    page_body("methodology", paths["methodology"]), pages.get("methodology"),
                    st.coverage(site), page_prose("methodology"),
                    st.report_url(pages.get("methodology"), site.settings, paths["methodology"])),
        sp.CorrectionsPage(paths["corrections"], "corrections.html", "Corrections",
                           "Every correction made to the record, newest first, and how to "
                           "ask for one.",
                           tuple(c for c in changes if c.is_correction),
                           tuple(r for r in site.records if r.is_withdrawn),
                           {c.key: bodies[c.key] for c in changes if c.is_correction},
                           st.report_url(None, site.settings, paths["corrections"])),
        sp.DataPage(paths["data"], "data.html", "Open data",
                    "Download the record as JSON and CSV.", data_file_list(site, data_files),
                    site.settings.licence),
        sp.DictionaryPage(paths["dictionary"], "dictionary.html", "Data dictionary",
                          "Every field of every record, from the schemas.", sp.dictionary_docs()),
        sp.TextPage(paths["search"], "search.html", "Search", f"Search {title}.", "", None),
        sp.TextPage(paths["not_found"], "404.html", "Page not found",
                    "There is no page at this address.", "", None),
    ]  # fmt: skip


def render_data(site: Site, scorecards: dict[str, Scorecard]) -> Output:
    """JSON and CSV of each collection and of the scorecards."""
    return data.render_open_data(site, scorecards)


def data_file_list(site: Site, data_files: Output) -> tuple[sp.DataFile, ...]:
    """What the /data/ page lists: each file with its record count and size."""
    result = []
    for path, content in sorted(data_files.items()):
        name = path.split("/")[-1].rsplit(".", 1)[0]
        count = (
            len(site.listed(name)) if name in data.DATA_COLLECTIONS
            else sum(not a.is_withdrawn for a in site.authorities.values())
        )  # fmt: skip
        media = "application/json" if path.endswith(".json") else "text/csv"
        title = COLLECTIONS[name].title if name in COLLECTIONS else "Scorecards"
        result.append(sp.DataFile(path, title, count, len(content), media))
    return tuple(result)


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
