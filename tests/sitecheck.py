"""Checks for a built static site: HTML validity, internal links, and accessibility.

Three functions, each returning a list of problem strings (an empty list means no problems):

    validate_html(site_dir)            Nu Html Checker (vnu.jar), errors only
    check_links(site_dir, base_url)    internal href/src/srcset/... must resolve
    run_axe(site_dir, pages)           axe-core in headless Chromium, plus console errors

If a tool is missing they raise ToolMissingError; they never skip silently.
Run `bash tests/setup-browser.sh` to install the tools. Settings through environment variables:
    CHROMIUM             browser binary (default /usr/bin/chromium)
    SITECHECK_TOOLS_DIR  folder that setup-browser.sh installs into (default <repo>/.cache/tools)
    VNU_JAR              vnu.jar (default: node_modules/vnu-jar/build/dist/vnu.jar in there)
    AXE_JS               a different axe.min.js (default: the one in axe-playwright-python)

Command line: python tests/sitecheck.py SITE_DIR [--base-url URL] [--skip vnu,links,axe]
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path
from typing import ClassVar, Self

__all__ = [
    "ToolMissingError",
    "check_all",
    "check_links",
    "html_pages",
    "run_axe",
    "validate_html",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SETUP_HINT = "run `bash tests/setup-browser.sh` (as root it installs what is missing)"


class ToolMissingError(RuntimeError):
    """A checker's tool (java, vnu.jar, Chromium, playwright, axe) is not available."""


def html_pages(site_dir: Path) -> list[str]:
    """Every HTML file under site_dir, as sorted POSIX paths relative to it."""
    site_dir = Path(site_dir)
    return sorted(
        p.relative_to(site_dir).as_posix()
        for p in site_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in HTML_SUFFIXES
    )


def _require_site(site_dir: Path) -> Path:
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        raise FileNotFoundError(f"site folder does not exist: {site_dir}")
    return site_dir


# =============================================================================== vnu


def _vnu_jar() -> Path:
    env = os.environ.get("VNU_JAR")
    if env:
        jar = Path(env)
    else:
        tools = Path(os.environ.get("SITECHECK_TOOLS_DIR", REPO_ROOT / ".cache" / "tools"))
        jar = tools / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.is_file():
        raise ToolMissingError(f"vnu.jar not found at {jar}; {SETUP_HINT}")
    return jar


def _java() -> str:
    java = shutil.which("java")
    if not java:
        raise ToolMissingError(f"java is not on PATH; {SETUP_HINT}")
    return java


def validate_html(site_dir: Path) -> list[str]:
    """Run the Nu Html Checker on every HTML file; return `relpath:line:col: message` errors."""
    site_dir = _require_site(site_dir)
    cmd = [
        _java(),
        "-Xss16m",
        "-jar",
        str(_vnu_jar()),
        "--errors-only",
        "--format",
        "json",
        "--skip-non-html",
        str(site_dir),
    ]
    if not html_pages(site_dir):
        return [f"{site_dir}: no HTML pages to validate"]
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", check=False)
    # vnu writes its JSON report to stderr; exit status 1 just means "errors found".
    raw = proc.stderr.strip() or proc.stdout.strip()
    try:
        report = json.loads(raw)
    except json.JSONDecodeError as e:
        raise RuntimeError(f"vnu did not print JSON (exit {proc.returncode}): {raw[:1000]}") from e
    root = site_dir.resolve()
    problems = []
    for msg in report.get("messages", []):
        if msg.get("type") == "info":  # warnings; --errors-only should already drop them
            continue
        rel = _vnu_relpath(msg.get("url", ""), root)
        line = msg.get("firstLine", msg.get("lastLine", 0))
        col = msg.get("firstColumn", msg.get("lastColumn", 0))
        text = " ".join(msg.get("message", "").split())
        if msg.get("type") != "error":  # e.g. non-document-error: file could not be read
            text = f"[{msg.get('type')}] {text}"
        problems.append(f"{rel}:{line}:{col}: {text}")
    return problems


def _vnu_relpath(url: str, root: Path) -> str:
    if url.startswith("file:"):
        path = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path))
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            return str(path)
    return url or "(site)"


# ============================================================================= links

