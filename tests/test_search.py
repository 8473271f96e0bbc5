"""Search: a static JSON index that finds councils, cases and judgements, and no draft.

The minimal fixture is built with tiny postings files, split again and again, so that the
search script's lookup of split files is what every search here goes through. The searches
of a generated national-scale corpus are in test_search_corpus.py; the stemmer and the
index's files in test_search_index.py."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium
from conftest import MakeSite
from helpers import MINIMAL, REPO, TEMPLATES, build, record_text, serving
from playwright.sync_api import Browser, Page
from search_helpers import build_with_tiny_shards, found, search_for, shown

# Served under a sub-folder, as on a project page: every address must be relative.
MOUNT = "watch"
# Words that only a draft, a record under embargo and a private note hold in the fixture.
NEVER_OUTPUT = ("lanternfish", "orrery", "quillwort")
WITHDRAWN_WORD = "palimpsest"  # only in a withdrawn record: its address stays, nothing of it
HOSTILE = '<img src=x onerror="window.pwned=1"> <script>window.pwned=1</script> <b>quokka</b>'


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The minimal fixture built and served on loopback under /watch/: (site URL, output)."""
    root = tmp_path_factory.mktemp("served")
    build_with_tiny_shards(MINIMAL, root / MOUNT)
    with serving(root) as address:
        yield address + MOUNT + "/", root / MOUNT


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


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
        ("Eastboro", "/authorities/eastborough/"),  # the start of a word, as it is typed
        ("referral allocated", "/inspections/eastborough-scrutiny-2019/"),  # other forms
        ("Eastbrough", "/authorities/eastborough/"),  # one letter left out
        ("Eastboruogh", "/authorities/eastborough/"),  # two letters swapped
    ],
)
def test_search_finds_councils_cases_and_judgements(
    search_page: Page, query: str, expected: str
) -> None:
    # The first result, under the folder the site is served from.
    assert found(search_page, query)[0] == f"/{MOUNT}{expected}"


def test_a_judgement_is_found_by_the_other_names_of_the_case_it_concerns(
    search_page: Page,
) -> None:
    results = found(search_page, "Baby Wren")
    assert results[:2] == [f"/{MOUNT}/cases/child-marigold/",
                           f"/{MOUNT}/inspections/eastborough-scrutiny-2019/"]  # fmt: skip
    passage = search_page.locator("#search-results li").nth(1).locator("p")
    assert passage.inner_text() == "Concerns the case of Child Marigold, also called Baby Wren."


def test_a_typo_is_forgiven_only_in_a_word_of_five_letters_or_more(search_page: Page) -> None:
    assert found(search_page, "Eastbrough")  # 10 letters, one left out
    status = search_page.get_by_role("status").inner_text()
    assert " for “Eastbrough”, read as “eastborough”" in status
    assert found(search_page, "Wern") == []  # "Wren", but four letters: no guess
    assert found(search_page, "Eastbxrxugh") == []  # two typos


def test_the_excerpt_is_the_passage_that_matched_with_the_words_marked(search_page: Page) -> None:
    search_for(search_page, "referrals waited")
    passage = search_page.locator("#search-results li").first.locator("p")
    assert "referrals waited weeks for allocation" in passage.inner_text()
    marks = passage.locator("mark").all_inner_texts()
    assert marks == ["referrals", "waited"]


@pytest.mark.parametrize("word", [*NEVER_OUTPUT, WITHDRAWN_WORD])
def test_search_never_finds_drafts_embargoed_withdrawn_records_or_private_notes(
    search_page: Page, word: str
) -> None:
    assert found(search_page, word) == []


def test_filters_by_kind_and_council_narrow_the_results(search_page: Page) -> None:
    every = found(search_page, "council")
    kinds = {address.split("/")[2] for address in every}
    assert {"authorities", "inspections"} <= kinds
    search_page.get_by_label("Kind of record").select_option(label="Council")
    search_page.wait_for_function("() => !document.querySelector('#search-status')"
                                  ".textContent.startsWith('Searching')")  # fmt: skip
    councils = shown(search_page)
    assert councils and {a.split("/")[2] for a in councils} == {"authorities"}
    assert len(councils) < len(every)
    assert "(Council)" in search_page.get_by_role("status").inner_text()
    search_page.get_by_label("Kind of record").select_option(label="All kinds")
    northtown_council = "Northtown Metropolitan Borough Council"
    search_page.get_by_label("Council", exact=True).select_option(label=northtown_council)
    search_page.wait_for_function(
        "(name) => document.querySelector('#search-status').textContent.includes(name)",
        arg=f"({northtown_council})",
    )
    northtown = shown(search_page)
    places = search_page.locator("#search-results .search-kind").all_inner_texts()
    assert northtown and all(p.endswith(f" · {northtown_council}") for p in places)
    assert set(northtown) < set(every)
    assert "council=northtown" in search_page.url  # the address keeps the filters
    search_page.get_by_label("Council", exact=True).select_option(label="All councils")


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


