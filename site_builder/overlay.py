"""The errors of a failed rebuild, as the live preview shows them over the last good site."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

# An address no page of the site can have: slugs and collection folders never start with "_".
STYLESHEET_PATH = "/__site-builder__/errors.css"
_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


def count_errors(errors: Sequence[str]) -> str:
    return f"{len(errors)} error{'' if len(errors) == 1 else 's'}"


def banner(errors: Sequence[str]) -> str:
    """The list of errors, as an element to put at the top of a page."""
    items = "\n".join(f"<li><pre>{html.escape(error)}</pre></li>" for error in errors)
    return f"""<aside class="site-builder-errors" role="alert" aria-labelledby="site-builder-errors">
<details open>
<summary id="site-builder-errors">The site could not be rebuilt: {count_errors(errors)}</summary>
<p>This is the last version that built. Fix each problem below (the file name and line
number say where) and save: the page reloads by itself.</p>
<ol>
{items}
</ol>
</details>
</aside>
"""


def with_errors(page: bytes, errors: Sequence[str]) -> bytes:
    """A page of the site with the errors at the top of its body and their stylesheet, which
    is a file (the pages' Content-Security-Policy allows no inline style)."""
    link = f'<link rel="stylesheet" href="{STYLESHEET_PATH}">\n'.encode()
    page = page.replace(b"</head>", link + b"</head>", 1)
    shown = banner(errors).encode("utf-8")
    body = _BODY.search(page)
    if body is None:
        return shown + page
    return page[: body.end()] + b"\n" + shown + page[body.end() :]


def error_page(errors: Sequence[str]) -> str:
    """What every address shows while there is no good site yet to show under the errors."""
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The site could not be built</title>
<link rel="stylesheet" href="{STYLESHEET_PATH}">
</head>
<body class="site-builder-alone">
{banner(errors)}</body>
</html>
"""


def stylesheet() -> str:
    """Kept apart from the site's own CSS, with names of its own, so neither restyles the other."""
    return """.site-builder-errors {
  position: sticky; top: 0; z-index: 2147483647; margin: 0; padding: 0.75rem 1rem;
  max-height: 60vh; overflow: auto; box-sizing: border-box;
  font: 1rem/1.5 system-ui, sans-serif; color: #1a1a1a; background: #fff;
  border-bottom: 4px solid #a00000; box-shadow: 0 2px 8px rgba(0, 0, 0, 0.3);
}
.site-builder-errors summary { font-weight: bold; color: #a00000; cursor: pointer; }
.site-builder-errors p { margin: 0.5rem 0; max-width: 60rem; }
.site-builder-errors ol { margin: 0; padding-left: 1.5rem; }
.site-builder-errors li {
  margin: 0.4rem 0; padding: 0.4rem 0.6rem; background: #fff0f0; border-left: 4px solid #a00000;
}
.site-builder-errors pre { white-space: pre-wrap; margin: 0; font-size: 0.95rem; }
.site-builder-alone { margin: 0; }
.site-builder-alone .site-builder-errors { position: static; max-height: none; box-shadow: none; }
"""
