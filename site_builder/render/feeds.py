"""Atom feeds, the sitemap and robots.txt: dates from the content, never the clock."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from site_builder import models as m
from site_builder import urls
from site_builder.link import Site
from site_builder.render.site_pages import Change

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_ENTRIES = 50


def render_feed(site: Site, changes: list[Change], output_path: str, title: str) -> bytes:
    """An Atom feed of the newest changes; its id and self link are the feed's own address."""
    base = site.settings.base_url
    feed_url = urls.absolute_url(base, output_path)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", feed_url)
    _text(feed, "title", title)
    _text(feed, "subtitle", site.settings.description)
    entries = changes[:FEED_ENTRIES]
    newest = max((c.date for c in entries), default=m.PartialDate(1970, 1, 1))
    _text(feed, "updated", _timestamp(newest))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=feed_url, type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=base, type="text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", site.settings.title)
    for change in entries:
        _add_entry(feed, change, base)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _add_entry(feed: ET.Element, change: Change, base: str) -> None:
    record_url = urls.absolute_url(base, urls.record_path(change.record))
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    _text(entry, "id", f"{record_url}#{change.kind}-{change.date.iso}")
    verb = "Correction to" if change.kind == "corrected" else "Added:"
    _text(entry, "title", f"{verb} {change.record.label}")
    _text(entry, "updated", _timestamp(change.date))
    ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=record_url, type="text/html")
    _text(entry, "summary", change.text)


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = text


def _timestamp(date: m.PartialDate) -> str:
    return date.earliest().isoformat() + "T00:00:00Z"


def render_sitemap(base_url: str, page_paths: list[str]) -> bytes:
    """sitemap.xml listing every public HTML page by its absolute address."""
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for path in sorted(page_paths):
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = urls.absolute_url(base_url, path)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def render_robots(base_url: str) -> bytes:
    sitemap = urls.absolute_url(base_url, urls.PAGE_PATHS["sitemap"])
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()
