"""Every page's canonical link, description, Open Graph tags and schema.org JSON-LD."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeSite
from helpers import MINIMAL, REPO, build, scan_html
from sitecheck import check_links

BASE = "https://fixture.example/"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = tmp_path_factory.mktemp("meta") / "out"
    assert build(MINIMAL, built).status == 0
    return built


class Head(HTMLParser):
    """What a page's <head> says about it."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}
        self.json_ld: list[Any] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in values or "name" in values):
            key = values.get("property") or values["name"]
            self.meta.setdefault(key, []).append(values.get("content", ""))
        elif tag == "link":
            self.links.setdefault(values.get("rel", ""), []).append(values.get("href", ""))
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in = "ld"
            self.json_ld.append("")
        elif tag == "title":
            self._in = "title"

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "title"}:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "ld":
            self.json_ld[-1] += data
        elif self._in == "title":
            self.title += data


def head_of(path: Path) -> Head:
    head = Head()
    head.feed(path.read_text("utf-8"))
    head.json_ld = [json.loads(block) for block in head.json_ld]
    return head


def address_of(output: Path, path: Path) -> str:
    folder = path.parent.relative_to(output).as_posix()
    return BASE if folder == "." else f"{BASE}{folder}/"


def test_every_page_has_a_canonical_link_description_and_open_graph_tags(output: Path) -> None:
    pages = sorted(output.rglob("index.html"))
    assert len(pages) > 25
    for path in pages:
        head = head_of(path)
        address = address_of(output, path)
        assert head.links.get("canonical") == [address], path
        assert head.meta["og:url"] == [address]
        (description,) = head.meta["description"]
        assert description.strip() and head.meta["og:description"] == [description]
        (title,) = head.meta["og:title"]
        assert title and title in head.title
        assert head.meta["og:site_name"] == ["Fixture Watch"]
        assert head.meta["og:type"] in (["article"], ["website"])
        assert head.meta["og:locale"] == ["en_GB"]


def test_the_404_page_has_no_address_of_its_own_and_is_not_indexed(output: Path) -> None:
    head = head_of(output / "404.html")
    assert "canonical" not in head.links and "og:url" not in head.meta
    assert head.meta["robots"] == ["noindex"]
    assert head.json_ld == []


def test_withdrawn_record_keeps_its_address_but_asks_not_to_be_indexed(output: Path) -> None:
    head = head_of(output / "inspections/eastborough-withdrawn/index.html")
    assert head.links["canonical"] == [f"{BASE}inspections/eastborough-withdrawn/"]
    assert head.meta["robots"] == ["noindex"]
    assert head.json_ld == []
    assert "robots" not in head_of(output / "inspections/northtown-2021/index.html").meta


def only_ld(output: Path, page: str) -> dict[str, Any]:
    (described,) = head_of(output / page / "index.html").json_ld
    assert described["@context"] == "https://schema.org"
    return described  # type: ignore[no-any-return]


def test_council_page_describes_a_government_organization(output: Path) -> None:
    council = only_ld(output, "authorities/eastborough")
    assert council["@type"] == "GovernmentOrganization"
    assert council["name"] == "Eastborough Borough Council"
    assert council["url"] == f"{BASE}authorities/eastborough/"
    assert {
        "@type": "PropertyValue",
        "propertyID": "ONS GSS code",
        "value": "E06000099",
    } in council["identifier"]
    assert council["sameAs"] == "https://eastborough.example/"


def test_inspection_page_describes_a_report_by_its_judge_about_the_council(output: Path) -> None:
    report = only_ld(output, "inspections/eastborough-scrutiny-2019")
    assert report["@type"] == "Report"
    assert report["datePublished"] == "2019-11"  # a partial date, as the source gives it
    assert report["author"] == {"@type": "Organization", "name": "Eastborough scrutiny committee"}
    assert report["about"]["url"] == f"{BASE}authorities/eastborough/"
    assert report["description"].startswith("Social workers carried caseloads")


def test_source_page_describes_the_work_cited(output: Path) -> None:
    source = only_ld(output, "sources/report-a")
    assert source["@type"] == "NewsArticle"
    assert source["url"] == "https://news.example/report-a"
    assert source["mainEntityOfPage"] == f"{BASE}sources/report-a/"
    assert source["publisher"]["name"] == "Fixture News"


