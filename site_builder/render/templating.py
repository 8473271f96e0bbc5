"""The Jinja environment: autoescape everywhere, strict undefined, relative links."""

from __future__ import annotations

import os
import re
import traceback
import urllib.parse
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from site_builder import models as m
from site_builder import urls
from site_builder import vocabulary as v
from site_builder.errors import ContentError, SourceLocation


def make_environment(
    templates_dir: Path,
    bytecode_cache: jinja2.BytecodeCache | None = None,
    is_preview: bool = False,
) -> jinja2.Environment:
    """Return the environment every page is rendered with; a bytecode cache keeps compiled
    templates between builds. `is_preview` marks every page of a --drafts build as a
    preview (a banner, and robots noindex)."""
    env = RecordEnvironment(
        loader=jinja2.FileSystemLoader(templates_dir),
        bytecode_cache=bytecode_cache,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment serves one build, in which templates stay put
    )
    env.globals["url_for"] = url_for
    env.globals["is_preview"] = is_preview
    env.filters["grade_label"] = grade_label
    env.filters["label"] = label
    env.filters["record_kind"] = record_kind
    env.filters["figure"] = figure
    env.filters["review_kind"] = review_kind
    env.filters["inline"] = inline
    return env


class UnshownField(jinja2.TemplateRuntimeError):
    """A template asked for a record's raw Markdown body."""


class RecordEnvironment(jinja2.Environment):
    """Jinja's environment, but a template may not read a record's `body`, its raw Markdown
    (models.OWN_PAGE_FIELDS). A page shows its own record's body as `page.body_html`,
    sanitised; no page shows another record's body, which is what lets an edit to a body
    leave the pages naming the record as they are (incremental/pages.py)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute in m.OWN_PAGE_FIELDS and isinstance(obj, m.Record):
            raise UnshownField(_UNSHOWN)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if argument in m.OWN_PAGE_FIELDS and isinstance(obj, m.Record):
            raise UnshownField(_UNSHOWN)
        return super().getitem(obj, argument)


_UNSHOWN = (
    "a template may not show a record's body, its raw Markdown: a page shows its own "
    "record's text as page.body_html, and no other record's"
)


def describe_template_error(problem: BaseException, templates_dir: Path) -> ContentError | None:
    """A failure inside a template as `templates/x.html:LINE: message`, or None when no
    template is at fault. Jinja puts each template's own file and line in the traceback."""
    if isinstance(problem, jinja2.TemplateSyntaxError):
        return template_error(problem, templates_dir)  # worded as the build words it
    root = os.path.realpath(templates_dir)
    frames = [
        frame for frame in traceback.extract_tb(problem.__traceback__)
        if os.path.commonpath([root, os.path.realpath(frame.filename)]) == root
    ]  # fmt: skip
    if not frames:
        return None
    message = str(problem)
    if not isinstance(problem, (jinja2.UndefinedError, UnshownField)):  # these say it all
        message = f"{type(problem).__name__}: {message}"
    return ContentError(SourceLocation(Path(frames[-1].filename), frames[-1].lineno or 1), message)


def template_error(problem: jinja2.TemplateSyntaxError, templates_dir: Path) -> ContentError:
    """A template's syntax error as `templates/x.html:LINE: message`, like a content error.

    The path comes from the template's name: an error raised in a worker process reaches
    this one without its file name."""
    path = templates_dir / problem.name if problem.name else Path(problem.filename or templates_dir)
    message = f"template syntax error: {problem.message}; fix the template"
    return ContentError(SourceLocation(path, problem.lineno or 1), message)


@jinja2.pass_context
def url_for(context: jinja2.runtime.Context, target: Any, fragment: str = "") -> str:
    """A relative link from the page being rendered to a record, or to a named page."""
    page = context["page"]
    if isinstance(target, m.Record):
        to_path = urls.record_path(target)
    elif target in urls.PAGE_PATHS:
        to_path = urls.PAGE_PATHS[target]
    else:
        to_path = str(target)
    if page.output_path == urls.PAGE_PATHS["not_found"]:
        # Served at any depth: a path from the host's root, under base_url's own path, so the
        # page also works on a preview or test host.
        path = urllib.parse.urlsplit(urls.absolute_url(context["site"].base_url, to_path)).path
        return path + (f"#{fragment}" if fragment else "")
    return urls.relative_url(page.output_path, to_path, fragment)


def grade_label(grade: v.Grade | str | None) -> str:
    """'Requires improvement' for requires_improvement; a dash for no grade."""
    if grade is None:
        return "—"
    return v.Grade(grade).label


def label(value: v.Term | str) -> str:
    """A contract word such as metropolitan_district as page copy: 'Metropolitan district'."""
    if isinstance(value, v.Term):
        return value.label
    return value.replace("_", " ").capitalize()  # a word of our own: a figure's metric


def record_kind(record: m.Record) -> str:
    """What a record is, in page copy: 'Case', 'Council', 'Judgement'."""
    collection = v.COLLECTIONS.get(record.collection)
    return collection.label if collection else "Record"


def figure(value: float | None) -> str:
    """A count or median as page copy: '1,200', '197.5'; a dash when there is none."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def review_kind(kind: v.ReviewKind | str) -> str:
    """A review's kind as page copy: scr -> 'Serious case review'."""
    return v.ReviewKind(kind).label


_ONE_PARAGRAPH = re.compile(r"^<p>((?:(?!</?p>).)*)</p>\s*$", re.DOTALL)


def inline(html: str) -> markupsafe.Markup:
    """Sanitised HTML of a one-paragraph Markdown field without its <p>, to sit in a sentence;
    several paragraphs stay as they are."""
    match = _ONE_PARAGRAPH.match(html.strip())
    return markupsafe.Markup(match.group(1) if match else html)  # sanitised by markup
