"""The Markdown stage, reusing the HTML of texts rendered before without problems."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from site_builder.config import Progress
from site_builder.incremental.stores import LazyStore
from site_builder.incremental.workers import map_missing
from site_builder.manifest import content_hash

if TYPE_CHECKING:  # loaded when texts are rendered: a build with nothing to do never needs them
    from site_builder.markup import RenderedMarkdown
    from site_builder.render.texts import MarkdownText


@dataclass
class TextCache:
    """Rendered texts without problems, by text and page; each keeps the site pages it
    links to, and is used only while every one of them still exists."""

    store: LazyStore  # key -> (HTML, the site pages it links to)
    used: set[bytes] = field(default_factory=set)

    @classmethod
    def empty(cls) -> TextCache:
        return cls(LazyStore.in_memory())

    def map(
        self,
        render: Callable[[MarkdownText], RenderedMarkdown],
        texts: Sequence[MarkdownText],
        known_paths: frozenset[str],
        jobs: int,
        progress: Progress | None = None,
    ) -> list[RenderedMarkdown]:
        """Each text rendered, in order: from the cache where it may be, else in workers."""
        keys = [_key(text) for text in texts]
        cached = [self._lookup(key, known_paths) for key in keys]
        results = list(map_missing(render, texts, cached, jobs, progress, "rendering text"))
        for key, was_cached, result in zip(keys, cached, results, strict=True):
            if was_cached is None and not result.problems:
                self.store.put(key, (result.html, result.site_links))
            if was_cached is not None or not result.problems:
                self.used.add(key)
        return results

    def _lookup(self, key: bytes, known_paths: frozenset[str]) -> RenderedMarkdown | None:
        entry = self.store.entries.get(key)
        if entry is None or not all(path in known_paths for path in entry[1]):
            return None  # rendered again, which reports the link to a page now gone
        from site_builder.markup import RenderedMarkdown

        return RenderedMarkdown(entry[0], (), entry[1])

    def forget_others(self) -> None:
        self.store.keep_only(self.used)


def _key(text: MarkdownText) -> bytes:
    return content_hash(text.page_path.encode() + b"\0" + text.markdown.encode())