# (tag, attribute) pairs whose value is one URL. srcset and meta refresh are handled apart.
_URL_ATTRS = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src",),
    "source": ("src",),
    "script": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "track": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "input": ("src", "formaction"),
    "button": ("formaction",),
    "form": ("action",),
    "object": ("data",),
}
# Links a browser navigates to: for these a #fragment must name an element in the target page.
_NAVIGABLE = {
    ("a", "href"),
    ("area", "href"),
    ("iframe", "src"),
    ("form", "action"),
    ("button", "formaction"),
    ("input", "formaction"),
    ("meta", "refresh"),
}
_BANNED_SCHEMES = ("javascript", "vbscript", "data", "file")
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)|@import\s+["']([^"']+)["']""", re.IGNORECASE
)


class _Page(html.parser.HTMLParser):
    """Collects the URLs a page refers to and the fragment targets (ids) it defines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[int, str, str, str]] = []  # (line, tag, attribute, url)
        self.ids: set[str] = set()
        self.base_href: str | None = None

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        values: dict[str, str] = {}
        for name, value in attrs:
            values.setdefault(name, value or "")
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        if tag == "base" and "href" in values and self.base_href is None:
            self.base_href = values["href"]
        for attr in _URL_ATTRS.get(tag, ()):
            if attr in values:
                self.refs.append((line, tag, attr, values[attr]))
        if tag in ("img", "source") and "srcset" in values:
            for url in _srcset_urls(values["srcset"]):
                self.refs.append((line, tag, "srcset", url))
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            m = re.search(r"url\s*=\s*['\"]?([^'\"]*)", values.get("content", ""), re.IGNORECASE)
            if m:
                self.refs.append((line, "meta", "refresh", m.group(1).strip()))
        if "style" in values:
            for url in _css_urls(values["style"]):
                self.refs.append((line, tag, "style", url))

    handle_startendtag = handle_starttag


def _srcset_urls(srcset: str) -> list[str]:
    """URLs in a srcset, following the HTML parsing rules (URLs may contain commas)."""
    urls, i, n = [], 0, len(srcset)
    while i < n:
        while i < n and (srcset[i].isspace() or srcset[i] == ","):
            i += 1
        start = i
        while i < n and not srcset[i].isspace():
            i += 1
        url = srcset[start:i]
        if not url:
            break
        if url.endswith(","):
            urls.append(url.rstrip(","))
            continue
        urls.append(url)
        depth = 0  # skip the descriptors up to the next comma outside parentheses
        while i < n and not (srcset[i] == "," and depth == 0):
            depth += {"(": 1, ")": -1}.get(srcset[i], 0)
            i += 1
    return urls


def _css_urls(css: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None) for m in _CSS_URL.finditer(css)]


def _scheme(url: str) -> str:
    """The URL scheme as a browser sees it (ignoring case, tabs/newlines, leading spaces)."""
    cleaned = re.sub(r"[\t\n\r]", "", url).lstrip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
        "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
        "\x19\x1a\x1b\x1c\x1d\x1e\x1f "
    )
    m = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", cleaned)
    return m.group(1).lower() if m else ""


