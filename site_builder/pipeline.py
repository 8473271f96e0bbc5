"""build_site(): the stages in order, nothing else.

    read (load and validate each file) -> link -> render texts -> score -> render -> write

(the last two run together: each file is written as it is rendered, so that the site is
never held whole in memory)

Each stage exposes a pure function for one item (`record_files.read_and_validate`,
`render.texts.render_text`, `render.render_page`); the build cache (`incremental`) maps it
over the items, reusing what it holds and spreading the rest over worker processes. This is
the only module that knows there is a cache."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from site_builder.config import Progress, SiteConfig
from site_builder.errors import BuildFailed, ContentError
from site_builder.history import History, read_history
from site_builder.incremental import (
    BuildCache,
    default_folder,
    folder_digests,
    inputs_digest,
    long_lived,
)
from site_builder.load import Listing, list_content
from site_builder.models import Record, SiteSettings
from site_builder.output_folder import (
    refuse_foreign_folder,
    refuse_mixed_preview,
    refuse_output_inside_inputs,
    tidy_beside,
)
from site_builder.write import Content, write_changed

# The stages after loading are imported where they run: a build with nothing to do never
# needs them, and importing them (Jinja, Markdown, jsonschema) is a third of it.
if TYPE_CHECKING:
    import jinja2

    from site_builder.link import Site
    from site_builder.live import Linked
    from site_builder.render import Step
    from site_builder.score import Scorecard

Valid = Record | SiteSettings
RENDER = "render and write"  # one stage: each file is written as soon as it is rendered
Result = TypeVar("Result")
Value = TypeVar("Value")


@dataclass(frozen=True)
class BuildReport:
    """What a build made, and how long each stage took (seconds, in stage order)."""

    records: int
    files: int
    stage_seconds: tuple[tuple[str, float], ...] = ()
    linked: Linked | None = None  # what the build linked, when asked to keep it


@dataclass
class StageClock:
    """Runs the stages one by one, timing each."""

    seconds: dict[str, float] = field(default_factory=dict)

    def run(self, stage: str, function: Callable[..., Result], *args: Any) -> Result:
        with self._timed(stage):
            return function(*args)

    def step(self, stage: str, step: str) -> AbstractContextManager[None]:
        """Time one step inside a stage: reported as 'stage: step', before the stage."""
        return self._timed(f"{stage}: {step}")

    @contextmanager
    def _timed(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def report(self) -> tuple[tuple[str, float], ...]:
        return tuple(self.seconds.items())


@dataclass(frozen=True)
class Staged(Generic[Value]):
    """What a checking stage made, and the problems it found: the build stops after the
    checking stages when any of them found one, and reports them all at once."""

    value: Value
    errors: list[ContentError]


def build_site(
    config: SiteConfig, progress: Progress | None = None, keep: bool = False
) -> BuildReport:
    """Run every stage and swap the new site into the output folder.

    The cache of the last builds (beside the content) lets this redo only what changed:
    nothing at all when no input changed and the output is as it was left, unless `keep`
    asks for what the build linked (the live preview keeps it to render edits at once)."""
    refuse_unsafe_output(config)  # before any work or cache
    folder = default_folder(config.content_dir)
    with closing(BuildCache.open(folder, config.output_dir, config.jobs)) as cache:
        clock = StageClock()
        listing = clock.run("list", list_content, config.content_dir)
        history = read_history(config.content_dir)
        unchanged = cache.records.digests_if_unchanged(listing.paths)
        if (
            not keep
            and unchanged is not None
            and cache.is_output_current(_inputs(config, listing, unchanged, history))
        ):
            tidy_beside(config.output_dir)  # what killed builds left goes, even with nothing to do
            return BuildReport(cache.state["records"], cache.state["files"], clock.report())
        records = clock.run("read", _read, config, listing, cache, progress)
        site = clock.run("link", _link, config, listing, records.value)
        texts = clock.run("render texts", _render_texts, config, listing, records.value, site.value,
                          cache, progress)  # fmt: skip
        _stop_on_errors(listing, records, site, texts)
        scorecards = clock.run("score", _score, site.value)
        env = _environment(config, cache)
        with long_lived():  # what was read, linked and scored: held to the end of the build
            files = _render(config, records.value, site.value, texts.value, scorecards, history,
                            cache, env, progress, partial(clock.step, RENDER))  # fmt: skip
            manifest = clock.run(RENDER, write_changed, files, config.output_dir, cache.reuse())
        count = sum(1 for _ in site.value.records)
        inputs = _inputs(config, listing, cache.records.digests, history)
        clock.run("save cache", cache.save, inputs, manifest, count)
        if not keep:
            return BuildReport(count, len(manifest), clock.report())
        from site_builder.live import Linked

        linked = Linked.of(config, site.value, texts.value, scorecards, history, env)
        return BuildReport(count, len(manifest), clock.report(), linked)


def check_site(config: SiteConfig) -> tuple[Site, dict[str, str]]:
    """Read, link and render the texts, as a build does; raise BuildFailed with every error
    of every stage at once, so that one run shows an editor everything to fix."""
    listing = list_content(config.content_dir)
    records = _read(config, listing, None, None)
    site = _link(config, listing, records.value)
    texts = _render_texts(config, listing, records.value, site.value, None, None)
    _stop_on_errors(listing, records, site, texts)
    return site.value, texts.value


def _stop_on_errors(listing: Listing, *stages: Staged[Any]) -> None:
    errors = [*listing.entry_errors, *listing.set_errors]
    errors += [error for stage in stages for error in stage.errors]
    if errors:
        raise BuildFailed(errors)


def _read(
    config: SiteConfig, listing: Listing, cache: BuildCache | None, progress: Progress | None
) -> Staged[list[Valid]]:
    """Load and validate every listed file: the valid records in order, and every problem."""
    from site_builder.incremental.records import RecordCache
    from site_builder.record_files import read_and_validate

    store = cache.records if cache else RecordCache.empty()
    read = partial(read_and_validate, config.content_dir)
    results = store.map(read, listing.paths, config.jobs, progress)
    records = [result.record for result in results if result.record is not None]
    return Staged(records, [error for result in results for error in result.errors])


def _link(config: SiteConfig, listing: Listing, records: list[Valid]) -> Staged[Site]:
    from site_builder.link import link_records

    site, errors = link_records(records, listing.known_slugs, config.today, config.include_drafts)
    return Staged(site, errors)


def _render_texts(
    config: SiteConfig,
    listing: Listing,
    records: list[Valid],
    site: Site,
    cache: BuildCache | None,
    progress: Progress | None,
) -> Staged[dict[str, str]]:
    """Every record's Markdown as sanitised HTML, by key, and the problems found."""
    from site_builder.incremental.texts import TextCache
    from site_builder.render import texts as t

    texts = t.record_texts(list(site.records))
    known = t.known_paths(site)
    store = cache.texts if cache else TextCache.empty()
    rendered = store.map(partial(t.render_text, known), texts, known, config.jobs, progress)
    return Staged(*t.collect_texts(texts, rendered, _unreadable(listing, records)))


