"""Hostile text in every field reaches every output context as text, never as markup or code.

The same site is built twice: once with a hostile payload in every text field and Markdown
body, once with plain words in their place. Escaping works when every page of the two has
the same elements and attributes, and the payload reads back intact wherever it shows.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    TEMPLATES,
    Files,
    build,
    check,
    every_byte,
    make_site,
    record_text,
    scan_html,
    scan_output,
)  # fmt: skip

BODY_CORE = (
    "\"'><script>alert(1)</script><img src=x onerror=alert(1)> javascript:alert(1) "
    "data:text/html,<svg/onload=alert(1)> </script><!-- ]]> {{ 7*7 }}"
)
CORE = BODY_CORE + " &amp; &lt;b&gt;"  # in Markdown, unlike in fields, entities are markup
MARK = "onerror=alert(1)> javascript:"  # any text holding this must hold the whole payload
NO_DQ = BODY_CORE.replace('"', "")  # a Markdown link title in double quotes
LEADS = ("=", "+", "-", "@")  # what a spreadsheet would run as a formula
PRIVATE = "PRIVATE-NOTE-CANARY"
HOSTILE_URL = "https://news.example/a?b=1&c='x'onmouseover='alert(1)'&d=%22%3E%3Cscript%3E"
HOSTILE_BODY = """Text with {core} in it.

A [site link](/methodology/ "title {core_no_dq}") and
an [outside one]({url} "a\\" onmouseover=\\"alert(1)").

<script>alert(1)</script>

<img src=x onerror=alert(1)>

<iframe src="javascript:alert(1)"></iframe>

`<b>code</b>` and <javascript:alert(1)> and <!-- comment
"""
PLAIN_BODY = """Text with plain words in it.

A [site link](/methodology/ "title plain") and
an [outside one]({url} "a plain title").

Plain words.

Plain words.

Plain words.

