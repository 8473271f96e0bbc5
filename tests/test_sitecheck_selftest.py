"""Self-test for tests/sitecheck.py: the checkers must find planted problems and pass a clean site.

These tests need java, vnu.jar and Chromium (run `bash tests/setup-browser.sh`).
They fail, never skip, when a tool is missing.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sitecheck
from sitecheck import (
    ToolMissingError,
    check_links,
    run_axe,
    validate_html,
)

STYLE = "body{font-family:sans-serif;color:#111;background:#fff}a{color:#0645ad}\n"
CSP = (
    '<meta http-equiv="Content-Security-Policy" '
    "content=\"default-src 'self'; script-src 'self'; style-src 'self'\">"
)


def page(title: str, main: str, *, head: str = "", prefix: str = "", csp: bool = True) -> str:
    """A complete, valid, accessible page around `main` (with a strict CSP by default)."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{CSP if csp else ""}
<title>{title}</title>
<link rel="stylesheet" href="{prefix}style.css">
{head}</head>
<body>
<header><p><a href="{prefix}index.html">Home</a></p></header>
<nav aria-label="Main"><ul><li><a href="{prefix}about.html#team">Team</a></li>
<li><a href="{prefix}cases/">Cases</a></li></ul></nav>
<main>
<h1>{title}</h1>
{main}
</main>
<footer><p>Footer</p></footer>
</body>
</html>
"""


def write(root: Path, rel: str, text: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def line_of(root: Path, rel: str, needle: str) -> int:
    """1-based number of the first line of root/rel that contains needle."""
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def clean_site(tmp_path: Path) -> Path:
    root = tmp_path / "clean"
    write(root, "style.css", STYLE)
    write(root, "pic.png", PNG)
    write(
        root,
        "index.html",
        page(
            "Home",
            """<p>Welcome. <a href="#intro">Skip to intro</a>.</p>
<h2 id="intro">Intro</h2>
<p><img src="pic.png" srcset="pic.png 1x, pic.png?v=2,x 2x" alt="A dot"></p>
<table><caption>Numbers</caption><tr><th scope="col">A</th></tr><tr><td>1</td></tr></table>""",
        ),
    )
    write(root, "about.html", page("About", '<h2 id="team">Team</h2><p>We are a team.</p>'))
    write(
        root,
        "cases/index.html",
        page(
            "Cases",
            '<p><a href="../about.html">About</a> <a href="./">This list</a></p>',
            prefix="../",
        ),
    )
    return root


@pytest.fixture
def bad_site(tmp_path: Path) -> Path:
    root = tmp_path / "bad"
    write(root, "style.css", STYLE + "h1{background:url(missing-bg.png)}\n")
    write(root, "pic.png", PNG)
    write(root, "empty/readme.txt", "no index.html here\n")
    write(root, "index.html", page("Home", '<p><a href="bad.html">Bad</a></p>'))
    write(root, "about.html", page("About", '<h2 id="team">Team</h2>'))
    write(root, "cases/index.html", page("Cases", "<p>Cases.</p>", prefix="../"))
    write(
        root,
        "bad.html",
        page(
            "Bad page",
            """<p>Stray end tag here.</span></p>
<p><img src="pic.png"></p>
<p><a href="missing.html">Broken link</a></p>
<p><a href="index.html#nope">Missing fragment</a></p>
<p><a href="#also-nope">Missing local fragment</a></p>
<p><a href="javascript:alert(1)">Script link</a></p>
<p><a href="  JavaScript:alert(2)">Script link, disguised</a></p>
<p><a href="empty/">Folder without index</a></p>
<p><a href="../../outside.html">Above the root</a></p>
<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="inline"></p>
<p><a href="https://example.org/elsewhere">External, not checked</a></p>""",
        ),
    )
    return root


# ------------------------------------------------------------------------------ tools


def test_tools_are_installed():
    """Fails (does not skip) when setup-browser.sh has not been run."""
    assert sitecheck._java()
    assert sitecheck._vnu_jar().is_file()
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    assert os.access(chromium, os.X_OK), f"{chromium} missing: {sitecheck.SETUP_HINT}"
    sitecheck._axe_runner()


def test_missing_tool_raises(clean_site: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("VNU_JAR", str(clean_site / "no-such-vnu.jar"))
    with pytest.raises(ToolMissingError, match="vnu.jar"):
        validate_html(clean_site)
    monkeypatch.setenv("CHROMIUM", str(clean_site / "no-such-chromium"))
    with pytest.raises(ToolMissingError, match="Chromium"):
        run_axe(clean_site)


def test_empty_site_is_a_problem(tmp_path: Path):
    assert check_links(tmp_path) != []
    assert validate_html(tmp_path) != []


# -------------------------------------------------------------------------------- vnu


def test_vnu_clean_site(clean_site: Path):
    assert validate_html(clean_site) == []


def test_vnu_finds_errors(bad_site: Path):
    errors = validate_html(bad_site)
    assert all(re.match(r"^bad\.html:\d+:\d+: ", e) for e in errors), errors
    assert any("Stray end tag “span”" in e for e in errors), errors
    assert any("“img” element must have an “alt” attribute" in e for e in errors), errors
    stray = next(e for e in errors if "Stray end tag" in e)
    assert stray.startswith(f"bad.html:{line_of(bad_site, 'bad.html', '</span>')}:"), stray


# ------------------------------------------------------------------------------ links


def test_links_clean_site(clean_site: Path):
    assert check_links(clean_site) == []


def test_links_find_problems(bad_site: Path):
    problems = check_links(bad_site)
    text = "\n".join(problems)

    def has(*parts: str) -> bool:
        return any(all(p in line for p in parts) for line in problems)

    def at(needle: str) -> str:
        return f"bad.html:{line_of(bad_site, 'bad.html', needle)}:"

    assert has(at("missing.html"), "missing.html", "does not exist"), text
    assert has(at("index.html#nope"), 'no element with id "nope" in index.html'), text
    assert has(at("#also-nope"), 'no element with id "also-nope" in bad.html'), text
    assert has(at("alert(1)"), "javascript: URL is not allowed"), text
    assert has(at("alert(2)"), "javascript: URL is not allowed"), text
    assert has(at('href="empty/"'), "folder empty/ has no index.html"), text
    assert has(at("outside.html"), "climbs above the site root"), text
    assert has(at("data:image"), "data: URL is not allowed"), text
    assert has("style.css:2:", "missing-bg.png"), text
    assert not has("example.org"), text
    assert len(problems) == 9, text


def test_links_base_url(tmp_path: Path):
    root = tmp_path / "site"
    write(root, "index.html", page("Home", "<p>Home</p>"))
    write(root, "about.html", page("About", '<h2 id="team">Team</h2>'))
    write(root, "cases/index.html", page("Cases", "<p>Cases.</p>", prefix="../"))
    write(root, "style.css", STYLE)
    write(
        root,
        "404.html",
        page(
            "Not found",
            """<p>
