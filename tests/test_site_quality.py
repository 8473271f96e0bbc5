"""Real clients on real builds: every page of the default site and of the fixture site is valid
HTML (Nu Html Checker), has no axe-core violation in headless Chromium, and links only to
files that exist. Nothing is sampled and nothing is skipped: a missing tool is an error, and
`bash tests/setup-browser.sh` (run by `make test`) installs the tools."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sitecheck
import yaml
from browser import chromium_page, record_policy_violations
from conftest import MINIMAL, REPO, TEMPLATES
from helpers import serving

from site_builder.cli import main

DEFAULT_CONTENT = REPO / "content"
AXE_WORKERS = int(os.environ.get("AXE_WORKERS", str(min(4, os.cpu_count() or 1))))  # browsers
BUILD_DATE = "1763769600"  # 2025-11-22, as in the other tests


def build(content: Path, output: Path) -> Path:
    """Build a site into output and return it; the build must succeed."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = BUILD_DATE
    try:
        code = main(["build", "--content", str(content), "--templates", str(TEMPLATES),
                     "--output", str(output)])  # fmt: skip
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    assert code == 0, f"building {content} failed"
    return output


def base_url(content: Path) -> str:
    settings = yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8"))
    return str(settings["base_url"])


@pytest.fixture(scope="module", params=["default", "fixture"])
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    """The default site (content/) and the fixture site, each built once, with its base URL."""
    content = DEFAULT_CONTENT if request.param == "default" else MINIMAL
    output = build(content, tmp_path_factory.mktemp(f"quality-{request.param}") / "site")
    return output, base_url(content)


# A council with nothing in the record yet gets the same page as every other such council,
# bar its name: the browser checks take this many of them (the HTML checker takes them all).
EMPTY_COUNCILS_CHECKED = 4


def pages_to_open(site: Path) -> list[str]:
    """Every page, except all but a few of the councils with nothing in the record yet."""
    pages, empty = [], 0
    for rel in sitecheck.html_pages(site):
        if rel.startswith("authorities/") and 'class="nothing-yet"' in (site / rel).read_text():
            empty += 1
            if empty > EMPTY_COUNCILS_CHECKED:
                continue
        pages.append(rel)
    return pages


def test_the_browser_checks_skip_only_repeats_of_the_empty_council_page(
    built: tuple[Path, str],
) -> None:
    site, _ = built
    skipped = set(sitecheck.html_pages(site)) - set(pages_to_open(site))
    assert all(rel.startswith("authorities/") for rel in skipped)
    assert all('class="nothing-yet"' in (site / rel).read_text() for rel in skipped)


def run_axe_on_every_page(site: Path) -> tuple[list[str], int, float]:
    """axe-core on every page, split over a few browsers; problems, pages, seconds."""
    pages = pages_to_open(site)
    chunks = [pages[i::AXE_WORKERS] for i in range(AXE_WORKERS) if pages[i::AXE_WORKERS]]
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
        results = list(pool.map(lambda chunk: sitecheck.run_axe(site, chunk), chunks))
    return sorted(p for found in results for p in found), len(pages), time.monotonic() - start


def test_every_page_is_valid_html(built: tuple[Path, str]) -> None:
    site, _ = built
    assert sitecheck.html_pages(site)
    assert sitecheck.validate_html(site) == []


def test_every_internal_link_and_asset_resolves(built: tuple[Path, str]) -> None:
    site, url = built
    assert sitecheck.check_links(site, url) == []


def test_no_page_has_an_axe_violation(
    built: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    site, _ = built
    problems, pages, seconds = run_axe_on_every_page(site)
    with capsys.disabled():
        print(f"\naxe-core: {pages} pages of {site.parent.name} in {seconds:.1f} s")
    assert pages > 0
    assert problems == []


# --- in the browser: the pages' policy and phone width (sorting: tests/test_home_browser.py) -


def test_no_kind_of_page_reports_a_content_security_policy_violation(
    built: tuple[Path, str],
) -> None:
    """One page of every kind with its scripts running, and the search page searching: nothing
    the pages' policy refuses (inline script or style, a file from elsewhere) is asked for.
    Every page is also loaded by the axe-core pass, which reports any violation it sees."""
    site, _ = built
    with browser_on(site) as (page, origin):
        violations = record_policy_violations(page)
        for rel in one_page_of_each_kind(sitecheck.html_pages(site)):
            page.goto(f"{origin}/{rel}")
            policy = page.eval_on_selector(CSP_META, "meta => meta.content")
            assert "script-src 'self'" in policy, rel
        page.goto(f"{origin}/search/index.html?q=council", wait_until="networkidle")
        assert page.locator("#search-results li").count() > 0  # it fetched the index
    assert violations == []


def one_page_of_each_kind(pages: list[str]) -> list[str]:
    """The first page of each depth of each top folder: the home page, 404.html, each list
    (authorities/index.html), the first record of each collection, data/dictionary/..."""
    first: dict[tuple[str, int], str] = {}
    for rel in pages:
        parts = rel.split("/")
        first.setdefault((parts[0], len(parts)), rel)
    return sorted(first.values())


CSP_META = 'meta[http-equiv="Content-Security-Policy"]'


@contextlib.contextmanager
def browser_on(site: Path, **context_options: Any) -> Iterator[tuple[Any, str]]:
    """A page of headless Chromium (Debian's) and the origin that serves the site."""
    with serving(site) as address, chromium_page(**context_options) as page:
        yield page, address.rstrip("/")


def test_no_page_is_wider_than_a_360px_phone(built: tuple[Path, str]) -> None:
    site, _ = built
    too_wide = []
    with browser_on(site, viewport={"width": 360, "height": 740}) as (page, origin):
        for rel in pages_to_open(site):
            page.goto(f"{origin}/{rel}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                too_wide.append(f"{rel}: {width} px")
    assert too_wide == []