def test_query_and_filters_in_the_address_start_a_search(
    browser: Browser, served: tuple[str, Path]
) -> None:
    page = browser.new_page()
    page.goto(served[0] + "search/?q=Wren&kind=inspections")
    link = page.locator("#search-results a").first
    link.wait_for()
    assert link.get_attribute("href") == f"/{MOUNT}/inspections/eastborough-scrutiny-2019/"
    assert page.get_by_label("Words to find").input_value() == "Wren"
    assert page.get_by_label("Kind of record").input_value() == "inspections"
    status = page.get_by_role("status")
    assert status.inner_text() == "1 result for “Wren” (Inspection or judgement)."
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
    assert not page.get_by_label("Words to find").is_visible()  # no form that cannot work
    assert not page.get_by_role("button", name="Show more results").is_visible()
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


def test_index_of_the_same_site_is_byte_for_byte_the_same(
    served: tuple[str, Path], tmp_path: Path
) -> None:
    build_with_tiny_shards(MINIMAL, tmp_path / "again")
    assert dict(every_file(tmp_path / "again" / "search-index")) == dict(
        every_file(served[1] / "search-index")
    )


def test_search_page_loads_only_script_files_of_its_own(served: tuple[str, Path]) -> None:
    html = (served[1] / "search/index.html").read_text()
    scripts = ("search-stem.js", "search-index.js", "search.js")
    assert html.count("<script") == len(scripts)
    for name in scripts:
        assert f'<script src="../static/{name}" defer></script>' in html
        assert (TEMPLATES / "static" / name).is_file()
    assert "<script>" not in html and " on" + "click" not in html


def test_rebuilding_after_a_change_leaves_no_stale_index_file(make_site: MakeSite) -> None:
    make_site()
    assert build(Path("content"), Path("out")).status == 0
    case = Path("content/cases/child-marigold.md")
    case.write_text(case.read_text("utf-8").replace("Marigold", "Hollyhock"), "utf-8")
    assert build(Path("content"), Path("out")).status == 0
    index = Path("out/search-index")
    assert "hollyhock" in json.loads((index / "terms-ho.json").read_text("utf-8"))
    assert not (index / "terms-ma.json").exists()  # marigold was its only word in "ma"


def test_hostile_text_in_a_title_and_body_shows_as_text_in_results(
    make_site: MakeSite, browser: Browser
) -> None:
    fields = {"title": f"Quokka {HOSTILE}", "name_status": "pseudonym",
              "authority": "eastborough", "harm": "died", "sources": ["report-a"]}  # fmt: skip
    body = f"The quokka case. {HOSTILE} &lt;i&gt;quokka&lt;/i&gt; <i>quokka</i>"
    make_site({"cases/child-quokka.md": record_text(fields, body)})
    build_with_tiny_shards(Path("content"), Path("out"))
    with serving(Path("out").resolve()) as address:
        page = browser.new_page()
        page.goto(address + "search/")
        assert found(page, "quokka") == ["/cases/child-quokka/"]
        result = page.locator("#search-results li")
        assert result.locator("img, script, b, i, iframe").count() == 0  # marks only
        assert result.locator("a").inner_text() == f"Quokka {HOSTILE}"  # as typed, as text
        assert "<i>quokka</i>" in result.locator("p").inner_text()
        assert page.evaluate("() => window.pwned") is None
        page.close()


def test_search_page_with_results_shown_has_no_axe_violation(
    browser: Browser, served: tuple[str, Path]
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.goto(served[0] + "search/?q=Northtown")
    page.locator("#search-results mark").first.wait_for()  # results, with the words marked
    page.evaluate(Axe().axe_script)
    violations = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.help))"
    )
    assert violations == []
    page.close()


@pytest.fixture(scope="module")
def default_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The default content, built and served: its address."""
    root = tmp_path_factory.mktemp("default")
    shutil.copytree(REPO / "content", root / "content")
    assert build(root / "content", root / "out").status == 0
    with serving(root / "out") as address:
        yield address


def test_baby_p_finds_both_ofsted_evaluations_of_his_reviews(
    browser: Browser, default_site: str
) -> None:
    page = browser.new_page()
    page.goto(default_site + "search/")
    results = found(page, "baby p")
    assert "/cases/peter-connelly/" in results
    for evaluation in ("haringey-baby-peter-scr-evaluation-2008",
                       "haringey-baby-peter-second-scr-evaluation-2009"):  # fmt: skip
        assert f"/inspections/{evaluation}/" in results
        item = page.locator("#search-results li", has=page.locator(f"a[href$='/{evaluation}/']"))
        assert item.locator("p mark").all_inner_texts()[:2] == ["Baby", "P"]
    page.close()