def _unreadable(listing: Listing, records: list[Valid]) -> dict[str, frozenset[str]]:
    """The slugs of record files listed but not loaded: each has an error of its own."""
    loaded = {(r.collection, r.slug) for r in records if isinstance(r, Record)}
    return {
        collection: frozenset(slug for slug in slugs if (collection, slug) not in loaded)
        for collection, slugs in listing.known_slugs.items()
    }


def _score(site: Site) -> dict[str, Scorecard]:
    from site_builder.score import score_authorities

    return score_authorities(site)


def _render(
    config: SiteConfig,
    records: list[Valid],
    site: Site,
    texts: dict[str, str],
    scorecards: dict[str, Scorecard],
    history: History,
    cache: BuildCache,
    env: jinja2.Environment,
    progress: Progress | None,
    step: Step,
) -> Iterator[tuple[str, Content]]:
    """Every output file as it is made; a page made from the same things as last time, and
    still in the output as written, is Unchanged."""
    from site_builder.render import render_site

    cache.remember_records(records)
    cache.pages.plan(site, scorecards, history, env, config.include_drafts, config.jobs, progress)
    return render_site(site, scorecards, texts, config, env, history, cache.pages, step,
                       cache.fragments.memo)  # fmt: skip


def _environment(config: SiteConfig, cache: BuildCache) -> jinja2.Environment:
    from site_builder.render.templating import make_environment

    return make_environment(config.templates_dir, cache.compiled_templates(), config.include_drafts)


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
