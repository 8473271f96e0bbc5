"""Atom feeds, the sitemap and robots.txt: valid, complete, dated from the content only."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import MakeSite
from helpers import TEMPLATES, build
from helpers import make_site as copy_site

from site_builder import models as m
from site_builder.config import SiteConfig
from site_builder.link import Site
from site_builder.pipeline import check_site

BASE = "https://fixture.example/"
A = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Site]:
    folder = tmp_path_factory.mktemp("feeds")
    content, output = copy_site(folder), folder / "out"  # a copy: the cache goes beside it
    assert build(content, output).status == 0
    site, _ = check_site(SiteConfig(content, TEMPLATES, output, today=dt.date(2025, 11, 22)))
    return output, site


def parse(path: Path) -> ET.Element:
    return ET.fromstring(path.read_bytes())


def one(parent: ET.Element, tag: str) -> ET.Element:
    found = parent.findall(A + tag)
    assert len(found) == 1, f"{parent.tag} needs exactly one {tag}, has {len(found)}"
    return found[0]


def check_atom(feed: ET.Element, self_url: str) -> list[ET.Element]:
    """The elements RFC 4287 requires, with valid times; returns the entries."""
    assert feed.tag == A + "feed"
    assert one(feed, "id").text == self_url
    assert one(feed, "title").text
    assert RFC3339.match(one(feed, "updated").text or "")
    self_links = [link for link in feed.findall(A + "link") if link.get("rel") == "self"]
    assert [link.get("href") for link in self_links] == [self_url]
    entries = feed.findall(A + "entry")
    has_author = feed.find(f"{A}author/{A}name") is not None
    ids = []
    for entry in entries:
        ids.append(one(entry, "id").text)
        assert one(entry, "title").text
        assert RFC3339.match(one(entry, "updated").text or "")
        alternate = [
            x for x in entry.findall(A + "link") if x.get("rel", "alternate") == "alternate"
        ]
        assert len(alternate) == 1 and (alternate[0].get("href") or "").startswith(BASE)
        assert has_author or entry.find(f"{A}author/{A}name") is not None
    assert len(ids) == len(set(ids)), "entry ids must be unique"
    times = [one(e, "updated").text or "" for e in entries]
    assert times == sorted(times, reverse=True), "newest first"
    assert not times or (one(feed, "updated").text or "") >= max(times)
    return entries


def links_of(entries: list[ET.Element]) -> list[str]:
    return [one(e, "link").get("href") or "" for e in entries]


def test_site_feed_is_valid_atom_of_new_and_corrected_records(built: tuple[Path, Site]) -> None:
    output, site = built
    entries = check_atom(parse(output / "feed.xml"), f"{BASE}feed.xml")
    ids = {one(e, "id").text: one(e, "updated").text for e in entries}
    assert ids[f"{BASE}inspections/northtown-2021/#correction-1"] == "2022-01-05T00:00:00Z"
    assert ids[f"{BASE}authorities/northtown/"] == "2024-01-10T00:00:00Z"  # last reviewed
    assert (
        ids[f"{BASE}inspections/northtown-2018/"] == "2018-05-01T00:00:00Z"
    )  # a month: its first day
    dated = {
        f"{BASE}{r.collection}/{r.slug}/"
        for r in site.records
        if not r.is_withdrawn
        and (r.last_reviewed or getattr(r, "date", None) or getattr(r, "published", None))
    }
    corrected = {
        f"{BASE}{r.collection}/{r.slug}/"
        for r in site.records
        if r.corrections and not r.is_withdrawn
    }
    assert set(links_of(entries)) == dated | corrected


def test_feeds_hold_no_withdrawn_draft_or_embargoed_record(built: tuple[Path, Site]) -> None:
    for feed in [built[0] / "feed.xml", *sorted(built[0].glob("authorities/*/feed.xml"))]:
        text = feed.read_text("utf-8").lower()
        for absent in ("eastborough-withdrawn", "palimpsest", "lanternfish", "orrery", "quillwort"):
            assert absent not in text, (feed, absent)


def test_each_council_has_a_feed_of_its_own_records_only(built: tuple[Path, Site]) -> None:
    output, site = built
    for slug, authority in site.authorities.items():
        page = f"{BASE}authorities/{slug}/"
        feed = parse(output / f"authorities/{slug}/feed.xml")
        entries = check_atom(feed, f"{page}feed.xml")
        alternate = [x.get("href") for x in feed.findall(A + "link") if x.get("rel") == "alternate"]
        assert alternate == [page]
        assert authority.name in (one(feed, "title").text or "")
        for link in links_of(entries):
            collection, record_slug = link.removeprefix(BASE).strip("/").split("/")
            record = site.get(collection, record_slug)
            assert (
                record.slug == slug
                or getattr(record, "authority", None) == slug
                or slug in getattr(record, "authorities", ())
            )
    eastborough = links_of(parse(output / "authorities/eastborough/feed.xml").findall(A + "entry"))
    assert sorted(eastborough) == [
        f"{BASE}cases/child-marigold/",
        f"{BASE}inspections/eastborough-scrutiny-2019/",
    ]


def test_council_page_links_its_feed(built: tuple[Path, Site]) -> None:
    page = (built[0] / "authorities/northtown/index.html").read_text("utf-8")
    assert 'type="application/atom+xml"' in page and 'href="feed.xml"' in page


def test_feeds_take_their_dates_from_the_content_not_the_clock(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_site()
    assert build(Path("content"), Path("one")).status == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900000000")  # 2030
    assert build(Path("content"), Path("two")).status == 0
    for name in ["feed.xml", "authorities/northtown/feed.xml", "sitemap.xml"]:
        assert Path("one", name).read_bytes() == Path("two", name).read_bytes()
    assert one(parse(Path("one/feed.xml")), "updated").text == "2024-01-10T00:00:00Z"


def test_entry_ids_stay_when_records_are_corrected_again(make_site: MakeSite) -> None:
    make_site()
    assert build(Path("content"), Path("before")).status == 0
    path = Path("content/inspections/northtown-2021.yaml")
    path.write_text(
        path.read_text() + '  - date: "2022-01-05"\n    text: The grade was checked again.\n'
    )
    assert build(Path("content"), Path("after")).status == 0
    before = {one(e, "id").text for e in parse(Path("before/feed.xml")).findall(A + "entry")}
    after = {one(e, "id").text for e in parse(Path("after/feed.xml")).findall(A + "entry")}
    assert after - before == {f"{BASE}inspections/northtown-2021/#correction-2"}
    assert before <= after


def test_feed_text_with_markup_characters_parses_back_exactly(make_site: MakeSite) -> None:
    title = 'Council <b>X</b> "quoted" & co </feed>'
    make_site({"inspections/odd.yaml": f"title: '{title.replace(chr(39), chr(39) * 2)}'\n"
               "authority: westshire\njudged_by: Ofsted\nkind: other\ndate: '2023-03-03'\nsources: [report-a]\n"})  # fmt: skip
    assert build(Path("content"), Path("out")).status == 0
    titles = [one(e, "title").text for e in parse(Path("out/feed.xml")).findall(A + "entry")]
    assert f"New judgement: {title}" in titles


def public_pages(output: Path) -> set[str]:
    """Every HTML page a reader may land on: all but the 404 page and withdrawn records."""
    pages = set()
    for path in output.rglob("index.html"):
        if 'name="robots" content="noindex"' in path.read_text("utf-8"):
            continue
        folder = path.parent.relative_to(output).as_posix()
        pages.add(BASE if folder == "." else f"{BASE}{folder}/")
    return pages


def test_sitemap_lists_every_public_page_by_absolute_address(built: tuple[Path, Site]) -> None:
    output = built[0]
    root = parse(output / "sitemap.xml")
    assert root.tag == SM + "urlset"
    locs = [url.findtext(SM + "loc") or "" for url in root.findall(SM + "url")]
    assert len(locs) == len(set(locs)) and locs == sorted(locs)
    assert set(locs) == public_pages(output)
    assert f"{BASE}inspections/eastborough-withdrawn/" not in locs  # keeps its address, unlisted
    assert f"{BASE}search/" in locs and f"{BASE}404.html" not in locs
    assert (output / "inspections/eastborough-withdrawn/index.html").is_file()


def test_robots_txt_points_to_the_sitemap(built: tuple[Path, Site]) -> None:
    robots = (built[0] / "robots.txt").read_text("utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()
    assert "User-agent: *" in robots.splitlines()


def test_withdrawn_record_is_not_in_any_list_feed_or_the_model_counts(
    built: tuple[Path, Site],
) -> None:
    site = built[1]
    withdrawn = site.get("inspections", "eastborough-withdrawn")
    assert withdrawn.status is m.Status.WITHDRAWN
    assert withdrawn not in site.listed("inspections")
