"""The Markdown of every record (bodies and Markdown fields) as sanitised HTML, with every
site link checked: the per-text work, and what the texts of the whole site add up to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder import models as m
from site_builder import urls
from site_builder.errors import ContentError, SourceLocation
from site_builder.link import Site
from site_builder.markup import RenderedMarkdown, render_markdown
from site_builder.render import data
from site_builder.vocabulary import COLLECTIONS


@dataclass(frozen=True)
class MarkdownText:
    """One Markdown text of a record: where its HTML is kept, the page it is shown on,
    the text, and the file and line it starts at."""

    key: str
    page_path: str
    markdown: str
    line: int
    source_path: Path


def record_texts(records: Sequence[m.Record]) -> list[MarkdownText]:
    """Every Markdown text of the records: each body (kept by page path) and each Markdown
    field (kept as 'page path#field', e.g. 'cases/x/index.html#proceedings')."""
    texts = []
    for record in records:
        path = urls.record_path(record)
        texts.append(MarkdownText(path, path, record.body, record.body_line, record.path))
        texts.extend(
            MarkdownText(urls.text_key(record, p.key), path, p.text, p.line, record.path)
            for p in record.prose
        )
    return texts


def known_paths(site: Site) -> frozenset[str]:
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


def render_text(known: frozenset[str], text: MarkdownText) -> RenderedMarkdown:
    """One text as sanitised HTML, with its problems and the site pages it links to."""
    return render_markdown(text.markdown, text.page_path, known, text.line)


def collect_texts(
    texts: Sequence[MarkdownText],
    rendered: Sequence[RenderedMarkdown],
    unreadable: Mapping[str, frozenset[str]],
) -> tuple[dict[str, str], list[ContentError]]:
    """The HTML of every text by key, and the problems found, each at its file and line.

    `unreadable` holds the slugs of record files that failed to load or validate: their
    own errors say why, so links to their pages are not reported in every linking file."""
    unread = frozenset(
        path
        for collection, slugs in unreadable.items()
        for slug in slugs
        for path in (urls.collection_path(collection, slug),
                     *([urls.authority_feed_path(slug)] if collection == "authorities" else []))
    )  # fmt: skip
    errors = [
        ContentError(SourceLocation(text.source_path, problem.line), problem.message)
        for text, result in zip(texts, rendered, strict=True)
        for problem in result.problems
        if problem.target not in unread
    ]
    return {text.key: result.html for text, result in zip(texts, rendered, strict=True)}, errors