`plain code` and plain words and plain words
"""


def hostile(name: str) -> str:
    return f"{LEADS[sum(map(ord, name)) % 4]}{name} {CORE}"


def plain(name: str) -> str:
    return f"{LEADS[sum(map(ord, name)) % 4]}{name} plain words"


def escaping_site(text: Callable[[str], str], body: str) -> Files:
    """A site with text(field) in every text field and body as every Markdown body."""
    url = HOSTILE_URL if text is hostile else "https://news.example/a"
    history = {
        "corrections": [{"date": "2024-02-01", "text": text("correction-text")}],
        "responses": [{"date": "2024-02-02", "from": text("response-from"),
                       "text": text("response-text"), "url": url}],
        "last_reviewed": "2024-03-01",
        "private": {"note": PRIVATE, "who": f"{PRIVATE} {CORE}"},
    }  # fmt: skip
    return {
        "site.yaml": record_text(
            {
                "title": text("site-title"),
                "base_url": "https://hostile.example/",
                "description": text("site-description"),
                "contact": "https://hostile.example/report?a=1",
                "licence": text("site-licence"),
                "support": text("site-support"),
            }
        ),
        "sources/src.md": record_text(
            {
                "title": text("source-title"),
                "publisher": text("source-publisher"),
                "kind": "news",
                "published": "2020-01-02",
                "url": url,
                "archived_url": url,
                **history,
            },
            body,
        ),
        "authorities/auth.yaml": record_text(
            {
                "name": text("authority-name"),
                "kind": "unitary",
                "region": "London",
                "gss_code": "E06000001",
                "website": url,
                "statistical_neighbours": ["peer"],
                "figures": [
                    {
                        "metric": "children_looked_after",
                        "value": 10,
                        "as_at": "2020-03-31",
                        "note": text("figure-note"),
                        "source": "src",
                    }
                ],
                "sources": ["src"],
                **history,
            }
        ),
        "authorities/peer.yaml": record_text(
            {
                "name": text("peer-name"),
                "kind": "unitary",
                "region": "London",
                "gss_code": "E06000002",
                "sources": ["src"],
            }
        ),
        "bodies/board.yaml": record_text(
            {
                "name": text("body-name"),
                "kind": "lscb",
                "authorities": ["auth"],
                "chairs": [
                    {
                        "name": text("chair-name"),
                        "from": "2019-01",
                        "independent": True,
                        "source": "src",
                    }
                ],
                "sources": ["src"],
                **history,
            }
        ),
        "cases/case.md": record_text(
            {
                "title": text("case-title"),
                "name_status": "pseudonym",
                "aliases": [text("case-alias")],
                "authority": "auth",
                "age": text("case-age"),
                "harm": "died",
                "date": "2019-02-03",
                "content_note": text("case-content-note"),
                "proceedings": text("case-proceedings"),
                "reviews": [
                    {
                        "kind": "scr",
                        "body": "board",
                        "commissioned": "2019-03-01",
                        "published": "2020-03-01",
                        "chair": text("review-chair"),
                        "independent_chair": True,
                        "status": "published",
                        "url": url,
                    }
                ],
                "sources": ["src"],
                **history,
            },
            body,
        ),
        "cases/hidden.md": record_text(
            {
                "title": PRIVATE,
                "name_status": "pseudonym",
                "authority": "auth",
                "harm": "died",
                "status": "draft",
                "sources": ["src"],
            },
            PRIVATE,
        ),
        "inspections/insp.yaml": record_text(
            {
                "title": text("inspection-title"),
                "authority": "auth",
                "board": "board",
                "judged_by": text("inspection-judged-by"),
                "kind": "inspection",
                "framework": text("inspection-framework"),
                "date": "2021-06-15",
                "grade": "good",
                "judgements": [{"area": text("judgement-area"), "grade": "good"}],
                "cases": ["case"],
                "findings": text("inspection-findings"),
                "actions": text("inspection-actions"),
                "url": url,
                "sources": ["src"],
                **history,
            }
        ),
        "inspections/later.yaml": record_text(
            {
                "title": text("later-title"),
                "authority": "auth",
                "judged_by": "Ofsted",
                "kind": "inspection",
                "date": "2023-01-01",
                "grade": "inadequate",
                "sources": ["src"],
            }
        ),
        "pages/about.md": record_text({"title": text("about-title"), **history}, body),
        "pages/methodology.md": record_text({"title": text("methodology-title")}, body),
        "pages/extra.md": record_text({"title": text("page-title")}, body),
    }


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The hostile and the plain build of the same site."""
    outputs = {}
    for name, text, body in (
        ("hostile", hostile, HOSTILE_BODY.format(core=BODY_CORE, core_no_dq=NO_DQ,
                                                 url=HOSTILE_URL)),
        ("plain", plain, PLAIN_BODY.format(url="https://news.example/a")),
    ):  # fmt: skip
        folder = tmp_path_factory.mktemp(name)
        content = make_site(folder, escaping_site(text, body), base=None)
        run = build(content, folder / "output")
        assert run.status == 0, run.stderr
        outputs[name] = folder / "output"
    return outputs


def pages(output: Path) -> dict[str, str]:
    return {
        p.relative_to(output).as_posix(): p.read_text("utf-8")
        for p in sorted(output.rglob("*.html"))
    }


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def assert_intact(texts: Iterator[str] | list[str], where: str) -> None:
    """Any text that shows part of the payload shows all of it, unchanged."""
    for text in texts:
        if MARK in text:
            assert BODY_CORE in text or NO_DQ in text, f"{where}: payload altered: {text[:200]!r}"


# --- HTML: elements, attributes, text and inline JSON -----------------------------------------


def test_every_page_has_the_same_elements_and_attributes_as_with_plain_text(
    builds: dict[str, Path],
) -> None:
    hostile_pages, plain_pages = pages(builds["hostile"]), pages(builds["plain"])
    assert hostile_pages.keys() == plain_pages.keys()
    for path, html in hostile_pages.items():
        scan = scan_html(html)
        assert scan.problems == [], path
        assert scan.structure == scan_html(plain_pages[path]).structure, path


def test_nothing_executable_in_any_output_file(builds: dict[str, Path]) -> None:
    assert scan_output(builds["hostile"]) == []


