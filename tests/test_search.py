"""Search: a static JSON index that finds councils, cases and judgements, and no draft."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeSite
from helpers import MINIMAL, TEMPLATES, build
from playwright.sync_api import Browser, Page, sync_playwright

from site_builder.render.search import term_key, words

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
# Served under a sub-folder, as on a project page: every address must be relative.
MOUNT = "watch"
# Words that only a draft, a record under embargo and a private note hold in the fixture.
NEVER_OUTPUT = ("lanternfish", "orrery", "quillwort")
WITHDRAWN_WORD = "palimpsest"  # only in a withdrawn record: its address stays, nothing of it


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The minimal fixture built and served on loopback under /watch/: (site URL, output)."""
    root = tmp_path_factory.mktemp("served")
    output = root / MOUNT
    assert build(MINIMAL, output).status == 0
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{MOUNT}/", output
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def search_page(browser: Browser, served: tuple[str, Path]) -> Iterator[Page]:
    """The search page, open for the whole module; it must log no error."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(served[0] + "search/")
    yield page
    page.close()
    assert errors == []


def found(page: Page, query: str) -> list[str]:
    """The addresses the search page lists for a query typed into its box, in order."""
    page.get_by_label("Words to find").fill(query)
    page.get_by_role("button", name="Search").click()
    page.wait_for_function(
        "(query) => document.getElementById('search-status').textContent.includes(query)",
        arg=f"“{query}”",
    )
    return page.locator("#search-results a").evaluate_all("links => links.map(a => a.pathname)")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Eastborough", "/authorities/eastborough/"),  # a council by its name
        ("Northtown Metropolitan", "/authorities/northtown/"),
        ("Marigold", "/cases/child-marigold/"),  # a case by its title
        ("Wren", "/cases/child-marigold/"),  # and by another name it is known by
        ("caseloads", "/inspections/eastborough-scrutiny-2019/"),  # a judgement by its findings
        ("allocation referrals", "/inspections/eastborough-scrutiny-2019/"),
        ("the Marigold", "/cases/child-marigold/"),  # a word the index leaves out is ignored
    ],
)
def test_search_finds_councils_cases_and_judgements(
    search_page: Page, query: str, expected: str
) -> None:
    # The first result, under the folder the site is served from.
    assert found(search_page, query)[0] == f"/{MOUNT}{expected}"


@pytest.mark.parametrize("word", [*NEVER_OUTPUT, WITHDRAWN_WORD])
def test_search_never_finds_drafts_embargoed_withdrawn_records_or_private_notes(
    search_page: Page, word: str
) -> None:
    assert found(search_page, word) == []


def test_search_box_shows_results_linking_to_the_record_under_any_base_path(
    browser: Browser, served: tuple[str, Path]
) -> None:
    page = browser.new_page()
    page.goto(served[0] + "search/")
    page.get_by_label("Words to find").fill("Marigold")
    link = page.locator("#search-results a").first
    link.wait_for()
    assert link.get_attribute("href") == f"/{MOUNT}/cases/child-marigold/"
    assert link.inner_text() == "Child Marigold"
    page.close()


def test_query_in_the_address_starts_a_search(browser: Browser, served: tuple[str, Path]) -> None:
    page = browser.new_page()
    page.goto(served[0] + "search/?q=Wren")
    link = page.locator("#search-results a").first
    link.wait_for()
    assert link.get_attribute("href") == f"/{MOUNT}/cases/child-marigold/"
    assert page.get_by_label("Words to find").input_value() == "Wren"
    assert page.get_by_role("status").inner_text() == "1 result for “Wren”."
    page.close()


def test_without_javascript_the_search_page_says_so_and_links_the_councils(
    browser: Browser, served: tuple[str, Path]
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served[0] + "search/")
    note = page.locator("main p", has_text="Search needs JavaScript")
    assert note.is_visible()
    assert note.locator("a", has_text="list of councils").get_attribute("href") == "../authorities/"
    context.close()


def every_file(output: Path) -> Iterator[tuple[str, bytes]]:
    """Every output file's bytes, by output path."""
    for path in sorted(output.rglob("*")):
        if path.is_file():
            yield path.relative_to(output).as_posix(), path.read_bytes()


def test_no_output_byte_holds_a_draft_embargoed_record_or_private_note(
    served: tuple[str, Path],
) -> None:
    for name, content in every_file(served[1]):
        for word in NEVER_OUTPUT:
            assert word.encode() not in content.lower(), f"{word!r} in {name}"


def test_the_withdrawn_record_is_in_no_output_byte_and_only_its_address_stays(
    served: tuple[str, Path],
) -> None:
    output = served[1]
    page = (output / "inspections/eastborough-withdrawn/index.html").read_text()
    assert "<h1>Withdrawn record</h1>" in page
    for name, content in every_file(output):
        assert WITHDRAWN_WORD.encode() not in content.lower(), name


def test_index_files_are_json_listed_in_its_meta_file(served: tuple[str, Path]) -> None:
    folder = served[1] / "search-index"
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    terms = {p.name for p in folder.glob("terms-*.json")}
    assert terms == {f"terms-{key}.json" for key in meta["terms"]}
    documents = [
        d for p in sorted(folder.glob("documents-*.json")) for d in json.loads(p.read_text())
    ]
    assert len(documents) == meta["documents"] == 16  # every listed record, none withdrawn
    assert ["cases/child-marigold/", "Child Marigold", "Case"] == documents[7][:3]
    marigold = json.loads((folder / "terms-ma.json").read_text("utf-8"))["marigold"]
    assert marigold[0] == 7  # the case's number, then the word's weight there


def test_index_of_the_same_site_is_byte_for_byte_the_same(
    served: tuple[str, Path], tmp_path: Path
) -> None:
    assert build(MINIMAL, tmp_path / "again").status == 0
    assert dict(every_file(tmp_path / "again" / "search-index")) == dict(
        every_file(served[1] / "search-index")
    )


def test_words_fold_case_and_accents_and_drop_stop_words() -> None:
    assert words("The Café of NORTHTOWN, 2019-20") == ["cafe", "northtown", "2019", "20"]
    assert (
        term_key("northtown") == "no" and term_key("x") == "x" and term_key(words("Ça")[0]) == "ca"
    )
    assert term_key(words("Łódź")[0]) == "_o"  # ł has no accent to drop


def test_search_page_loads_only_script_files_of_its_own(served: tuple[str, Path]) -> None:
    html = (served[1] / "search/index.html").read_text()
    assert html.count("<script") == 1
    assert '<script src="../static/search.js" defer></script>' in html
    assert "<script>" not in html and " on" + "click" not in html
    assert (TEMPLATES / "static/search.js").is_file()


def test_rebuilding_after_a_change_leaves_no_stale_index_file(make_site: MakeSite) -> None:
    make_site()
    assert build(Path("content"), Path("out")).status == 0
    case = Path("content/cases/child-marigold.md")
    case.write_text(case.read_text("utf-8").replace("Marigold", "Hollyhock"), "utf-8")
    assert build(Path("content"), Path("out")).status == 0
    index = Path("out/search-index")
    assert "hollyhock" in json.loads((index / "terms-ho.json").read_text("utf-8"))
    assert not (index / "terms-ma.json").exists()  # marigold was its only word in "ma"


def test_search_page_with_results_shown_has_no_axe_violation(
    browser: Browser, served: tuple[str, Path]
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.goto(served[0] + "search/?q=Northtown")
    page.locator("#search-results mark").first.wait_for()  # results, with the words marked
    page.evaluate(Axe().axe_script)
    found = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.help))"
    )
    assert found == []
    page.close()