<a href="https://example.org/watch/">Home</a>
<a href="https://example.org/watch">Home, no slash</a>
<a href="https://example.org/watch/about.html#team">Team</a>
<a href="https://example.org/watch/cases/">Cases</a>
<a href="/watch/about.html">Root-relative</a>
<a href="https://example.org/watch/gone.html">Gone</a>
<a href="https://example.org/watch/about.html#gone">Gone fragment</a>
<a href="/elsewhere.html">Outside the base path</a>
<a href="https://example.org/other/">Same host, other site</a></p>""",
            head='<link rel="canonical" href="https://example.org/watch/404.html">',
            prefix="/watch/",
        ),
    )
    problems = check_links(root, base_url="https://example.org/watch/")
    text = "\n".join(problems)
    assert len(problems) == 3, text
    assert "gone.html does not exist" in text
    assert 'no element with id "gone" in about.html' in text
    assert "/elsewhere.html" in text and "outside the site's base path" in text
    # Without base_url the absolute links are external (not checked), but the
    # root-relative ones are resolved from the site root, so /watch/... is broken.
    problems = check_links(root)
    assert all("/watch/" in p or "elsewhere.html" in p for p in problems), problems


# -------------------------------------------------------------------------------- axe


def test_axe_clean_site(clean_site: Path):
    assert run_axe(clean_site) == []


def test_axe_finds_problems(bad_site: Path):
    write(
        bad_site,
        "script.html",
        page(
            "Scripts",
            "<p>Scripts run here.</p>",
            head=(
                '<script src="boom.js"></script>\n'
                '<link rel="stylesheet" href="https://cdn.example.com/x.css">\n'
                '<link rel="stylesheet" href="missing.css">\n'
            ),
            csp=False,
        ),
    )
    write(bad_site, "boom.js", 'console.error("oops from script");\nthrow new Error("boom");\n')
    # No landmarks: axe "region" is a moderate finding; it must still count.
    write(
        bad_site,
        "moderate.html",
        """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Moderate</title></head>
<body><h1>Moderate</h1><p>Text outside any landmark.</p></body></html>
""",
    )
    problems = run_axe(bad_site, ["bad.html", "script.html", "moderate.html", "index.html"])
    text = "\n".join(problems)

    def has(*parts: str) -> bool:
        return any(all(p in line for p in parts) for line in problems)

    assert has("bad.html: image-alt (critical): Images must have alternative text — img"), text
    assert has("script.html: console error: oops from script"), text
    assert has("script.html: uncaught exception:", "boom"), text
    assert has("script.html: request to another origin blocked:", "//cdn.example.com/x.css"), text
    assert has("script.html: HTTP 404: /missing.css"), text
    assert has("moderate.html: region (moderate):"), text
    assert has("bad.html: HTTP 404: /missing-bg.png"), text  # url() in style.css
    assert has("bad.html: console error:", "Content Security Policy", "data:image/png"), text
    assert has("bad.html: CSP violation: img-src refused data"), text
    assert len([p for p in problems if "cdn.example.com" in p]) == 1, text
    assert not has("script.html: request failed"), text  # the 404 is reported once
    assert not has("index.html: image-alt"), text


def test_axe_reports_missing_page(clean_site: Path):
    problems = run_axe(clean_site, ["index.html", "nope.html"])
    assert problems == ["nope.html: HTTP 404: /nope.html"], problems
