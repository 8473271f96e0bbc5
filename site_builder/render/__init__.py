"""Render stage: every output file of the site as bytes, keyed by output path."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import jinja2

from site_builder import markup, urls
from site_builder import models as m
from site_builder.config import SiteConfig
from site_builder.errors import BuildFailed
from site_builder.history import History
from site_builder.link import Site
from site_builder.load import is_editor_junk
from site_builder.output_folder import DRAFTS_PREVIEW
from site_builder.render import data, feeds, meta, search
from site_builder.render import pages as p
from site_builder.render import site_pages as sp
from site_builder.render import standing as st
from site_builder.render.templating import template_error
from site_builder.render.texts import known_paths
from site_builder.render.timeline import authority_timeline
from site_builder.render.withdrawn import withdrawn_pages
from site_builder.score import Scorecard

Output = dict[str, bytes]
RenderPage = Callable[[Any], bytes]
# How the pages are rendered: (render one page, the pages, what to do first with the pages
# to be rendered) -> each page's bytes in order. The pipeline passes one that reuses pages.
PageMap = Callable[[RenderPage, Sequence[Any], Callable[[list[Any]], None]], list[bytes]]


def render_site(
    site: Site,
    scorecards: dict[str, Scorecard],
    bodies: dict[str, str],
    config: SiteConfig,
    env: jinja2.Environment,
    history: History | None = None,
    map_pages: PageMap | None = None,
) -> Output:
    """Return every file of the site, keyed by output path, in path order; each page is
    rendered by `render_page`, through `map_pages` when given."""
    data_files = render_data(site, scorecards)
    contexts = [
        *p.record_pages(site, scorecards, bodies, history),
        *withdrawn_pages(site, bodies),
        *p.list_pages(site),
        *site_page_contexts(site, scorecards, bodies, data_files),
    ]
    contexts = [meta.with_metadata(page, site) for page in contexts]
    try:
        rendered = (map_pages or render_each)(
            partial(render_page, env, site.settings), contexts, partial(compile_templates, env)
        )
    except jinja2.TemplateSyntaxError as problem:
        raise BuildFailed([template_error(problem, config.templates_dir)]) from None
    output = {page.output_path: content for page, content in zip(contexts, rendered, strict=True)}
    output.update(data_files)
    output.update(feeds.render_feeds(site, sp.record_changes(site)))
    output.update(search.render_search_index(
        c for c in contexts if isinstance(c, p.RecordPage) and c.is_indexable
    ))  # fmt: skip
    # A drafts preview lists no page for search engines and asks them to keep out.
    listed = [] if config.include_drafts else [c.output_path for c in contexts if c.is_indexable]
    output[urls.PAGE_PATHS["sitemap"]] = feeds.render_sitemap(site.settings.base_url, listed)
    output[urls.PAGE_PATHS["robots"]] = feeds.render_robots(
        site.settings.base_url, config.include_drafts
    )
    if config.include_drafts:
        output[DRAFTS_PREVIEW] = b"A --drafts preview of the site: not to be published.\n"
    output.update(read_static(config.templates_dir / "static"))
    return dict(sorted(output.items()))


def render_page(env: jinja2.Environment, settings: m.SiteSettings, page: Any) -> bytes:
    """One page: its context through its template."""
    return env.get_template(page.template).render(page=page, site=settings).encode("utf-8")


def compile_templates(env: jinja2.Environment, pages: list[Any]) -> None:
    """Compile the templates of these pages now: once here, not once in every worker."""
    for name in sorted({page.template for page in pages}):
        env.get_template(name)


def render_each(
    render: RenderPage, pages: Sequence[Any], prepare: Callable[[list[Any]], None]
) -> list[bytes]:
    """Render every page here, in order."""
    prepare(list(pages))
    return [render(page) for page in pages]


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
        html = markup.render_markdown(
            record.body, at_path, known_paths(site), record.body_line
        ).html
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
                           tuple(c for c in changes if c.kind == "corrected"),
                           tuple(r for r in site.records if r.is_withdrawn),
                           {c.key: bodies[c.key] for c in changes if c.kind == "corrected"},
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
        title = p.COLLECTION_TITLES.get(name, "Scorecards")
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
