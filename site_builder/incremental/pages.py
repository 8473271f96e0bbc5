"""The page stage, reusing the output of pages made from the same things as last time."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from site_builder.config import Progress
from site_builder.incremental import stores
from site_builder.incremental.fingerprint import (
    Fingerprinter,
    Unfingerprintable,
    template_closure_digest,
)
from site_builder.incremental.workers import map_missing
from site_builder.manifest import Manifest, content_hash, is_as_recorded
from site_builder.write import Content, Unchanged

if TYPE_CHECKING:  # Jinja is loaded when pages are rendered, not by a build with nothing to do
    import jinja2


class Page(Protocol):
    """What the page cache needs of a page context."""

    @property
    def output_path(self) -> str: ...

    @property
    def template(self) -> str: ...


@dataclass
class PageCache:
    """The pages of the last build into one output folder, and what each was made from."""

    output_dir: Path
    manifest: Manifest
    fingerprints: dict[str, bytes]
    fingerprinter: Fingerprinter = field(default_factory=Fingerprinter)
    new_fingerprints: dict[str, bytes] = field(default_factory=dict)
    template_digests: dict[str, bytes] = field(default_factory=dict)

    def stream(
        self,
        render: Callable[[Any], bytes],
        pages: Sequence[Page],
        settings: Any,
        env: jinja2.Environment,
        jobs: int,
        progress: Progress | None = None,
        prepare: Callable[[list[Any]], None] | None = None,
    ) -> Iterator[Content]:
        """Each page's content, in order, as it is ready: Unchanged where the page, the site
        settings and its templates are as they were and the output still holds the page as
        written, else its bytes, rendered (in workers where that pays)."""
        cached = [self._reuse(page, settings, env) for page in pages]
        return map_missing(render, pages, cached, jobs, progress, "rendering pages", prepare)

    def _reuse(self, page: Page, settings: Any, env: jinja2.Environment) -> Content | None:
        fingerprint = self._fingerprint(page, settings, env)
        if fingerprint is None or self.fingerprints.get(page.output_path) != fingerprint:
            return None
        state = self.manifest.get(page.output_path)
        if state is None:
            return None
        try:
            is_there = is_as_recorded(os.path.join(self.output_dir, page.output_path), state)
        except OSError:
            return None
        return Unchanged(state) if is_there else None

    def _fingerprint(self, page: Page, settings: Any, env: jinja2.Environment) -> bytes | None:
        """A hash of everything a page shows: its context, the site settings, its templates."""
        try:
            digest = self.fingerprinter.digest((page, settings))
        except Unfingerprintable:
            return None
        template = self._template_digest(page.template, env)
        fingerprint = content_hash(stores.code_digest() + template + digest)
        self.new_fingerprints[page.output_path] = fingerprint
        return fingerprint

    def _template_digest(self, name: str, env: jinja2.Environment) -> bytes:
        if name not in self.template_digests:
            self.template_digests[name] = template_closure_digest(env, name)
        return self.template_digests[name]
