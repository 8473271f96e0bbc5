"""The dev server: serves the site, rebuilds on change, shows errors on an overlay, stays up."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from site_builder import serve
from site_builder.config import SiteConfig

REPO = Path(__file__).parent.parent
MINIMAL = REPO / "tests" / "fixtures" / "minimal"
HANG_GUARD_SECONDS = 30  # a guard against a hung server, not a speed requirement
Server = tuple[str, "subprocess.Popen[bytes]", Path]  # base URL, process, its log


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fetch(url: str) -> tuple[int, str]:
    """Status and text of a page; (0, '') while the server is not answering."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def wait_for(
    url: str, condition: Callable[[int, str], bool], server: subprocess.Popen[bytes]
) -> str:
    """Poll url until condition(status, text) holds; fail if the server dies or hangs."""
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped"
        status, text = fetch(url)
        if condition(status, text):
            return text
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {url}; last answer: {status} {text[:300]}")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the fixture content and templates: the server may edit neither original."""
    shutil.copytree(MINIMAL, tmp_path / "content")
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    return tmp_path


@pytest.fixture
def server(site: Path) -> Iterator[Server]:
    """`site-builder serve` on a free port in a subprocess, killed at the end."""
    port = free_port()
    log = site / "serve.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "site_builder", "serve", "--port", str(port),
             "--content", "content", "--templates", "templates", "--output", "out"],
            cwd=site, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield f"http://127.0.0.1:{port}", process, log
        finally:
            process.kill()
            process.wait(timeout=10)


def test_server_serves_the_site_and_rebuilds_after_an_edit(server: Server, site: Path) -> None:
    base, process, _ = server
    page = wait_for(f"{base}/cases/child-a/", lambda status, _: status == 200, process)
    assert "<h1>Child A</h1>" in page
    assert "livereload.js" in page  # the browser reloads itself after each rebuild
    status, missing = fetch(f"{base}/no-such-page/")
    assert status == 404 and "Page not found" in missing  # the site's own 404 page
    record = site / "content" / "cases" / "child-a.md"
    record.write_text(record.read_text().replace("title: Child A\n", "title: Child Aurora\n"))
    page = wait_for(f"{base}/cases/child-a/", lambda _, text: "Child Aurora" in text, process)
    assert "<h1>Child Aurora</h1>" in page
    assert "Child Aurora" in (site / "out" / "cases" / "child-a" / "index.html").read_text()


def test_bad_edit_shows_the_overlay_keeps_the_last_good_site_and_recovers(
    server: Server, site: Path
) -> None:
    base, process, log = server
    wait_for(f"{base}/", lambda status, _: status == 200, process)
    record = site / "content" / "cases" / "child-a.md"
    good = record.read_text()
    record.write_text(good.replace("harm: died\n", "harm: <dyed>\n"))

    overlay = wait_for(f"{base}/cases/child-a/", lambda status, _: status == 500, process)
    assert "content/cases/child-a.md:6: field &#x27;harm&#x27;: &#x27;&lt;dyed&gt;&#x27;" in overlay
    assert "livereload.js" in overlay  # so it reloads by itself once fixed
    assert "content/cases/child-a.md:6: field 'harm'" in log.read_text()
    status, _ = fetch(f"{base}/static/site.css")
    assert status == 200  # assets of the last good site are still served
    assert "<h1>Child A</h1>" in (site / "out" / "cases" / "child-a" / "index.html").read_text()
    assert not list((site / "out").rglob("*overlay*"))

    record.write_text(good.replace("title: Child A\n", "title: Child Again\n"))
    page = wait_for(f"{base}/cases/child-a/", lambda status, _: status == 200, process)
    assert "<h1>Child Again</h1>" in page


def test_crash_in_a_rebuild_is_shown_and_the_server_stays_up(server: Server, site: Path) -> None:
    base, process, _ = server
    wait_for(f"{base}/", lambda status, _: status == 200, process)
    template = site / "templates" / "case.html"
    good = template.read_text()
    head, end, tail = good.rpartition("{% endblock %}")
    # a field no page has: rendering raises (a syntax error is reported as templates/x.html:LINE)
    template.write_text(f"{head}{{{{ page.no_such_field }}}}{end}{tail}")

    overlay = wait_for(f"{base}/", lambda status, _: status == 500, process)
    assert "site-builder crashed while building" in overlay
    template.write_text(good)
    wait_for(f"{base}/", lambda status, _: status == 200, process)


def test_rebuild_records_any_exception_instead_of_raising(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(config: SiteConfig) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(serve, "build_site", explode)
    state = serve.BuildState()
    config = SiteConfig(site / "content", site / "templates", site / "out")
    assert serve.rebuild_site(config, state) is False
    assert state.is_failing and "disk on fire" in state.errors[-1]


def test_overlay_escapes_every_error() -> None:
    page = serve.render_overlay(["content/cases/x.md:3: bad value '<script>alert(1)</script>'"])
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "</head>" in page  # livereload injects its script there


@pytest.mark.parametrize(
    ("path", "accept", "is_page"),
    [
        ("", "", True),
        ("cases/child-a/", "", True),
        ("cases/child-a", "", True),
        ("404.html", "", True),
        ("static/site.css", "text/css,*/*;q=0.1", False),
        ("feed.xml", "*/*", False),
        ("data/cases.json", "", False),
        ("feed.xml", "text/html,application/xhtml+xml", True),
    ],
)
def test_only_page_requests_get_the_overlay(path: str, accept: str, is_page: bool) -> None:
    assert serve.is_page_request(path, accept) is is_page


def test_watcher_runs_its_task_once_the_folder_has_settled(tmp_path: Path) -> None:
    calls: list[list[str]] = []
    watcher = serve.SnapshotWatcher()
    watcher.watch(str(tmp_path), calls.append)
    watcher._changes.clear()
    (tmp_path / "a.md").write_text("one")
    watcher.examine()  # sees the change
    assert calls == []
    watcher.examine()  # nothing new since: settled
    assert calls == [[str(tmp_path / "a.md")]]
    watcher.examine()
    assert len(calls) == 1
