"""The site-wide "Last updated" on the home and data pages: the newest date the published
content states, never the clock. Not in every page's footer: a new date would then make
every page of the site change with one edit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import MakeSite
from helpers import build, record_text
from helpers import make_site as copy_site

UPDATED = re.compile(r'<p class="updated">Last updated: <time datetime="([^"]+)">([^<]+)</time>')
PAGES = ["index.html", "data/index.html"]


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("last-updated")
    assert build(copy_site(folder), folder / "out").status == 0
    return folder / "out"


def test_last_updated_is_the_newest_date_in_the_fixture(output: Path) -> None:
    """The fixture's newest date is northtown's last review, 10 January 2024; the embargoed
    and withdrawn records' later-looking dates do not count."""
    for path in PAGES:
        found = UPDATED.findall((output / path).read_text("utf-8"))
        assert found == [("2024-01-10", "10 January 2024")], path
    assert "Last updated" not in (output / "cases" / "child-a" / "index.html").read_text("utf-8")


def test_last_updated_follows_a_new_correction_and_ignores_drafts(make_site: MakeSite) -> None:
    draft = {"title": "Draft source", "kind": "news", "published": "2025-09-01", "status": "draft"}
    content = make_site({
        "sources/report-b.yaml": record_text({"title": "Later report", "kind": "news",
                                              "published": "2024-06", "retrieved": "2024-07-02?"}),
        "sources/draft.yaml": record_text(draft),
    })  # fmt: skip
    assert build(content, content.parent / "out").status == 0
    home = (content.parent / "out" / "index.html").read_text("utf-8")
    assert UPDATED.findall(home) == [("2024-06", "June 2024")]  # the inferred date is no fact


def test_a_site_with_no_dates_shows_no_last_updated(make_site: MakeSite) -> None:
    content = make_site(base=None)
    (content / "site.yaml").write_text(
        "title: Empty\nbase_url: https://empty.example/\ndescription: Nothing yet.\n"
        "contact: editor@empty.example\n",
        "utf-8",
    )
    assert build(content, content.parent / "out").status == 0
    assert "Last updated" not in (content.parent / "out" / "index.html").read_text("utf-8")
