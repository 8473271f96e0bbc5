"""Search at scale: a generated corpus where one council, renamed Birmingham, has dozens of
records. Every one of them can be reached, a typo still finds them, filters narrow them, and
a query fetches a small part of the index."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium
from helpers import REPO, build, serving
from playwright.sync_api import Browser, Page
from search_helpers import every_result, found, search_for, shown

RECORDS = 360  # six councils of about sixty records: more results than one page shows


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The generated corpus, its first council renamed Birmingham, built and served:
    (address, content folder)."""
    root = tmp_path_factory.mktemp("corpus")
    command = [sys.executable, str(REPO / "bench" / "generate.py"), "--records", str(RECORDS),
               "--out", str(root)]  # fmt: skip
    subprocess.run(command, check=True)
    content = root / "content"
    first = min((content / "authorities").iterdir())
    name = re.search(r'^name: "(\w+)', first.read_text("utf-8"), re.MULTILINE)
    assert name is not None
    for path in content.rglob("*.*"):
        path.write_text(path.read_text("utf-8").replace(name[1], "Birmingham"), "utf-8")
    assert build(content, root / "out").status == 0
    with serving(root / "out") as address:
        yield address, content


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def page(browser: Browser, corpus: tuple[str, Path]) -> Iterator[Page]:
    opened = browser.new_page()
    opened.goto(corpus[0] + "search/")
    yield opened
    opened.close()


def holding(content: Path, word: str, collection: str = "*") -> set[str]:
    """The addresses of the records whose file holds the word, counted from the content."""
    return {
        f"/{path.parent.name}/{path.stem}/"
        for path in content.glob(f"{collection}/*.*")
        if re.search(rf"\b{word}\b", path.read_text("utf-8"), re.IGNORECASE)
    }


def test_every_record_that_names_birmingham_can_be_reached(
    page: Page, corpus: tuple[str, Path]
) -> None:
    expected = holding(corpus[1], "birmingham")
    assert len(expected) > 40  # more than two pages of results
    first_page = found(page, "birmingham")
    assert len(first_page) == 20
    status = page.get_by_role("status")
    assert status.inner_text() == f"{len(expected)} results for “birmingham”, the first 20 shown."
    results = every_result(page)
    assert len(results) == len(set(results)) == len(expected)
    assert set(results) == expected
    assert status.inner_text() == f"{len(expected)} results for “birmingham”."  # announced
    assert not page.get_by_role("button", name="Show more results").is_visible()


def test_show_more_moves_focus_to_the_first_new_result(page: Page) -> None:
    search_for(page, "birmingham")
    page.get_by_role("button", name="Show more results").click()
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 20")
    focused = page.evaluate("() => document.activeElement.closest('li') && "
                            "[...document.querySelectorAll('#search-results li')]"
                            ".indexOf(document.activeElement.closest('li'))")  # fmt: skip
    assert focused == 20  # the 21st result, where reading goes on
    assert "the first 40 shown" in page.get_by_role("status").inner_text()


def test_a_misspelt_birmingham_finds_birmingham(page: Page, corpus: tuple[str, Path]) -> None:
    results = found(page, "birmingam")
    council = min(holding(corpus[1], "birmingham", "authorities"))
    assert results[0] == council
    status = page.get_by_role("status").inner_text()
    count = len(holding(corpus[1], "birmingham"))
    assert status.startswith(f"{count} results for “birmingam”, read as “birmingham”")


def test_inspected_finds_inspections(page: Page) -> None:
    results = found(page, "inspected")
    assert results and all(address.startswith("/inspections/") for address in results)
    marks = page.locator("#search-results li").first.locator("mark").all_inner_texts()
    assert "inspection" in [m.lower() for m in marks]


def test_filters_narrow_the_results_to_a_kind_and_a_council(
    page: Page, corpus: tuple[str, Path]
) -> None:
    page.goto(page.url.split("?")[0] + "?q=birmingham&kind=cases")
    page.locator("#search-results li").first.wait_for()
    cases = every_result(page)
    assert set(cases) == holding(corpus[1], "birmingham", "cases")
    council = next(iter(holding(corpus[1], "birmingham", "authorities"))).split("/")[2]
    page.goto(page.url.split("?")[0] + f"?q=ofsted&council={council}")
    page.locator("#search-results li").first.wait_for()
    judgements = every_result(page)
    expected = holding(corpus[1], "ofsted", "inspections") & holding(corpus[1], "birmingham")
    assert set(judgements) == expected
    page.get_by_label("Council", exact=True).select_option(label="All councils")
    page.wait_for_function("() => !/\\(/.test(document.querySelector('#search-status')"
                           ".textContent) && /results/.test(document.querySelector("
                           "'#search-status').textContent)")  # fmt: skip
    assert len(shown(page)) == 20 > len(judgements) // 3  # all councils: many more


def test_a_query_fetches_a_small_part_of_the_index(
    browser: Browser, corpus: tuple[str, Path]
) -> None:
    context = browser.new_context()  # nothing fetched before
    tab = context.new_page()
    fetched: list[int] = []
    tab.on("response", lambda r: "/search-index/" in r.url and fetched.append(len(r.body())))
    tab.goto(corpus[0] + "search/?q=birmingham")
    tab.locator("#search-results li").first.wait_for()
    tab.wait_for_load_state("networkidle")
    context.close()
    whole = sum(p.stat().st_size for p in (corpus[1].parent / "out/search-index").iterdir())
    assert sum(fetched) * 10 < whole  # a tenth of the index or less, even at this size
