"""The only place output paths and relative URLs are made."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from site_builder import models as m
from site_builder.vocabulary import COLLECTIONS

PAGE_PATHS = {
    "home": "index.html",
    "timeline": "timeline/index.html",
    "compare": "compare/index.html",
    "methodology": "methodology/index.html",
    "corrections": "corrections/index.html",
    "data": "data/index.html",
    "datapackage": "data/datapackage.json",
    "dictionary": "data/dictionary/index.html",
    "search": "search/index.html",
    "feed": "feed.xml",
    "sitemap": "sitemap.xml",
    "robots": "robots.txt",
    "not_found": "404.html",
    "stylesheet": "static/site.css",
}


def record_path(record: m.Record) -> str:
    """The output path of a record's page."""
    return collection_path(record.collection, record.slug)


def text_key(record: m.Record, field_key: str = "") -> str:
    """Where a record's rendered Markdown is kept: its page path for the body, and
    'page path#field' for a Markdown field ('cases/x/index.html#corrections.0.text')."""
    path = record_path(record)
    return f"{path}#{field_key}" if field_key else path


def collection_path(collection: str, slug: str | None = None) -> str:
    """The output path of a record page, or of the list page of a collection."""
    prefix = COLLECTIONS[collection].address_prefix
    return f"{prefix}{slug}/index.html" if slug else f"{prefix}index.html"


def authority_feed_path(slug: str) -> str:
    return f"{COLLECTIONS['authorities'].address_prefix}{slug}/feed.xml"


def timeline_kind_path(kind: str) -> str:
    """The output path of the timeline of one kind of event: 'timeline/reviews/index.html'."""
    return f"timeline/{kind}/index.html"


def authority_data_path(slug: str, extension: str) -> str:
    """A council's own download: 'authorities/<slug>/data.json' or 'data.csv'."""
    return f"{COLLECTIONS['authorities'].address_prefix}{slug}/data.{extension}"


def relative_url(from_path: str, to_path: str, fragment: str = "") -> str:
    """A link from one output file to another, relative, with `index.html` left off."""
    start = posixpath.dirname(from_path) or "."
    target = _relpath(to_path, start)
    if target == "index.html":
        target = "./"
    elif target.endswith("/index.html"):
        target = target[: -len("index.html")]
    return target + (f"#{fragment}" if fragment else "")


def _relpath(to_path: str, start: str) -> str:
    """posixpath.relpath for paths inside the output, without its costly trip through the cwd."""
    if ".." in to_path or ".." in start or to_path.startswith("/") or start.startswith("/"):
        return posixpath.relpath(to_path, start)
    start_parts = [part for part in start.split("/") if part and part != "."]
    to_parts = [part for part in to_path.split("/") if part and part != "."]
    common = 0
    for start_part, to_part in zip(start_parts, to_parts):
        if start_part != to_part:
            break
        common += 1
    return "/".join([".."] * (len(start_parts) - common) + to_parts[common:]) or "."


def absolute_url(base_url: str, output_path: str) -> str:
    """The public address of an output file, for feeds, sitemaps and canonical links."""
    path = output_path.removesuffix("index.html")
    return base_url.rstrip("/") + "/" + path


def site_path_of_url(url_path: str, page_path: str = "index.html") -> str | None:
    """The output file a link names from a page (/cases/x/ or ../x/), or None if it climbs out."""
    start = [] if url_path.startswith("/") else posixpath.dirname(page_path).split("/")
    parts = [p for p in start if p]
    for segment in url_path.split("/"):
        if segment == "..":
            if not parts:
                return None
            parts.pop()
        elif segment not in {"", "."}:
            parts.append(segment)
    path = "/".join(parts)
    is_folder = url_path.endswith("/") or not parts or "." not in parts[-1]
    if is_folder:
        return posixpath.join(path, "index.html") if path else "index.html"
    return path


def resolve_inside(root: Path, output_path: str) -> Path:
    """Return root/output_path, refusing any path that resolves outside root."""
    real_root = os.path.realpath(root)
    target = os.path.realpath(os.path.join(real_root, output_path))
    if os.path.isabs(output_path) or os.path.commonpath([real_root, target]) != real_root:
        raise ValueError(f"refusing to write outside the output folder: {output_path!r}")
    return Path(target)
