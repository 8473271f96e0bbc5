"""The page stage, reusing the output of pages made from the same things as last time.

Each page is checked by its fingerprint: a hash of everything its context holds, its
templates and the site settings. Making every context and hashing it costs seconds on a
large site, so the last build also left a graph of what each page was made from (`Graph`):
the records each page's context held, as its fingerprint found them, and the references
between records. From it `plan` tells, before any context is made, which record pages no
change can have reached; those are reused as they are, unseen. Any other page is made and
checked by its fingerprint as before.

A record held by a page is hashed by its face: every field but its Markdown body, which
no page shows but the record's own, and that one as the HTML its context holds (the
templates are refused a record's `body`: render/templating.py). So an edit to a body
renders again the record's own page, not every list, timeline and council page that
names the record.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from site_builder import models as m
from site_builder import urls
from site_builder.config import Progress
from site_builder.incremental import stores
from site_builder.incremental.fingerprint import (
    Fingerprinter,
    Unfingerprintable,
    template_closure_digest,
)
from site_builder.incremental.fragments import FragmentCache
from site_builder.incremental.workers import map_chunks, map_missing
from site_builder.manifest import FileState, Manifest, content_hash, state_if_same
from site_builder.score import Scorecard
from site_builder.vocabulary import COLLECTIONS
from site_builder.write import Content, Unchanged

if TYPE_CHECKING:  # Jinja is loaded when pages are rendered, not by a build with nothing to do
    import jinja2

    from site_builder.history import History
    from site_builder.link import Site

SEARCH_ITEMS_READ = 500  # items read back from the fragments at a time
SCORECARDS = "scorecards"  # what the graph notes a page showing any scorecard as showing


class Page(Protocol):
    """What the page cache needs of a page context."""

    @property
    def output_path(self) -> str: ...

    @property
    def template(self) -> str: ...


def record_key(record: m.Record | m.Reference) -> str:
    """How the graph names a record, or the record a reference names: 'cases/peter-connelly'."""
    return f"{record.collection}/{record.slug}"


@dataclass(frozen=True)
class Graph:
    """What the pages of a build were made from, for the next build to tell which pages a
    change can reach. Only record pages are ever reused through it."""

    site: bytes  # the settings and which records are published or withdrawn: if any of
    # these changed, every page is checked
    records: dict[str, tuple[bytes, bytes, frozenset[str]]]  # by key: its hash, its face's
    # hash (without m.OWN_PAGE_FIELDS), the keys of the records it references
    scorecards: bytes  # every council's scorecard: if one changed, so did SCORECARDS
    templates: dict[str, bytes]  # each template's hash with all it extends or includes
    shows: dict[str, frozenset[str]]  # by a record page's output path: what its context held


@dataclass
class PageCache:
    """The pages of the last build into one output folder, and what each was made from."""

    output_dir: Path
    manifest: Manifest
    fingerprints: dict[str, bytes]
    graph: Graph | None = None  # the last build's
    fragments: FragmentCache | None = None  # where search items are kept, by fingerprint
    jobs: int = 1
    progress: Progress | None = None
    # A page holding a scorecard is noted as showing SCORECARDS, not the hundreds of records
    # the scorecard holds: any change to those changes the scorecards' hash.
    fingerprinter: Fingerprinter = field(
        default_factory=lambda: Fingerprinter(opaque={Scorecard: SCORECARDS})
    )
    new_fingerprints: dict[str, bytes] = field(default_factory=dict)
    template_digests: dict[str, bytes] = field(default_factory=dict)
    shows: dict[str, frozenset[str]] = field(default_factory=dict)  # this build's
    own: dict[str, bytes] = field(default_factory=dict)  # a record page's record's whole hash
    record_pages: set[str] = field(default_factory=set)  # the output paths of record pages
    reusable: set[str] = field(default_factory=set)  # record pages no change can reach
    record_at: dict[str, m.Record] = field(default_factory=dict)  # record pages' records
    # Each record page's search item, in the order given: its key in the fragments, or the
    # item itself when the page has no fingerprint (nor so a key)
    search: list[tuple[str, bytes | None, Any]] = field(default_factory=list)
    make: Callable[[Any], Page] | None = None  # a record's page, as make_and_render was given
    index: Callable[[Any], Any] | None = None  # a page's search item, likewise
    new_graph: Graph | None = None
    env: jinja2.Environment | None = None
    settings: Any = None

    def plan(
        self,
        site: Site,
        scorecards: dict[str, Scorecard],
        history: History,
        env: jinja2.Environment,
        include_drafts: bool,
        jobs: int = 1,
        progress: Progress | None = None,
    ) -> None:
        """Find the record pages that no change since the last build can have reached.

        A record's page is checked again (its context made and fingerprinted) when the
        record changed (its file, or its last change in git). It is also checked when
        another record's face changed (all but its body) and the page can show it: when it
        references that record or that record references it (before or after the change: a
        new backlink shows on the page of the record it points to), or when its context held
        that record last time (or any scorecard, when one changed: a council's page shows
        its peers' figures). And when its template changed. Every page is checked when the
        settings changed or a record was added, removed, published or withdrawn.
        Pages that are not a record's (lists, timelines, the home page) are always checked.
        Pages are rendered in `jobs` processes where that pays."""
        self.env, self.settings, self.jobs, self.progress = env, site.settings, jobs, progress
        self.reusable, self.search = set(), []
        published = {record_key(r): r for r in site.records if not r.is_withdrawn}
        page_of = {key: urls.record_path(record) for key, record in published.items()}
        self.record_pages = set(page_of.values())
        self.record_at = {page_of[key]: record for key, record in published.items()}
        layout = (include_drafts, site.settings,
                  [(record_key(r), r.is_withdrawn) for r in site.records])  # fmt: skip
        old = self.graph
        records = {}
        for record in site.records:
            key, entry = record_key(record), history.get(record.source_path)
            whole = self.fingerprinter.digest((record, entry))  # as the file's hash
            if old is not None and key in old.records and old.records[key][0] == whole:
                face = old.records[key][1]
            else:
                without = self.fingerprinter.digest_without(record, m.OWN_PAGE_FIELDS)
                face = content_hash(without + self.fingerprinter.digest(entry))
            refs = frozenset(record_key(ref) for ref in record.references)
            records[key] = (whole, face, refs)
        for record in site.records:  # other pages see each record as its face
            key = record_key(record)
            self.fingerprinter.know(record, records[key][1], key)
        self.own = {path: records[key][0] for key, path in page_of.items()}
        self.new_graph = Graph(
            site=self._digest(layout),
            records=records,
            scorecards=self._digest(sorted(scorecards.items())),
            templates={
                name: self._template_digest(name)
                for name in sorted({COLLECTIONS[r.collection].template for r in published.values()})
            },
            shows={},
        )
        if old is None or old.site != self.new_graph.site or old.records.keys() != records.keys():
            return
        changed = {key for key, (whole, _, _) in records.items() if old.records[key][0] != whole}
        seen = {key for key in changed if old.records[key][1] != records[key][1]}  # its face
        near = changed.copy()
        for key in seen:
            near |= old.records[key][2] | records[key][2]
        if old.scorecards != self.new_graph.scorecards:
            seen.add(SCORECARDS)
        for key, record in published.items():
            path = page_of[key]
            template = COLLECTIONS[record.collection].template
            shown = old.shows.get(path)
            if (
                shown is not None
                and key not in near
                and records[key][2].isdisjoint(seen)
                and shown.isdisjoint(seen)
                and old.templates.get(template) == self.new_graph.templates[template]
            ):
                self.reusable.add(path)

    def reused(self, output_path: str) -> Unchanged | None:
        """A page `plan` found no change can reach, if the output still holds it as written
        and its search item is kept; else None."""
        if output_path not in self.reusable or self.fragments is None:
            return None
        fingerprint = self.fingerprints.get(output_path)
        state = self.manifest.get(output_path)
        if fingerprint is None or state is None:
            return None
        key = _search_key(fingerprint)
        state = self._as_written(output_path, state) if self.fragments.holds(key) else None
        if state is None:
            return None
        assert self.graph is not None
        self.new_fingerprints[output_path] = fingerprint
        self.shows[output_path] = self.graph.shows[output_path]
        self.fragments.keep(key)
        self.search.append((output_path, key, None))
        return Unchanged(state)

    def render(
        self,
        render: Callable[[Any], bytes],
        pages: Sequence[Page],
        prepare: Callable[[list[Any]], None] | None = None,
    ) -> Iterator[Content]:
        """Each page's content, in order, as it is ready: Unchanged where the page, the site
        settings and its templates are as they were and the output still holds the page as
        written, else its bytes, rendered (in workers where that pays)."""
        cached = [self._unchanged(page) for page in pages]
        return map_missing(render, pages, cached, self.jobs, self.progress, "rendering pages",
                           prepare)  # fmt: skip

    def make_and_render(
        self,
        sources: Sequence[Any],
        make: Callable[[Any], Page],
        render: Callable[[Any], bytes],
        index: Callable[[Any], Any],
    ) -> Iterator[tuple[str, Content]]:
        """For each source (a record), in order: its page's output path and its content.
        Each page is made, fingerprinted, rendered if it changed and indexed where it is
        made, in the workers when there are many: they inherit the linked site and send back
        only the bytes (or Unchanged), the fingerprint, the records the page held and the
        search item (none when the store holds it), so no page's context is ever held here.
        The search items go to the fragments until `search_items` reads them back. The
        templates must be compiled before."""
        self.make, self.index = make, index
        if self.fragments is not None:
            self.fragments.store.keys  # noqa: B018 - read once here, not in every worker
        job = partial(_make_page, self, make, render, index)
        for made in map_chunks(_each, job, sources, self.jobs, self.progress, "rendering pages"):
            key = None
            if made.fingerprint is not None:
                self._note(made.output_path, made.fingerprint, made.shows)
                if self.fragments is not None:
                    key = _search_key(made.fingerprint)
                    self.fragments.keep(key, made.item)  # kept there, not here, till the index
            self.search.append((made.output_path, key, None if key is not None else made.item))
            yield made.output_path, made.content

    def search_items(self) -> Iterator[Any]:
        """The search item of every record page reused or made, in that order: read back
        from the fragments a few hundred at a time. One the store cannot give after all (an
        entry found damaged) is made again from its record."""
        for start in range(0, len(self.search), SEARCH_ITEMS_READ):
            part = self.search[start : start + SEARCH_ITEMS_READ]
            assert self.fragments is not None or all(key is None for _, key, _ in part)
            keys = [key for _, key, _ in part if key is not None]
            found = self.fragments.get_many(keys) if self.fragments and keys else {}
            for output_path, key, item in part:
                if key is not None:
                    item = found.get(key)
                if item is None:
                    assert self.make is not None and self.index is not None
                    item = self.index(self.make(self.record_at[output_path]))
                yield item

    def saved_graph(self, manifest: Manifest) -> Graph | None:
        """The graph of this build, for the next: None where no plan was made."""
        if self.new_graph is None:
            return None
        shows = {path: held for path, held in self.shows.items() if path in manifest}
        return Graph(**{**self.new_graph.__dict__, "shows": shows})

    def _unchanged(self, page: Page) -> Content | None:
        fingerprint, shows = self._fingerprint(page)
        if fingerprint is not None:
            self._note(page.output_path, fingerprint, shows)
        return self._kept(page.output_path, fingerprint)

    def _kept(self, output_path: str, fingerprint: bytes | None) -> Unchanged | None:
        """Unchanged, if the page had this fingerprint last time and the output still holds
        it as written."""
        if fingerprint is None or self.fingerprints.get(output_path) != fingerprint:
            return None
        state = self.manifest.get(output_path)
        state = self._as_written(output_path, state) if state is not None else None
        return Unchanged(state) if state is not None else None

    def _note(self, output_path: str, fingerprint: bytes, shows: frozenset[str]) -> None:
        self.new_fingerprints[output_path] = fingerprint
        if output_path in self.record_pages:  # the only pages ever reused unseen
            self.shows[output_path] = shows

    def _as_written(self, output_path: str, state: FileState) -> FileState | None:
        """The state of a page's file if the output holds it as the last build wrote it (by
        its stat, or by its bytes where only its stat changed: an output restored from a
        cache); None if it is gone or differs."""
        try:
            return state_if_same(os.path.join(self.output_dir, output_path), state)
        except OSError:
            return None

    def _fingerprint(self, page: Page) -> tuple[bytes | None, frozenset[str]]:
        """A hash of everything a page shows: its context, the site settings, its templates;
        and the records the context holds."""
        try:
            digest, shows = self.fingerprinter.digest_showing((page, self.settings))
        except Unfingerprintable:
            return None, frozenset()
        template = self._template_digest(page.template)
        own = self.own.get(page.output_path, b"")  # a record page's own record, body and all
        return content_hash(stores.code_digest() + template + own + digest), shows

    def _template_digest(self, name: str) -> bytes:
        if name not in self.template_digests:
            assert self.env is not None
            self.template_digests[name] = template_closure_digest(self.env, name)
        return self.template_digests[name]

    def _digest(self, value: Any) -> bytes:
        try:
            return self.fingerprinter.digest(value)
        except Unfingerprintable:  # never the same as another build's: every page checked
            return os.urandom(16)


@dataclass(frozen=True)
class _Made:
    """What a worker sends back of a page it made: small next to the page's context."""

    output_path: str
    content: Content
    item: Any  # None when the store holds it under the fingerprint
    fingerprint: bytes | None
    shows: frozenset[str]


def _make_page(
    cache: PageCache,
    make: Callable[[Any], Page],
    render: Callable[[Any], bytes],
    index: Callable[[Any], Any],
    source: Any,
) -> _Made:
    """One page made, checked, rendered if it changed, and indexed, where it is made."""
    page = make(source)
    fingerprint, shows = cache._fingerprint(page)
    content = cache._kept(page.output_path, fingerprint) or render(page)
    kept = (
        fingerprint is not None
        and cache.fragments is not None
        and cache.fragments.holds(_search_key(fingerprint))
    )
    return _Made(page.output_path, content, None if kept else index(page), fingerprint, shows)


def _each(job: Callable[[Any], _Made], sources: Sequence[Any]) -> list[_Made]:
    return [job(source) for source in sources]


def _search_key(fingerprint: bytes) -> bytes:
    return content_hash(b"search item\0" + fingerprint)
