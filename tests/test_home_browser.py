"""The home page in headless Chromium: the council picker comes first on a phone and finds a
council as typed, the map's hexagons open council pages, every column sorts its table with
JavaScript (and the table stays whole without it), and the page passes axe and vnu."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sitecheck
from browser import chromium, record_policy_violations
from conftest import MINIMAL
from helpers import build, serving
from home_corpus import write_national_corpus
from playwright.sync_api import Browser

PHONE = {"width": 375, "height": 667}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The minimal fixture and a generated record of every council, built and served from one
    folder: {'fixture': its address, 'national': its address}."""
    root = tmp_path_factory.mktemp("home-browser")
    assert build(MINIMAL, root / "fixture").status == 0
    write_national_corpus(root / "content")
    assert build(root / "content", root / "national").status == 0
    with serving(root) as address:
        yield {
            "root": str(root),
            "fixture": f"{address}fixture/",
            "national": f"{address}national/",
        }


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module."""
    with chromium() as launched:
        yield launched


@contextlib.contextmanager
def chromium_page(browser: Browser, **context_options: Any) -> Iterator[Any]:
    """A tab in a fresh context of the module's browser."""
    context = browser.new_context(**context_options)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_home_page_passes_vnu_and_axe(sites: dict[str, str], tmp_path: Path) -> None:
    root = Path(sites["root"])
    for which in ("fixture", "national"):  # vnu on the two home pages alone, in one run
        shutil.copy(root / which / "index.html", tmp_path / f"{which}.html")
    assert sitecheck.validate_html(tmp_path) == []
    assert sitecheck.run_axe(root, ["fixture/index.html", "national/index.html"]) == []


def test_on_a_phone_the_picker_is_on_the_first_screen_and_first_in_the_tab_order(
    sites: dict[str, str], browser: Browser
) -> None:
    with chromium_page(browser, viewport=PHONE) as page:
        page.goto(sites["national"])
        box = page.locator("#find-council").bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"]
        go = page.get_by_role("button", name="Go").bounding_box()
        assert go is not None and go["y"] + go["height"] <= PHONE["height"]
        # Tab past the skip link and the site's header: the first stop in main is the picker.
        for _ in range(20):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.closest('main') !== null"):
                break
        assert page.evaluate("document.activeElement.id") == "find-council"


@pytest.mark.parametrize(
    ("typed", "lands_on"),
    [
        ("Northtown Metropolitan Borough Council", "fixture/authorities/northtown/"),
        ("northtown", "fixture/authorities/northtown/"),
        ("  WESTSHIRE ", "fixture/authorities/westshire/"),
        ("town", "fixture/search/?q=town"),  # two councils: the search page, with the words
    ],
)
def test_the_picker_opens_the_council_typed_or_searches(
    sites: dict[str, str], browser: Browser, typed: str, lands_on: str
) -> None:
    with chromium_page(browser) as page:
        violations = record_policy_violations(page)
        page.goto(sites["fixture"])
        page.get_by_label("Find your council").fill(typed)
        page.get_by_label("Find your council").press("Enter")
        page.wait_for_url(f"**/{lands_on}")
    assert violations == []


def test_without_javascript_the_picker_leads_to_every_council_a_to_z(
    sites: dict[str, str], browser: Browser
) -> None:
    with chromium_page(browser, java_script_enabled=False) as page:
        page.goto(sites["fixture"])
        page.get_by_label("Find your council").fill("north")
        page.get_by_role("button", name="Go").click()
        page.wait_for_url("**/fixture/authorities/?q=north")
        assert page.get_by_role("link", name="Northtown Metropolitan Borough Council").count() == 1
        page.goto(sites["fixture"])  # and the tables are whole, in name order, and say so
        assert page.locator("table[data-sortable] button").count() == 0
        assert "(With JavaScript on" in page.locator(".sort-hint").inner_text()


def test_a_hexagon_opens_its_council_page_and_the_keyboard_reaches_every_hexagon(
    sites: dict[str, str], browser: Browser
) -> None:
    with chromium_page(
        browser,
    ) as page:
        page.goto(sites["national"])
        hexagons = page.locator("svg a")
        assert hexagons.count() == 151
        hrefs = set(hexagons.evaluate_all("links => links.map(a => a.getAttribute('href'))"))
        page.locator("#find-council").focus()
        reached = set()
        for _ in range(200):
            page.keyboard.press("Tab")
            href = page.evaluate("document.activeElement.closest('svg') && "
                                 "document.activeElement.getAttribute('href')")  # fmt: skip
            if href:
                reached.add(href)
            elif reached:
                break
        assert reached == hrefs
        page.locator('svg a[href="authorities/cornwall/"] use').click()
        page.wait_for_url("**/national/authorities/cornwall/")
        assert page.locator("h1").inner_text().startswith("Cornwall Council")


def column(page: Any, table: str, index: int) -> list[str]:
    return page.locator(f"{table} tbody tr").evaluate_all(
        f"rows => rows.map(r => r.cells[{index}].textContent.trim())"
    )


def as_number(text: str) -> float:
    return -1.0 if text == "—" else float(text)


def test_a_column_heading_sorts_its_table_and_says_so(
    sites: dict[str, str], browser: Browser
) -> None:
    table = "#councils-metropolitan-district"
    with chromium_page(browser) as page:
        page.goto(sites["national"])
        names = column(page, table, 0)
        assert names == sorted(names)
        heading = page.locator(f"{table} th", has_text="Children who died")
        heading.get_by_role("button").click()
        died = [as_number(text) for text in column(page, table, 4)]
        assert died == sorted(died, reverse=True) and died[0] > died[-1]
        assert heading.get_attribute("aria-sort") == "descending"
        assert page.locator(f"{table} th[aria-sort]").count() == 1
        caption = page.locator(f"{table} caption").inner_text()
        assert "Sorted by children who died: most first" in caption
        heading.get_by_role("button").click()
        assert heading.get_attribute("aria-sort") == "ascending"
        again = [as_number(text) for text in column(page, table, 4)]
        counted = [n for n in again if n >= 0]
        assert counted == sorted(counted) and again[-1] == -1.0  # nothing-yet rows stay last
        assert "fewest first" in page.locator(f"{table} caption").inner_text()
        by_name = page.locator(f"{table} th", has_text="Council").get_by_role("button")
        by_name.click()
        assert column(page, table, 0) == names
        by_name.click()
        assert column(page, table, 0) == names[::-1]
