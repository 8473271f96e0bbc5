"""Markdown bodies to sanitised HTML, with site links checked and made relative."""

from __future__ import annotations

import re
import threading
import urllib.parse
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from site_builder import urls
from site_builder.markup_bounds import check_markdown_bounds

ALLOWED_TAGS = {
    "p", "a", "em", "strong", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "hr", "br", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
SCHEMES = {"http", "https", "mailto"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


@dataclass(frozen=True)
class BodyProblem:
    """A problem in a Markdown body, at a line of its file."""

    line: int
    message: str
    target: str = ""  # for a link to no page: the output path it names


@dataclass(frozen=True)
class RenderedMarkdown:
    """A Markdown text as sanitised HTML, its problems, and the site pages it links to."""

    html: str
    problems: tuple[BodyProblem, ...] = ()
    site_links: tuple[str, ...] = ()  # output paths, sorted


@dataclass
class _Context:
    page_path: str
    known_paths: frozenset[str]
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # needle, message, target
    links: set[str] = field(default_factory=set)


class _LinkChecker(Treeprocessor):
    """Demote headings below the page's h1, refuse images and unsafe or dangling links."""

    def __init__(self, md: markdown.Markdown, context: _Context) -> None:
        super().__init__(md)
        self.context = context

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in {"h1", "h2", "h3", "h4", "h5"}:
                element.tag = f"h{int(element.tag[1]) + 1}"
            elif element.tag == "img":
                self.context.problems.append(
                    (element.get("src", ""), "images are not allowed in record text", "")
                )
            elif element.tag == "a":
                element.set("href", self.rewrite(element.get("href", "")))

    def rewrite(self, href: str) -> str:
        # A browser reads the address as written: '%23a' is a page named '#a', not the anchor
        # 'a'. So links are resolved as written, and the decoded form is only checked too, so
        # that no escape can carry in a scheme such as javascript:.
        written = _INVISIBLE.sub("", href)
        decoded = _INVISIBLE.sub("", urllib.parse.unquote(href))
        schemes = {urllib.parse.urlsplit(text).scheme.lower() for text in (written, decoded)}
        if schemes - SCHEMES - {""}:
            self.context.problems.append(
                (href, (f"link '{href}' is not allowed: use https://, http://, mailto: "
                       "or a site address such as /cases/slug/"), "")
            )  # fmt: skip
            return "#"
        if urllib.parse.urlsplit(written).scheme or written.startswith("#") or not written:
            return href
        return self.rewrite_site_link(href, written)

    def rewrite_site_link(self, href: str, written: str) -> str:
        parts = urllib.parse.urlsplit(written)
        path = urllib.parse.unquote(parts.path)  # as the server maps it to a file
        target = urls.site_path_of_url(path, self.context.page_path) if not parts.netloc else None
        if target is None:
            self.context.problems.append((href, f"link '{href}' climbs outside the site", ""))
            return "#"
        if target not in self.context.known_paths:
            message = f"link '{href}' points to no page of the site"
            if "%23" in href:
                message += "; for a place on a page write '#', not '%23'"
            self.context.problems.append((href, message, target))
            return "#"
        self.context.links.add(target)
        return urls.relative_url(self.context.page_path, target, parts.fragment)


class _Checks(Extension):
    def __init__(self, context: _Context) -> None:
        super().__init__()
        self.context = context

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")  # raw HTML is shown as text, never passed on
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_LinkChecker(md, self.context), "site_links", 1)


def render_markdown(
    body: str, page_path: str, known_paths: frozenset[str], body_line: int
) -> RenderedMarkdown:
    """Sanitised HTML for a body and the problems found, located by line; a body beyond
    the bounds Python-Markdown renders in reasonable time is refused unrendered."""
    too_large = check_markdown_bounds(body, body_line)
    if too_large:
        return RenderedMarkdown("", tuple(BodyProblem(line, text) for line, text in too_large))
    context = _Context(page_path, known_paths)
    html = _converter(context).convert(body)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    problems = tuple(
        BodyProblem(_line_of(body, needle, body_line), text, target)
        for needle, text, target in context.problems
    )
    return RenderedMarkdown(clean, problems, tuple(sorted(context.links)))


_local = threading.local()


def _converter(context: _Context) -> markdown.Markdown:
    """This thread's converter, reset and checking links for `context`: making a new one for
    every body cost a fifth of the time spent on Markdown."""
    converter: markdown.Markdown | None = getattr(_local, "converter", None)
    if converter is None:
        converter = markdown.Markdown(extensions=["tables", "sane_lists", _Checks(context)])
        _local.converter = converter
    converter.reset()
    converter.treeprocessors["site_links"].context = context  # type: ignore[attr-defined]
    return converter


def _line_of(body: str, needle: str, body_line: int) -> int:
    index = body.find(needle) if needle else -1
    return body_line + (body.count("\n", 0, index) if index >= 0 else 0)


_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def links_as_words(text: str) -> str:
    """Markdown text with each inline link replaced by its words: for a feed's summary or a
    meta description, where a citation cannot be a link."""
    return _MARKDOWN_LINK.sub(r"\1", text)
