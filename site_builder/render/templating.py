"""The Jinja environment: autoescape everywhere, strict undefined, relative links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from site_builder import models as m
from site_builder import urls


def make_environment(templates_dir: Path) -> jinja2.Environment:
    """Return the environment every page is rendered with."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["url_for"] = url_for
    env.filters["grade_label"] = grade_label
    env.filters["label"] = label
    return env


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
        return urls.absolute_url(context["site"].base_url, to_path) + (
            f"#{fragment}" if fragment else ""
        )
    return urls.relative_url(page.output_path, to_path, fragment)


def grade_label(grade: m.Grade | str | None) -> str:
    """'Requires improvement' for requires_improvement; a dash for no grade."""
    if grade is None:
        return "—"
    value = grade.value if isinstance(grade, m.Grade) else grade
    return value.replace("_", " ").capitalize()


def label(value: str) -> str:
    """A contract word such as metropolitan_district as page copy: 'Metropolitan district'."""
    return value.replace("_", " ").capitalize()
