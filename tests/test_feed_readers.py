"""Every Atom feed of the default site, read by a real feed reader (`feedparser`): no problem
reported, and exactly the entries the record's changes call for."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import feedparser
import pytest
from helpers import REPO, TEMPLATES, build

from site_builder import urls
from site_builder.config import SiteConfig
from site_builder.link import Site
from site_builder.pipeline import check_site
from site_builder.render.feeds import FEED_ENTRIES, concerned_authorities, entry_id
from site_builder.render.site_pages import Change, record_changes

BUILD_DATE = dt.date(2025, 11, 22)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Site]:
    """The default site, built from a copy of content/, with the model it was built from."""
    folder = tmp_path_factory.mktemp("feed-readers")
    content = folder / "content"
    shutil.copytree(REPO / "content", content)
    assert build(content, folder / "out").status == 0
    site, _ = check_site(SiteConfig(content, TEMPLATES, folder / "out", today=BUILD_DATE))
    return folder / "out", site


def read(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, f"{path}: {parsed.get('bozo_exception')}"
    assert parsed.version == "atom10"
    return parsed


def expected_ids(site: Site, changes: list[Change]) -> list[str]:
    base = site.settings.base_url
    return [
        entry_id(c, urls.absolute_url(base, urls.record_path(c.record)))
        for c in changes[:FEED_ENTRIES]
    ]


def check_entries(parsed: feedparser.FeedParserDict, site: Site, changes: list[Change]) -> None:
    assert [entry.id for entry in parsed.entries] == expected_ids(site, changes)
    for entry, change in zip(parsed.entries, changes, strict=False):
        assert entry.title and entry.summary and entry.updated_parsed
        assert entry.updated.startswith(change.date.earliest().isoformat())
        record_url = urls.absolute_url(site.settings.base_url, urls.record_path(change.record))
        assert entry.link == record_url


def test_the_site_feed_reads_without_problems_and_holds_the_newest_changes(
    built: tuple[Path, Site],
) -> None:
    output, site = built
    parsed = read(output / "feed.xml")
    assert parsed.feed.title == site.settings.title
    assert parsed.feed.link == site.settings.base_url
    changes = record_changes(site)
    assert changes, "the default site has changes to announce"
    check_entries(parsed, site, changes)


def test_every_council_feed_reads_without_problems_with_its_own_changes(
    built: tuple[Path, Site],
) -> None:
    output, site = built
    feeds = sorted((output / "authorities").glob("*/feed.xml"))
    published = [slug for slug, a in site.authorities.items() if not a.is_withdrawn]
    assert sorted(path.parent.name for path in feeds) == sorted(published)
    changes = record_changes(site)
    for path in feeds:
        slug = path.parent.name
        parsed = read(path)
        assert parsed.feed.title.startswith(site.authorities[slug].name)
        own = [c for c in changes if slug in concerned_authorities(c.record)]
        check_entries(parsed, site, own)
    birmingham = read(output / "authorities/birmingham/feed.xml")
    assert len(birmingham.entries) > 1


def test_a_feed_reader_reports_a_broken_feed(tmp_path: Path) -> None:
    """The check can fail: feedparser flags a feed that is not well-formed."""
    broken = tmp_path / "feed.xml"
    broken.write_text('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x')
    assert feedparser.parse(broken.read_bytes()).bozo == 1
