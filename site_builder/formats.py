"""The formats our schemas name (partial-date, date, web-url, contact), as jsonschema checks:
one set of functions, which the compiled validator calls too."""

from __future__ import annotations

import re
import urllib.parse

from jsonschema import FormatChecker

from site_builder import models as m

FORMATS = FormatChecker(formats=())


@FORMATS.checks("partial-date")
def _is_partial_date(value: object) -> bool:
    return not isinstance(value, str) or m.PartialDate.parse(value) is not None


@FORMATS.checks("date")
def _is_full_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = m.PartialDate.parse(value)
    return parsed is not None and parsed.is_full


@FORMATS.checks("web-url")
def _is_web_url(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if re.search(r"[\s\x00-\x1f\"<>]", value):
        return False
    parts = urllib.parse.urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


_EMAIL = re.compile(r"^[^@\s\x00-\x1f\"<>(),;:]+@[^@\s\x00-\x1f\"<>(),;:]+\.[a-zA-Z]{2,}$")


@FORMATS.checks("contact")
def _is_contact(value: object) -> bool:
    """An email address, or the https address of a form."""
    if not isinstance(value, str):
        return True
    return bool(_EMAIL.match(value)) or (value.startswith("https://") and _is_web_url(value))