def test_element_text_reads_back_exactly(builds: dict[str, Path]) -> None:
    shown = set()
    for path, html in pages(builds["hostile"]).items():
        scan = scan_html(html)
        assert_intact(scan.text, path)
        shown |= {name for name in FIELDS if any(shown_as(name) in t for t in scan.text)}
    assert sorted(set(FIELDS) - shown) == [], "fields never shown as text on any page"


# Fields that hold Markdown, like bodies: their entities are markup, so `&amp;` reads as `&`.
MARKDOWN_FIELDS = {
    "case-proceedings", "inspection-findings", "inspection-actions", "figure-note",
    "correction-text", "response-text",
}  # fmt: skip


def shown_as(name: str) -> str:
    """How a field's hostile text reads on a page."""
    text = hostile(name)
    return text.replace(" &amp; &lt;b&gt;", " & <b>") if name in MARKDOWN_FIELDS else text


FIELDS = (
    "site-title", "site-description", "site-licence", "site-support", "source-title",
    "source-publisher", "authority-name", "figure-note", "peer-name", "body-name", "chair-name",
    "case-title", "case-alias", "case-age", "case-content-note", "case-proceedings",
    "review-chair", "inspection-title", "inspection-judged-by", "inspection-framework",
    "judgement-area", "inspection-findings", "inspection-actions", "later-title",
    "correction-text", "response-from", "response-text", "about-title", "methodology-title",
    "page-title",
)  # fmt: skip


def test_every_attribute_value_reads_back_exactly(builds: dict[str, Path]) -> None:
    for path, html in pages(builds["hostile"]).items():
        scan = scan_html(html)
        assert_intact((value for _, _, value in scan.attributes), path)
        for tag, name, value in scan.attributes:
            assert not name.startswith("on"), (path, tag, name)


def test_title_element_and_meta_description_hold_the_record_title(
    builds: dict[str, Path],
) -> None:
    html = (builds["hostile"] / "cases/case/index.html").read_text("utf-8")
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "&lt;script&gt;" in title
    assert scan_html(f"<title>{title}</title>").text[0].startswith(hostile("case-title"))
    metas = {
        values.get("name") or values.get("property"): values.get("content", "")
        for tag, values in scan_html(html).elements
        if tag == "meta"
    }
    assert hostile("case-title") in metas["description"]
    if "og:title" in metas:  # Open Graph, where the templates give it
        assert metas["og:title"] == hostile("case-title")
        assert metas["og:site_name"] == hostile("site-title")


def test_the_feed_link_title_attribute_holds_the_council_name(builds: dict[str, Path]) -> None:
    html = (builds["hostile"] / "authorities/auth/index.html").read_text("utf-8")
    titles = [
        values.get("title", "")
        for tag, values in scan_html(html).elements
        if tag == "link" and values.get("rel") == "alternate"
    ]
    assert f"{hostile('site-title')}: changes" in titles
    assert any(title.startswith(hostile("authority-name")) for title in titles)


def test_link_title_and_href_attributes_keep_quotes_inside(builds: dict[str, Path]) -> None:
    attrs = scan_html((builds["hostile"] / "cases/case/index.html").read_text("utf-8")).attributes
    titles = [value for tag, name, value in attrs if tag == "a" and name == "title"]
    assert f"title {NO_DQ}" in titles
    assert any("onmouseover=" in title for title in titles)  # one attribute, quotes inside
    hrefs = [value for tag, name, value in attrs if tag == "a" and name == "href"]
    assert HOSTILE_URL in hrefs


def test_json_ld_parses_and_holds_the_payload_intact(builds: dict[str, Path]) -> None:
    blocks = 0
    for path, html in pages(builds["hostile"]).items():
        for block in scan_html(html).json_blocks:
            blocks += 1
            assert "</script" not in block.lower() and "<!--" not in block, path
            assert_intact(list(strings(json.loads(block))), path)
    page = (builds["hostile"] / "authorities/auth/index.html").read_text("utf-8")
    found = [s for block in scan_html(page).json_blocks for s in strings(json.loads(block))]
    if blocks:  # JSON-LD is optional in the templates; where a council's page has it, it names it
        assert hostile("authority-name") in found


