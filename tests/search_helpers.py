"""For the search tests: a built site served on loopback, Chromium, and a reader's searches."""

from __future__ import annotations

from pathlib import Path

from helpers import TEMPLATES, build
from playwright.sync_api import Page

from site_builder.render import search_shards

STATIC = TEMPLATES / "static"
TINY_SHARDS = 300  # bytes: postings files split often, as on a big site


def build_with_tiny_shards(content: Path, output: Path) -> None:
    """Build a site whose postings files are split again and again, so that the search
    script's lookup of split files is what the tests exercise."""
    kept = search_shards.SHARD_BYTES
    search_shards.SHARD_BYTES = TINY_SHARDS
    try:
        run = build(content, output)
    finally:
        search_shards.SHARD_BYTES = kept
    assert run.status == 0, run.stderr


def search_for(page: Page, query: str) -> None:
    """Type a query and press Search; wait until the status names it."""
    page.get_by_label("Words to find").fill(query)
    # The same query again: wait for its new answer, not for the last one's.
    page.evaluate("() => { document.getElementById('search-status').textContent = ''; }")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_function(
        "(query) => document.getElementById('search-status').textContent.includes(query)"
        " && !document.getElementById('search-status').textContent.startsWith('Searching')",
        arg=f"“{query}”",
    )


def shown(page: Page) -> list[str]:
    """The addresses of the results shown, in order."""
    return page.locator("#search-results li > a").evaluate_all(
        "links => links.map(a => a.pathname)"
    )


def found(page: Page, query: str) -> list[str]:
    """The addresses the search page lists first for a query typed into its box."""
    search_for(page, query)
    return shown(page)


def every_result(page: Page) -> list[str]:
    """Every result of the search shown, pressing "Show more results" until it goes."""
    more = page.get_by_role("button", name="Show more results")
    while more.is_visible():
        count = len(shown(page))
        more.click()
        page.wait_for_function(
            "(count) => document.querySelectorAll('#search-results li').length > count", arg=count
        )
    return shown(page)
