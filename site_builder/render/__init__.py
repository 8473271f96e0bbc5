"""Render stage: every output file of the site as bytes, keyed by output path."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import jinja2

from site_builder import models as m
from site_builder import urls
from site_builder.config import SiteConfig
from site_builder.errors import BuildFailed
from site_builder.history import History
from site_builder.link import Site
from site_builder.load import is_editor_junk
from site_builder.output_folder import DRAFTS_PREVIEW
from site_builder.render import council_data, data, data_rows, datapackage, feeds, search
from site_builder.render import pages as p
from site_builder.render import site_pages as sp
from site_builder.render.data import data_file_list
from site_builder.render.fragments import Memo, compute
from site_builder.render.record_pages import RecordPage, record_page
from site_builder.render.templating import describe_template_error, template_error
from site_builder.render.texts import known_paths
from site_builder.render.withdrawn import withdrawn_pages
from site_builder.score import Scorecard
from site_builder.vocabulary import COLLECTIONS
from site_builder.write import Content, Unchanged

Output = dict[str, bytes]
RenderPage = Callable[[Any], bytes]
Step = Callable[[str], AbstractContextManager[None]]  # times a named step of the stage


class Pages(Protocol):
    """Where the render stage gets its pages: EveryPage makes and renders each one; the
    build cache (incremental/pages.py) reuses what the last build made where it can."""

    def reused(self, output_path: str) -> Unchanged | None:
        """A record's page as the output holds it, when nothing the page shows can have
        changed since the last build: its context is then not made."""

    def render(
        self, render: RenderPage, pages: Sequence[Any], prepare: Callable[[list[Any]], None]
    ) -> Iterable[Content]:
        """Each page's content in order, as it is ready (Unchanged where the output already
        holds it); `prepare` is called first with the pages that will be rendered."""

    def make_and_render(
        self,
        sources: Sequence[Any],
        make: Callable[[Any], Any],
        render: RenderPage,
        index: Callable[[Any], Any],
    ) -> Iterable[tuple[str, Content]]:
        """For each source (a record) in order, its page made by `make`: the page's output
        path and its content (Unchanged where the output already holds it). The pages may
        be made in other processes, and are not kept; `index(page)` is each one's search
        item."""

    def search_items(self) -> Iterable[Any]:
        """The search item of every page reused, then of every page made."""


class EveryPage:
    """Pages without a cache: every context made, every page rendered here, in order."""

    def __init__(self) -> None:
        self.items: list[Any] = []

    def reused(self, output_path: str) -> Unchanged | None:
        return None

    def render(
        self, render: RenderPage, pages: Sequence[Any], prepare: Callable[[list[Any]], None]
    ) -> Iterable[Content]:
        prepare(list(pages))
        return map(render, pages)

    def make_and_render(
        self,
        sources: Sequence[Any],
        make: Callable[[Any], Any],
        render: RenderPage,
        index: Callable[[Any], Any],
    ) -> Iterable[tuple[str, Content]]:
        for source in sources:
            page = make(source)
            self.items.append(index(page))
            yield page.output_path, render(page)

    def search_items(self) -> Iterable[Any]:
        return self.items


def untimed(name: str) -> AbstractContextManager[None]:
    return nullcontext()


def render_site(
    site: Site,
    scorecards: dict[str, Scorecard],
    bodies: dict[str, str],
    config: SiteConfig,
    env: jinja2.Environment,
    history: History | None = None,
    pages: Pages | None = None,
    step: Step = untimed,
    memo: Memo = compute,
) -> Iterator[tuple[str, Content]]:
    """Yield every file of the site as (output path, content), each as soon as it is made,
    so that the write stage writes it and nothing holds the whole site; of a path yielded
    twice the last counts. Each page is rendered by `render_page`, through `pages` when
    given (which may reuse the last build's). `step(name)` times each step of the stage (with
    the writing of what it yields); `memo` may give fragments of the outputs from the last
    build."""
    pages = pages or EveryPage()
    with step("open data"):
        sizes: dict[str, int] = {}
        for path, data_file in render_data(site, scorecards, memo):  # one held at a time
            sizes[path] = len(data_file)
            yield path, data_file
        files = data_file_list(site, sizes)
    with step("page contexts"):  # of the pages that are not a record's: few
        made: list[m.Record] = []  # the records whose pages are made, in the workers
        reused: list[tuple[str, Unchanged]] = []
        for record in site.records:
            if record.is_withdrawn:
                continue
            path = urls.record_path(record)
            found = pages.reused(path)
            if found is None:
                made.append(record)
            else:
                reused.append((path, found))
        contexts = [
            *withdrawn_pages(site, bodies),
            *p.list_pages(site),
            *sp.site_page_contexts(site, scorecards, bodies, files, known_paths(site), memo),
        ]
    listed = [path for path, _ in reused]
    render = partial(render_reported, env, site.settings, config.templates_dir)
    try:
        with step("pages"):
            yield from reused
            compile_templates(env, sorted({COLLECTIONS[r.collection].template for r in made}))
            make = partial(_record_page, site, scorecards, bodies, history or {})
            for path, content in pages.make_and_render(made, make, render, search.search_item):
                listed.append(path)  # a record's page is always listed
                yield path, content
            rendered = pages.render(render, contexts, partial(compile_pages, env))
            yield from zip((page.output_path for page in contexts), rendered, strict=True)
    except jinja2.TemplateSyntaxError as problem:
        raise BuildFailed([template_error(problem, config.templates_dir)]) from None
    with step("feeds"):
        yield from feeds.render_feeds(site, sp.record_changes(site)).items()
    with step("search index"):
        yield from search.render_search_index(pages.search_items())
    listed += [c.output_path for c in contexts if c.is_indexable]
    # A drafts preview lists no page for search engines and asks them to keep out.
    sitemap = feeds.render_sitemap(site.settings.base_url, [] if config.include_drafts else listed)
    yield urls.PAGE_PATHS["sitemap"], sitemap
    yield urls.PAGE_PATHS["robots"], feeds.render_robots(site.settings.base_url,
                                                         config.include_drafts)  # fmt: skip
    if config.include_drafts:
        yield DRAFTS_PREVIEW, b"A --drafts preview of the site: not to be published.\n"
    yield from read_static(config.templates_dir / "static").items()


def render_page(env: jinja2.Environment, settings: m.SiteSettings, page: Any) -> bytes:
    """One page: its context through its template."""
    return env.get_template(page.template).render(page=page, site=settings).encode("utf-8")


def render_reported(
    env: jinja2.Environment, settings: m.SiteSettings, templates_dir: Path, page: Any
) -> bytes:
    """render_page, where a template's mistake while rendering fails the build as an error
    naming the template's file and line: found here, in the worker, which has the traceback."""
    try:
        return render_page(env, settings, page)
    except jinja2.TemplateSyntaxError:
        raise
    except Exception as problem:
        error = describe_template_error(problem, templates_dir)
        if error is None:
            raise
        raise BuildFailed([error]) from None


