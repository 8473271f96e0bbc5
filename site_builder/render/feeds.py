"""Atom feeds, the sitemap and robots.txt: dates from the content, never the clock."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from site_builder import markup, urls
from site_builder import models as m
from site_builder.link import Site
from site_builder.render.site_pages import Change
from site_builder.vocabulary import COLLECTIONS

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_ENTRIES = 50
# A feed with no entries still needs an `updated`; a fixed date keeps the bytes stable.
NO_CHANGES = m.PartialDate(1970, 1, 1)


def render_feeds(site: Site, changes: list[Change]) -> dict[str, bytes]:
    """The site-wide feed and one feed per council, keyed by output path."""
    base = site.settings.base_url
    feed_path = urls.PAGE_PATHS["feed"]
    files = {feed_path: render_feed(site, changes, feed_path, site.settings.title, base)}
    by_authority: dict[str, list[Change]] = {}  # one pass: a scan per council is quadratic
    for change in changes:
        for slug in concerned_authorities(change.record):
            by_authority.setdefault(slug, []).append(change)
    for slug, authority in site.authorities.items():
        if authority.is_withdrawn:
            continue  # a withdrawn council keeps its address and publishes nothing else
        own = by_authority.get(slug, [])
        path = urls.authority_feed_path(slug)
        title = f"{authority.name}: {site.settings.title}"
        page = urls.absolute_url(base, urls.record_path(authority))
        files[path] = render_feed(site, own, path, title, page)
    return files


def concerned_authorities(record: m.Record) -> tuple[str, ...]:
    """The councils in whose feeds a change to `record` belongs."""
    if isinstance(record, m.Authority):
        return (record.slug,)
    if isinstance(record, m.Body):
        return tuple(dict.fromkeys(record.authorities))
    slug = getattr(record, "authority", None)
    return (slug,) if isinstance(slug, str) else ()


def render_feed(
    site: Site, changes: list[Change], output_path: str, title: str, page_url: str
) -> bytes:
    """An Atom feed of the newest changes; its id and self link are the feed's own address."""
    base = site.settings.base_url
    feed_url = urls.absolute_url(base, output_path)
    feed = ET.Element("feed", xmlns=ATOM)
    _text(feed, "id", feed_url)
    _text(feed, "title", title)
    _text(feed, "subtitle", site.settings.description)
    entries = changes[:FEED_ENTRIES]
    _text(feed, "updated", max((timestamp(c.date) for c in entries), default=timestamp(NO_CHANGES)))
    ET.SubElement(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    ET.SubElement(feed, "link", rel="alternate", href=page_url, type="text/html")
    author = ET.SubElement(feed, "author")
    _text(author, "name", site.settings.title)
    _text(author, "uri", base)
    if site.settings.licence:
        _text(feed, "rights", site.settings.licence)
    for change in entries:
        _add_entry(feed, change, base)
    ET.indent(feed)
    return _serialise(feed)


def _add_entry(feed: ET.Element, change: Change, base: str) -> None:
    record = change.record
    record_url = urls.absolute_url(base, urls.record_path(record))
    entry = ET.SubElement(feed, "entry")
    _text(entry, "id", entry_id(change, record_url))
    noun = COLLECTIONS[record.collection].noun
    if change.is_correction:
        _text(entry, "title", f"Correction to {record.label}")
        summary = f"Correction to this {noun}: {markup.links_as_words(change.text)}"
    else:
        _text(entry, "title", f"New {noun}: {record.label}")
        summary = f"{record.label} was added to the record."
    _text(entry, "updated", timestamp(change.date))
    ET.SubElement(entry, "link", rel="alternate", href=record_url, type="text/html")
    ET.SubElement(entry, "category", term=record.collection, label=noun)
    _text(entry, "summary", summary)


def entry_id(change: Change, record_url: str) -> str:
    """A stable id: the record's address for its addition, plus the correction's number.

    Neither depends on the date, so re-dating a review does not make a new entry, and
    two corrections on one day still get different ids.
    """
    if not change.is_correction:
        return record_url
    number = next(
        (i for i, c in enumerate(change.record.corrections, 1)
         if c.date == change.date and c.text == change.text),
        0,
    )  # fmt: skip
    return f"{record_url}#correction-{number}"


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = text


def timestamp(date: m.PartialDate) -> str:
    """An RFC 3339 time for a date as precise as the content gives it (its first day)."""
    return date.earliest().isoformat() + "T00:00:00Z"


def _serialise(root: ET.Element) -> bytes:
    """UTF-8 XML. Elements carry no prefix: the root's xmlns puts them all in its namespace,
    with no change to ElementTree's global namespace registry."""
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def render_sitemap(base_url: str, page_paths: list[str]) -> bytes:
    """sitemap.xml listing every public HTML page by its absolute address."""
    root = ET.Element("urlset", xmlns=SITEMAP)
    for address in sorted(urls.absolute_url(base_url, path) for path in page_paths):
        ET.SubElement(ET.SubElement(root, "url"), "loc").text = address
    ET.indent(root)
    return _serialise(root)


def render_robots(base_url: str, is_preview: bool = False) -> bytes:
    """robots.txt: everything may be crawled, the sitemap says where the pages are; a drafts
    preview may not be crawled at all."""
    if is_preview:
        return b"User-agent: *\nDisallow: /\n"
    sitemap = urls.absolute_url(base_url, urls.PAGE_PATHS["sitemap"])
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()