class _Resolver:
    def __init__(self, site_dir: Path, base_url: str | None):
        self.root = site_dir.resolve()
        self.base = None
        if base_url:
            parts = urllib.parse.urlsplit(base_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"base_url must be an absolute http(s) URL: {base_url!r}")
            self.base = (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/") + "/")
        self._pages: dict[str, _Page] = {}

    def page(self, rel: str) -> _Page:
        """The parsed page (parsed once)."""
        if rel not in self._pages:
            parser = _Page()
            parser.feed((self.root / rel).read_text("utf-8", errors="replace"))
            parser.close()
            self._pages[rel] = parser
        return self._pages[rel]

    def site_path(self, url: str, page_dir: list[str]) -> tuple[str, list[str] | None, str] | None:
        """Resolve url as seen from a page in folder page_dir (list of path segments).

        Returns None for a link that leaves the site (other host, mailto:, ...), else
        (kind, segments, fragment): segments is None when the link climbs above the site
        root; a trailing "" segment means a folder. kind is "same-page" for "#x" / "?q" / "",
        "outside-base" for a root-relative path outside base_url's path, else "internal".
        """
        parts = urllib.parse.urlsplit(url.strip())
        if parts.scheme or parts.netloc:
            if self.base is None or (parts.scheme.lower(), parts.netloc.lower()) != self.base[:2]:
                return None
            path = parts.path or "/"
            prefix = self.base[2]
            if not (path + "/").startswith(prefix):
                return None  # same host, outside the site's base path: not ours to check
            return "internal", self._walk([], path[len(prefix) :]), parts.fragment
        if not parts.path:
            return "same-page", None, parts.fragment
        if parts.path.startswith("/"):
            path = parts.path
            if self.base and self.base[2] != "/":
                if not (path + "/").startswith(self.base[2]):
                    return "outside-base", None, parts.fragment
                path = path[len(self.base[2]) - 1 :]
            return "internal", self._walk([], path.lstrip("/")), parts.fragment
        return "internal", self._walk(page_dir, parts.path), parts.fragment

    @staticmethod
    def _walk(start: list[str], path: str) -> list[str] | None:
        segs = list(start)
        pieces = urllib.parse.unquote(path).split("/")
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            if piece == "..":
                if not segs:
                    return None
                segs.pop()
                if last:
                    segs.append("")
            elif piece == ".":
                if last:
                    segs.append("")
            elif piece or last:
                segs.append(piece)
        return segs

    def target(self, segs: list[str]) -> tuple[Path | None, str]:
        """The file a link resolves to, or (None, reason)."""
        rel = "/".join(segs)
        path = self.root.joinpath(*[s for s in segs if s])
        if segs == [] or segs[-1] == "" or path.is_dir():
            if path.is_file():
                return None, f"{rel} is a file, not a folder"
            index = path / "index.html"
            if not path.is_dir():
                return None, f"folder {rel or '/'} does not exist"
            if not index.is_file():
                return None, f"folder {rel or '/'} has no index.html"
            path = index
        elif not path.is_file():
            return None, f"{rel} does not exist"
        try:
            path.resolve().relative_to(self.root)
        except ValueError:
            return None, f"{rel} leads outside the site folder (symlink)"
        return path, ""


def check_links(site_dir: Path, base_url: str | None = None) -> list[str]:
    """Check every internal reference in every HTML page (and url() in the site's CSS).

    A problem is reported for a missing target file, a folder without index.html, a
    #fragment with no matching id (or <a name>) in the target page, a path that climbs
    above the site root, and any javascript:, vbscript:, data: or file: URL.
    Links starting with base_url (e.g. absolute links in /404.html) count as internal.
    Links to other sites are not checked.
    """
    site_dir = _require_site(site_dir)
    res = _Resolver(site_dir, base_url)
    pages = html_pages(site_dir)
    if not pages:
        return [f"{site_dir}: no HTML pages found"]
    problems: list[str] = []
    for rel in pages:
        page = res.page(rel)
        page_dir = rel.split("/")[:-1]
        if page.base_href is not None:
            problems.append(
                f'{rel}: <base href="{page.base_href}"> is not supported by the '
                "link checker; links were resolved without it"
            )
        for line, tag, attr, url in page.refs:
            problems += _check_ref(res, rel, page_dir, f"{rel}:{line}", tag, attr, url)
    for css in sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.css")):
        text = (site_dir / css).read_text("utf-8", errors="replace")
        for m in _CSS_URL.finditer(text):
            url = next(g for g in m.groups() if g is not None)
            line = text.count("\n", 0, m.start()) + 1
            problems += _check_ref(
                res, css, css.split("/")[:-1], f"{css}:{line}", "css", "url", url
            )
    return problems


def _check_ref(
    res: _Resolver, rel: str, page_dir: list[str], where: str, tag: str, attr: str, url: str
) -> list[str]:
    shown = f'<{tag} {attr}="{url[:150]}">' if tag != "css" else f"url({url[:150]})"
    scheme = _scheme(url)
    if scheme in _BANNED_SCHEMES:
        return [f"{where}: {shown}: {scheme}: URL is not allowed"]
    resolved = res.site_path(url, page_dir)
    if resolved is None:
        return []  # another site, mailto:, tel:, ...
    kind, segs, fragment = resolved
    if kind == "same-page":
        target, target_rel = res.root / rel, rel
    elif kind == "outside-base":
        return [f"{where}: {shown}: root-relative link outside the site's base path {res.base[2]}"]
    elif segs is None:
        return [f"{where}: {shown}: climbs above the site root"]
    else:
        target, reason = res.target(segs)
        if target is None:
            return [f"{where}: {shown}: broken link: {reason}"]
        target_rel = target.relative_to(res.root).as_posix()
    fragment = urllib.parse.unquote(fragment)
    if (
        fragment
        and fragment.lower() != "top"
        and (tag, attr) in _NAVIGABLE
        and target_rel.lower().endswith(HTML_SUFFIXES)
        and fragment not in res.page(target_rel).ids
    ):
        return [f'{where}: {shown}: no element with id "{fragment}" in {target_rel}']
    return []


# =============================================================================== axe


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".webmanifest": "application/manifest+json",
        ".woff2": "font/woff2",
        ".json": "application/json",
        ".xml": "application/xml",
    }

    def log_message(self, format, *args):  # keep test output clean
        pass


