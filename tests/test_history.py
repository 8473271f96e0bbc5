"""Record history from git: one `git log` for the content folder, nothing outside git."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import snapshot

from site_builder import history
from site_builder.cli import main
from site_builder.history import RecordChange, history_link, parse_log, read_history

REPO = Path(__file__).parent.parent
MINIMAL = REPO / "tests" / "fixtures" / "minimal"
FIRST = "2024-03-01T10:00:00+00:00"
SECOND = "2025-06-30T23:30:00-02:00"  # 2025-07-01 in UTC: dates are UTC on any machine


def git(folder: Path, *args: str, when: str = FIRST) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(folder),
    }
    result = subprocess.run(
        ["git", "-C", str(folder), *args], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding the fixture under content/, in two commits."""
    monkeypatch.delenv(history.SWITCH, raising=False)
    repo = tmp_path / "repo"
    shutil.copytree(MINIMAL, repo / "content")
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "remote", "add", "origin", "git@github.com:example/watch.git")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "First records")
    case = repo / "content" / "cases" / "child-a.md"
    case.write_text(case.read_text().replace("title: Child A\n", "title: Child A (edited)\n"))
    git(repo, "commit", "--quiet", "-am", "Edit child A", when=SECOND)
    return repo


def test_last_change_of_each_file_comes_from_its_newest_commit(checkout: Path) -> None:
    changes = read_history(checkout / "content")
    head = git(checkout, "rev-parse", "HEAD")
    assert changes["cases/child-a.md"].date == dt.date(2025, 7, 1)
    assert changes["cases/child-a.md"].commit == head
    assert changes["cases/child-b.md"].date == dt.date(2024, 3, 1)
    assert changes["cases/child-a.md"].history_url == (
        f"https://github.com/example/watch/commits/{head}/content/cases/child-a.md"
    )


def test_history_is_read_with_one_git_log_for_the_whole_folder(
    checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(args: list[str], **kwargs: Any) -> Any:
        calls.append(args)
        return real_run(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting_run)
    assert len(read_history(checkout / "content")) == len(list(MINIMAL.rglob("*.*")))
    assert sum("log" in call for call in calls) == 1
    assert len(calls) <= 3


def test_record_page_shows_last_change_and_links_its_history(
    checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(checkout)
    assert main(["build", "--templates", str(REPO / "templates"), "--output", "../out"]) == 0
    page = (checkout.parent / "out" / "cases" / "child-a" / "index.html").read_text()
    assert 'Last changed: <time datetime="2025-07-01">1 July 2025</time>' in page
    assert "https://github.com/example/watch/commits/" in page
    assert "Last reviewed" in page


def test_build_outside_git_works_and_shows_no_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(MINIMAL, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    assert read_history(tmp_path / "content") == {}
    assert main(["build", "--templates", str(REPO / "templates"), "--output", "out"]) == 0
    page = (tmp_path / "out" / "cases" / "child-a" / "index.html").read_text()
    assert "Last changed" not in page
    assert "Last reviewed" in page


def test_builds_in_git_are_byte_identical(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(checkout)
    templates = str(REPO / "templates")
    assert main(["build", "--templates", templates, "--output", "../one"]) == 0
    assert main(["build", "--templates", templates, "--output", "../two"]) == 0
    one, two = checkout.parent / "one", checkout.parent / "two"
    for page in one.rglob("*.html"):
        assert page.read_bytes() == (two / page.relative_to(one)).read_bytes()


def test_shallow_clone_shows_no_history(checkout: Path, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "--quiet", "--depth", "1", f"file://{checkout}", str(shallow))
    assert read_history(shallow / "content") == {}


def test_history_can_be_switched_off(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(history.SWITCH, "off")
    assert read_history(checkout / "content") == {}


def test_missing_git_is_no_history(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(checkout / "no-such-folder"))
    assert read_history(checkout / "content") == {}


def test_parse_log_keeps_the_newest_change_of_each_file() -> None:
    listing = (
        "commit bbb 1719792000\n\ncases/a.md\n\ncommit aaa 1709287200\n\ncases/a.md\ncases/b.md\n"
    )
    changes = parse_log(listing, "content/", "https://github.com/o/r/commits")
    assert changes == {
        "cases/a.md": RecordChange(dt.date(2024, 7, 1), "bbb",
                                   "https://github.com/o/r/commits/bbb/content/cases/a.md"),
        "cases/b.md": RecordChange(dt.date(2024, 3, 1), "aaa",
                                   "https://github.com/o/r/commits/aaa/content/cases/b.md"),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("remote", "link"),
    [
        ("https://github.com/owner/watch.git", "https://github.com/owner/watch/commits"),
        ("https://github.com/owner/watch", "https://github.com/owner/watch/commits"),
        ("git@github.com:owner/watch.git", "https://github.com/owner/watch/commits"),
        ("ssh://git@github.com/owner/watch.git", "https://github.com/owner/watch/commits"),
        ("https://gitlab.com/owner/watch.git", "https://gitlab.com/owner/watch/-/commits"),
        ("https://git.example.org/owner/watch.git", None),
        ("/srv/git/watch.git", None),
        ("", None),
    ],
)
def test_history_link_from_the_origin_remote(remote: str, link: str | None) -> None:
    assert history_link(remote) == link


def test_a_cache_restored_from_another_commit_serves_no_stale_page(
    checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in the publish workflow: commit A is built in a fresh checkout and its build cache
    saved; commit B (a record edited to the same size, on a later date) is checked out
    fresh in the same place, the cache restored, and built: its pages are a cold build's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763769600")
    case = checkout / "content" / "cases" / "child-b.md"
    case.write_text(case.read_text().replace("title: Child B", "title: Child Q"))
    git(checkout, "commit", "--quiet", "-am", "Edit child B", when="2026-01-05T09:00:00+00:00")
    runner, cache = tmp_path / "runner", Path(".cache") / "site-builder"

    def publish(commit: str, where: Path, restore: Path | None = None) -> dict[str, str]:
        git(tmp_path, "clone", "--quiet", str(checkout), str(where))
        git(where, "checkout", "--quiet", commit)
        if restore is not None:
            (where / cache).parent.mkdir()
            shutil.move(restore, where / cache)
        args = ["--content", str(where / "content"), "--output", str(where / "output")]
        assert main(["build", *args, "--templates", str(REPO / "templates")]) == 0
        return snapshot(where / "output")

    publish("HEAD~1", runner)
    shutil.move(runner / cache, tmp_path / "saved")
    shutil.rmtree(runner)
    restored = publish("HEAD", runner, restore=tmp_path / "saved")
    assert restored == publish("HEAD", tmp_path / "cold")
    page = (runner / "output" / "cases" / "child-b" / "index.html").read_text()
    assert "Child Q" in page and "Child B" not in page
    assert "2026-01-05" in page  # its last change, from the new commit