def _record_page(
    site: Site,
    scorecards: dict[str, Scorecard],
    bodies: dict[str, str],
    history: History,
    record: m.Record,
) -> RecordPage:
    return record_page(record, site, scorecards, bodies, history)


def compile_pages(env: jinja2.Environment, pages: list[Any]) -> None:
    """Compile the templates of these pages now: once here, not once in every worker."""
    compile_templates(env, sorted({page.template for page in pages}))


def compile_templates(env: jinja2.Environment, names: Iterable[str]) -> None:
    for name in names:
        env.get_template(name)


def render_data(
    site: Site, scorecards: dict[str, Scorecard], memo: Memo = compute
) -> Iterator[tuple[str, bytes]]:
    """JSON and CSV of each collection and of the scorecards, the Data Package describing
    the CSVs, and each council's own JSON and CSV, as (output path, content), one file at a
    time (together they are larger than the records); each record's part a fragment."""
    rows = data_rows.open_data_rows(site, memo)
    cards = data.open_scorecards(site, scorecards)
    texts = memo(data.json_alone, list(cards.values()))
    card_texts = {slug: data.JsonText(text) for slug, text in zip(cards, texts, strict=True)}
    described: dict[str, datapackage.Described] = {}
    for path, content in data.render_open_data(site, rows, cards, card_texts):
        if path.endswith(".csv"):
            described[path] = datapackage.Described.of(content)
        yield path, content
    yield urls.PAGE_PATHS["datapackage"], datapackage.render_datapackage(site, described)
    yield from council_data.render_council_data(site, rows, cards, card_texts)


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
