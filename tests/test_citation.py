"""What a reader needs to cite the record: "Cite this page" on every record page, with its
title, the site, its canonical address and the date of its last change; and the pages that
show it (with the footer's "Last updated") pass vnu, the link check and axe."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import sitecheck
from helpers import build
from helpers import make_site as copy_site

BASE = "https://fixture.example/"
CITE = re.compile(r'<details class="cite">\s*<summary>Cite this page</summary>\s*'
                  r'<p class="citation">(?P<text>.*?)</p>\s*</details>', re.DOTALL)  # fmt: skip
RECORD_PAGES = [
    "authorities/northtown/index.html",
    "bodies/northtown-scb/index.html",
    "cases/child-a/index.html",
    "inspections/northtown-2021/index.html",
    "sources/report-a/index.html",
    "pages/about/index.html",
]


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("citation")
    assert build(copy_site(folder), folder / "out").status == 0
    return folder / "out"


def citation(page: Path) -> str:
    found = CITE.findall(page.read_text("utf-8"))
    assert len(found) == 1, f"{page} needs one Cite this page block"
    return str(found[0])


@pytest.mark.parametrize("path", RECORD_PAGES)
def test_every_record_page_offers_its_title_site_and_canonical_address(
    output: Path, path: str
) -> None:
    page = output / path
    text = citation(page)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', page.read_text("utf-8"))
    assert canonical and canonical.group(1) == BASE + path.removesuffix("index.html")
    assert text.endswith(". " + canonical.group(1))
    assert "Fixture Watch" in text
    title = re.search(r"<h1[^>]*>(.*?)</h1>", page.read_text("utf-8"), re.DOTALL)
    assert title and f"“{title.group(1).strip()}”" in text


def test_citation_is_dated_by_the_newest_review_or_correction_the_page_shows(
    output: Path,
) -> None:
    corrected = citation(output / "inspections/northtown-2021/index.html")
    assert 'corrected <time datetime="2022-01-05">5 January 2022</time>' in corrected
    reviewed = citation(output / "authorities/northtown/index.html")
    assert 'last reviewed <time datetime="2024-01-10">10 January 2024</time>' in reviewed
    assert "<time" not in citation(output / "sources/report-a/index.html")  # no date shown


def test_in_git_the_citation_gives_the_last_changed_date_the_page_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = copy_site(tmp_path)
    env = {
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@fixture.example",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@fixture.example",
        "GIT_COMMITTER_DATE": "2025-03-04T12:00:00Z",
        "GIT_AUTHOR_DATE": "2025-03-04T12:00:00Z",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "content"]):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True)  # fmt: skip
    assert build(content, tmp_path / "out").status == 0
    page = (tmp_path / "out" / "cases/child-a/index.html").read_text("utf-8")
    assert 'Last changed: <time datetime="2025-03-04">4 March 2025</time>' in page
    text = citation(tmp_path / "out" / "cases/child-a/index.html")
    assert 'last changed <time datetime="2025-03-04">4 March 2025</time>' in text


@pytest.mark.parametrize("tool", ["vnu", "links", "axe"])
def test_changed_pages_pass_vnu_the_link_check_and_axe(output: Path, tool: str) -> None:
    pages = [*RECORD_PAGES, "index.html", "data/index.html"]
    if tool == "vnu":
        problems = sitecheck.validate_html(output)
    elif tool == "links":
        problems = sitecheck.check_links(output, BASE)
    else:
        problems = sitecheck.run_axe(output, pages)
    assert problems == []