def test_home_page_describes_the_website_and_its_search(output: Path) -> None:
    website = only_ld(output, ".")
    assert website["@type"] == "WebSite"
    template = website["potentialAction"]["target"]["urlTemplate"]
    assert template == f"{BASE}search/?q={{search_term_string}}"


def test_data_page_describes_a_dataset_with_every_download(output: Path) -> None:
    dataset = only_ld(output, "data")
    assert dataset["@type"] == "Dataset" and dataset["license"] == "CC BY 4.0"
    downloads = {d["contentUrl"] for d in dataset["distribution"]}
    on_disk = {
        f"{BASE}data/{p.name}"
        for p in (output / "data").iterdir()
        if p.suffix in {".json", ".csv"} and p.name != "datapackage.json"  # describes the files
    }
    assert downloads == on_disk


def test_case_pages_carry_no_structured_data(output: Path) -> None:
    assert head_of(output / "cases/child-a/index.html").json_ld == []


def test_every_internal_link_of_the_built_site_resolves(output: Path) -> None:
    assert check_links(output, BASE) == []


HOSTILE = "</script><script>alert(1)</script> \"Quoted\" & 'single' <b>bold</b> \u2028"


def test_titles_and_findings_with_markup_stay_text_in_meta_tags_and_json_ld(
    make_site: MakeSite,
) -> None:
    quoted = json.dumps(HOSTILE)
    make_site({
        "inspections/hostile.yaml": f"title: {quoted}\nauthority: westshire\njudged_by: {quoted}\n"
        f"kind: other\ndate: '2023-03-03'\nfindings: {quoted}\nsources: [report-a]\n",
    })  # fmt: skip
    assert build(Path("content"), Path("out")).status == 0
    page = Path("out/inspections/hostile/index.html").read_text("utf-8")
    scan = scan_html(page)
    assert scan.problems == []
    assert "</script><script>alert" not in page
    head = head_of(Path("out/inspections/hostile/index.html"))
    assert head.meta["og:title"] == [HOSTILE]
    (report,) = head.json_ld
    assert report["name"] == report["description"] == HOSTILE
    assert report["author"]["name"] == HOSTILE


# --- the policies every page sets for the browser -------------------------------------------


class Policies(HTMLParser):
    """The Content-Security-Policy and referrer meta tags of a page, and what precedes them."""

    def __init__(self) -> None:
        super().__init__()
        self.csp: list[str] = []
        self.referrer: list[str] = []
        self.loads_before_csp: list[str] = []  # anything fetched or run before the policy

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.csp.append(values.get("content", ""))
        elif tag == "meta" and values.get("name", "").lower() == "referrer":
            self.referrer.append(values.get("content", ""))
        elif tag in {"link", "script", "style", "img", "base"} and not self.csp:
            self.loads_before_csp.append(tag)


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, *sources = part.split()
        parsed[name.lower()] = sources
    return parsed


@pytest.fixture(scope="module", params=["fixture", "default"])
def any_output(
    request: pytest.FixtureRequest, output: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The fixture site and the default site (content/)."""
    if request.param == "fixture":
        return output
    built = tmp_path_factory.mktemp("meta-default") / "out"
    assert build(REPO / "content", built).status == 0
    return built


def test_every_page_sets_a_strict_content_security_policy_before_loading_anything(
    any_output: Path,
) -> None:
    pages = sorted(any_output.rglob("*.html"))
    assert len(pages) > 25
    for path in pages:
        found = Policies()
        found.feed(path.read_text("utf-8"))
        assert len(found.csp) == 1, path
        assert found.loads_before_csp == [], path  # a policy in a meta tag covers what follows
        policy = directives(found.csp[0])
        assert policy["default-src"] == ["'self'"], path
        assert policy["script-src"] == ["'self'"], path  # the site's own files, nothing inline
        assert policy["style-src"] == ["'self'"], path
        assert policy["object-src"] == ["'none'"], path
        assert policy["base-uri"] == ["'none'"], path
        assert policy["form-action"] == ["'self'"], path
        everything = " ".join(source for sources in policy.values() for source in sources)
        for loose in ("unsafe", "*", "data:", "http:", "https:", "blob:"):
            assert loose not in everything, (path, loose)


def test_every_page_asks_the_browser_to_send_no_referrer(any_output: Path) -> None:
    """A link to a news report must not tell the news site which child's case was being read."""
    for path in sorted(any_output.rglob("*.html")):
        found = Policies()
        found.feed(path.read_text("utf-8"))
        assert found.referrer == ["no-referrer"], path
