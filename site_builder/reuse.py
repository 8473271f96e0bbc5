"""The costly per-item work of a build, reusing the cache and spreading the rest over processes:
reading and validating record files, rendering Markdown bodies, rendering pages."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from site_builder import markup, urls
from site_builder import models as m
from site_builder.cache import BodyCache, PageCache, RecordCache, settled_signature
from site_builder.errors import ContentError, SourceLocation
from site_builder.fingerprint import digest_bytes
from site_builder.load import Listing, read_capped, read_record
from site_builder.pool import Progress, map_chunks
from site_builder.validate import validate_records

Valid = m.Record | m.SiteSettings
_CACHED = "cached"  # a worker found the bytes the cache already holds a record for


def load_records(
    listing: Listing,
    content_dir: Path,
    cache: RecordCache | None,
    jobs: int = 1,
    progress: Progress | None = None,
) -> tuple[list[Valid], list[ContentError]]:
    """The validated record of every listed file, in listing order, and every problem found."""
    found: dict[str, Valid] = {}
    unread: list[str] = []
    for path in listing.paths:
        record = cache.lookup(path, os.stat(path)) if cache else None
        if record is None:
            unread.append(str(path))
        else:
            found[str(path)] = record
    known = cache.cached_digests() if cache else {}
    errors: list[ContentError] = []
    for name, digest, signature, outcome in map_chunks(
        _read_chunk, (content_dir, known), unread, jobs, progress, "reading"
    ):
        if isinstance(outcome, list):
            errors.extend(outcome)
        elif isinstance(outcome, str):  # _CACHED: the cache holds a record for these bytes
            assert cache is not None
            cached = cache.settle(name, digest, signature)
            assert cached is not None, "the cache said it held these bytes"
            found[name] = cached
        else:
            found[name] = outcome
            if cache:
                cache.store(name, digest, signature, outcome)
    return [found[str(p)] for p in listing.paths if str(p) in found], errors


def _read_chunk(
    shared: tuple[Path, dict[str, bytes]], paths: Sequence[str]
) -> list[tuple[str, bytes, Any, Valid | str | list[ContentError]]]:
    """Read, parse and validate files (in a worker): a record, or the file's problems."""
    content_dir, known = shared
    results: list[tuple[str, bytes, Any, Valid | str | list[ContentError]]] = []
    for name in paths:
        path = Path(name)
        content, stat = read_capped(path)
        signature = settled_signature(stat)
        digest = digest_bytes(content)
        if known.get(name) == digest:
            results.append((name, digest, signature, _CACHED))
            continue
        raw = read_record(path, content_dir, content)
        if isinstance(raw, ContentError):
            results.append((name, digest, None, [raw]))
            continue
        records, errors = validate_records([raw])
        results.append((name, digest, signature, records[0] if records else errors))
    return results


Text = tuple[str, str, str, int]  # where its HTML is kept, page path, Markdown, first line


def record_texts(records: list[m.Record]) -> list[Text]:
    """Every Markdown text of the records: each body (kept by page path) and each Markdown
    field (kept as 'page path#field', e.g. 'cases/x/index.html#proceedings')."""
    texts = []
    for record in records:
        path = urls.record_path(record)
        texts.append((path, path, record.body, record.body_line))
        texts.extend((urls.text_key(record, p.key), path, p.text, p.line) for p in record.prose)
    return texts


def render_bodies(
    records: list[m.Record],
    known_paths: frozenset[str],
    cache: BodyCache | None,
    jobs: int = 1,
    progress: Progress | None = None,
    unreadable_paths: frozenset[str] = frozenset(),
) -> tuple[dict[str, str], list[ContentError]]:
    """Each record's body and Markdown fields as sanitised HTML (keyed as record_texts says),
    and the problems found; a link to the page of a record that could not be read is that
    record's error, not this."""
    texts = record_texts(records)
    files = [record.path for record in records for _ in range(1 + len(record.prose))]
    bodies: dict[str, str] = {}
    unrendered: list[int] = []
    for index, (key, page_path, text, _) in enumerate(texts):
        cached = cache.lookup(text, page_path, known_paths) if cache else None
        if cached is None:
            unrendered.append(index)
        else:
            bodies[key] = cached
    errors: list[ContentError] = []
    for index, body_html, problems in map_chunks(
        _body_chunk, (texts, known_paths), unrendered, jobs, progress, "rendering text"
    ):
        key, page_path, text, _ = texts[index]
        bodies[key] = body_html
        errors.extend(
            ContentError(SourceLocation(files[index], x.line), x.message)
            for x in problems
            if x.target not in unreadable_paths
        )
        if cache and not problems:
            cache.store(text, page_path, body_html)
    return bodies, errors


def _body_chunk(
    shared: tuple[list[Text], frozenset[str]], indices: Sequence[int]
) -> list[tuple[int, str, list[markup.BodyProblem]]]:
    texts, known_paths = shared
    results = []
    for index in indices:
        _, page_path, text, line = texts[index]
        body_html, problems = markup.render_markdown(text, page_path, known_paths, line)
        results.append((index, body_html, problems))
    return results


def render_pages(
    contexts: list[Any],
    settings: m.SiteSettings,
    env: jinja2.Environment,
    cache: PageCache | None,
    jobs: int = 1,
    progress: Progress | None = None,
) -> dict[str, bytes]:
    """Each page context through its template, keyed by output path; unchanged pages are
    taken from the last build's output."""
    output: dict[str, bytes] = {}
    unrendered: list[int] = []
    for index, page in enumerate(contexts):
        fingerprint = cache.fingerprint(page, settings, env) if cache else None
        reused = cache.reuse(page.output_path, fingerprint) if cache else None
        if reused is None:
            unrendered.append(index)
        else:
            output[page.output_path] = reused
    for name in sorted({contexts[i].template for i in unrendered}):
        env.get_template(name)  # compiled once here, before the workers are forked
    for index, content in map_chunks(
        _page_chunk, (contexts, settings, env), unrendered, jobs, progress, "rendering pages"
    ):
        output[contexts[index].output_path] = content
    return output


def _page_chunk(
    shared: tuple[list[Any], m.SiteSettings, jinja2.Environment], indices: Sequence[int]
) -> list[tuple[int, bytes]]:
    contexts, settings, env = shared
    templates: dict[str, jinja2.Template] = {}
    results = []
    for index in indices:
        page = contexts[index]
        if page.template not in templates:
            templates[page.template] = env.get_template(page.template)
        html = templates[page.template].render(page=page, site=settings)
        results.append((index, html.encode("utf-8")))
    return results