# --- data files, feeds and the search index ----------------------------------------------------


def test_json_data_holds_every_value_exactly(builds: dict[str, Path]) -> None:
    output = builds["hostile"]
    for path in sorted(output.rglob("*.json")):
        assert_intact(list(strings(json.loads(path.read_text("utf-8")))), str(path))
    cases = json.loads((output / "data/cases.json").read_text("utf-8"))
    cases = cases["records"] if isinstance(cases, dict) else cases
    assert [c["title"] for c in cases] == [hostile("case-title")]
    assert cases[0]["aliases"] == [hostile("case-alias")]


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(builds: dict[str, Path]) -> None:
    output = builds["hostile"]
    for path in sorted((output / "data").glob("*.csv")):
        rows = read_csv(path)
        for row in rows:
            for column, cell in row.items():
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (path.name, column)
    assert read_csv(output / "data/cases.csv")[0]["title"] == "'" + hostile("case-title")
    names = [row["name"] for row in read_csv(output / "data/authorities.csv")]
    assert "'" + hostile("authority-name") in names


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"), newline="")))


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_formula_lead_characters_get_a_quote(lead: str) -> None:
    from site_builder.render.data import csv_cell

    assert csv_cell(f'{lead}HYPERLINK("https://evil.example","x")').startswith("'")
    assert csv_cell("plain") == "plain"


def test_atom_feeds_parse_and_hold_titles_as_text(builds: dict[str, Path]) -> None:
    output = builds["hostile"]
    feeds = sorted(output.rglob("*.xml"))
    assert output / "feed.xml" in feeds
    for path in feeds:
        root = ET.fromstring(path.read_bytes())
        assert_intact([e.text or "" for e in root.iter()], str(path))
        for element in root.iter():
            assert (
                element.tag.startswith("{http://www.w3.org/2005/Atom}") or "sitemap" in element.tag
            )
            for value in element.attrib.values():
                assert MARK not in value
    titles = [e.text or "" for e in ET.fromstring((output / "feed.xml").read_bytes()).iter()
              if e.tag.endswith("}title")]  # fmt: skip
    assert any(hostile("case-title") in t for t in titles)


def search_documents(output: Path) -> list[list[str]]:
    folder = output / "search-index"
    return [d for p in sorted(folder.glob("documents-*.json")) for d in json.loads(p.read_text())]


def test_search_index_holds_text_never_markup(builds: dict[str, Path]) -> None:
    output = builds["hostile"]
    documents = search_documents(output)
    assert documents, "no search index"
    for document in documents:
        assert_intact(document, document[0])
    case = next(d for d in documents if d[0] == "cases/case/")
    assert case[1] == hostile("case-title")
    terms = {}
    for path in (output / "search-index").glob("terms-*.json"):
        terms.update(json.loads(path.read_text("utf-8")))
    assert all(term.isalnum() for term in terms)  # words only: no markup survives
    # The script shows what it finds as text nodes, never as HTML.
    script = (TEMPLATES / "static/search.js").read_text("utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert "DOMParser" not in script and "textContent" in script
    assert PRIVATE.encode() not in every_byte(output / "search-index")


def test_private_notes_and_drafts_reach_no_output_file(builds: dict[str, Path]) -> None:
    assert PRIVATE.encode() not in every_byte(builds["hostile"])
    assert not (builds["hostile"] / "cases/hidden").exists()


# --- URL slugs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ['"><script>alert(1)<', "javascript:alert(1)", "a%2f..%2fb", "Upper", "with space",
     "dots..", "-leading", "con", "snowman-\u2603", "\u0441ase"],  # the last starts with Cyrillic
)  # fmt: skip
def test_file_names_that_are_not_safe_slugs_are_refused(tmp_path: Path, name: str) -> None:
    content = make_site(tmp_path)
    source = (content / "cases/child-a.md").read_text()
    (content / f"cases/{name}.md").write_text(source)
    run = check(content)
    assert run.status == 1
    assert f"{name}.md:1: file name" in run.stderr or "not a record" in run.stderr
    assert build(content, tmp_path / "output").status == 1
    assert not (tmp_path / "output").exists()