class LocalServer:
    """http.server on 127.0.0.1 on a free port, serving one folder from a thread."""

    def __init__(self, site_dir: Path):
        handler = functools.partial(_QuietHandler, directory=str(site_dir))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def _axe_runner():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError as e:
        raise ToolMissingError(
            f"Python package axe-playwright-python is not installed ({e}); pip install -e '.[test]'"
        ) from e
    axe_js = os.environ.get("AXE_JS")
    return Axe.from_file(axe_js) if axe_js else Axe()


def run_axe(
    site_dir: Path,
    pages: list[str] | None = None,
    *,
    timeout_s: float = 30.0,
    axe_options: dict | None = None,
    timings: dict | None = None,
) -> list[str]:
    """Open each page in headless Chromium, run axe-core, and return every problem.

    pages: paths relative to site_dir (default: every HTML page).
    Every axe violation counts, whatever its impact: one string per failing element,
    `page: rule-id (impact): help — target`. Also reported: console errors, violations of
    the page's Content-Security-Policy, uncaught exceptions, same-origin requests that fail
    or return HTTP >= 400, and every request to another origin (blocked, so the check works
    offline and catches CDNs and trackers).
    timings, if given, is filled with seconds per page and the total.
    """
    site_dir = _require_site(site_dir)
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not (os.path.isfile(chromium) and os.access(chromium, os.X_OK)):
        raise ToolMissingError(f"Chromium not found at {chromium}; {SETUP_HINT}")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        raise ToolMissingError(
            f"Python package playwright is not installed ({e}); pip install -e '.[test]'"
        ) from e
    axe = _axe_runner()
    if pages is None:
        pages = html_pages(site_dir)
        if not pages:
            return [f"{site_dir}: no HTML pages found"]
    options = axe_options if axe_options is not None else {"resultTypes": ["violations"]}

    problems: list[str] = []
    t_start = time.monotonic()
    with LocalServer(site_dir) as server, sync_playwright() as pw:
        origin = server.origin
        try:
            browser = pw.chromium.launch(
                executable_path=chromium, headless=True, args=CHROMIUM_ARGS, timeout=60_000
            )
        except PlaywrightError as e:
            raise ToolMissingError(f"could not start {chromium}: {e}") from e
        try:
            context = browser.new_context(
                viewport={"width": 1280, "height": 900}, service_workers="block"
            )
            context.set_default_timeout(timeout_s * 1000)
            # One tab for every page: same-origin navigations stay in one renderer process,
            # where V8 reuses the compiled axe script (about twice as fast as a tab per page).
            state: dict = {"problems": [], "bad_urls": set()}

            def note(text: str) -> None:
                state["problems"].append(text)

            def failed(url: str, why: str) -> None:
                if url.startswith(origin + "/") and url not in state["bad_urls"]:
                    state["bad_urls"].add(url)  # one report per failing URL
                    note(f"{why}: {url[len(origin) :]}")

            def route(r):
                url = r.request.url
                if url == origin or url.startswith(origin + "/"):
                    r.continue_()
                else:
                    note(f"request to another origin blocked: {url[:200]}")
                    r.abort("blockedbyclient")

            def on_console(msg):
                # Chromium also logs failed loads; those are reported as requests already.
                if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
                    note(f"console error: {msg.text[:300]}")

            def new_tab():
                tab = context.new_page()
                tab.on("console", on_console)
                tab.on("pageerror", lambda e: note(f"uncaught exception: {str(e)[:300]}"))
                tab.on(
                    "response",
                    lambda resp: resp.status >= 400 and failed(resp.url, f"HTTP {resp.status}"),
                )
                # A load cut short by the next page (net::ERR_ABORTED: often the icon, which
                # Chromium fetches after the load event) is not a broken resource.
                tab.on(
                    "requestfailed",
                    lambda req: (
                        "ERR_ABORTED" not in (req.failure or "")
                        and failed(req.url, f"request failed ({req.failure})")
                    ),
                )
                return tab

            context.route("**/*", route)
            # Every refusal of the page's Content-Security-Policy, from the browser's own event
            # (Chromium also logs each one as a console error).
            context.expose_function("reportViolation", lambda text: note(f"CSP violation: {text}"))
            context.add_init_script(_REPORT_VIOLATIONS)
            tab = new_tab()
            for rel in pages:
                t0 = time.monotonic()
                state["problems"], state["bad_urls"] = [], set()
                try:
                    resp = tab.goto(f"{origin}/{urllib.parse.quote(rel)}", wait_until="load")
                    if resp is None:
                        note("page did not load")
                    elif resp.ok:  # a 404 etc. is already reported by on response
                        result = axe.run(tab, options=options).response
                        for v in result["violations"]:
                            for node in v["nodes"]:
                                target = " ".join(_flatten(node.get("target", [])))
                                note(
                                    f"{v['id']} ({v.get('impact') or 'unknown'}): "
                                    f"{v['help']} — {target}"
                                )
                except PlaywrightError as e:
                    note(f"page could not be checked: {str(e).splitlines()[0][:300]}")
                    tab.close()  # start the next page in a fresh tab
                    tab = new_tab()
                found = list(dict.fromkeys(state["problems"]))  # drop repeats, keep order
                problems += [f"{rel}: {p}" for p in found]
                if timings is not None:
                    timings[rel] = round(time.monotonic() - t0, 3)
        finally:
            browser.close()
    if timings is not None:
        timings["total"] = round(time.monotonic() - t_start, 3)
    return problems


_REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => {
  window.reportViolation(`${e.effectiveDirective} refused ${e.blockedURI || "inline"}`);
});"""


def _flatten(target) -> list[str]:
    out = []
    for t in target:  # shadow DOM / iframe targets are nested lists
        out += _flatten(t) if isinstance(t, list) else [str(t)]
    return out


# ============================================================================== all


def check_all(
    site_dir: Path, base_url: str | None = None, pages: list[str] | None = None
) -> dict[str, list[str]]:
    """All three checks; a dict of problem lists keyed "vnu", "links", "axe"."""
    return {
        "vnu": validate_html(site_dir),
        "links": check_links(site_dir, base_url),
        "axe": run_axe(site_dir, pages),
    }


def _main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="Check a built site: vnu, links, axe.")
    ap.add_argument("site_dir", type=Path)
    ap.add_argument("--base-url", help="the site's public URL; links to it count as internal")
    ap.add_argument("--skip", default="", help="comma list of checks to skip: vnu,links,axe")
    a = ap.parse_args(argv)
    skip = set(filter(None, a.skip.split(",")))
    checks = {
        "vnu": lambda: validate_html(a.site_dir),
        "links": lambda: check_links(a.site_dir, a.base_url),
        "axe": lambda: run_axe(a.site_dir),
    }
    total = 0
    for name, fn in checks.items():
        if name in skip:
            continue
        t0 = time.monotonic()
        found = fn()
        total += len(found)
        print(f"[{name}] {len(found)} problem(s) in {time.monotonic() - t0:.1f}s")
        for line in found:
            print("  " + line)
    print(f"{len(html_pages(a.site_dir))} page(s), {total} problem(s)")
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(_main())
