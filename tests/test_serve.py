"""The dev server: serves the site, rebuilds on change, shows errors on an overlay, stays up."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser import chromium_page, record_policy_violations
from helpers import tree_hash

from site_builder import overlay, serve
from site_builder.cli import main
from site_builder.config import SiteConfig
from site_builder.overlay import STYLESHEET_PATH
from site_builder.preview import ServedAddress

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


@contextlib.contextmanager
def serving(site: Path, *options: str) -> Iterator[Server]:
    """`site-builder serve` on a free port in a subprocess, killed at the end."""
    port = free_port()
    log = site / "serve.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "site_builder", "serve", "--port", str(port),
             "--content", "content", "--templates", "templates", "--output", "out", *options],
            cwd=site, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield f"http://127.0.0.1:{port}", process, log
        finally:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def server(site: Path) -> Iterator[Server]:
    with serving(site) as running:
        yield running


def test_server_serves_the_site_and_rebuilds_after_an_edit(server: Server, site: Path) -> None:
    base, process, log = server
    page = wait_for(f"{base}/cases/child-a/", lambda status, _: status == 200, process)
    assert "<h1>Child A</h1>" in page
    assert "livereload.js" in page  # the browser reloads itself after each rebuild
    status, missing = fetch(f"{base}/no-such-page/")
    assert status == 404 and "Page not found" in missing  # the site's own 404 page
    record = site / "content" / "cases" / "child-a.md"
    saved = site / "saved.md"  # saved whole, as editors do: written aside, then moved in place
    saved.write_text(record.read_text().replace("title: Child A\n", "title: Child Aurora\n"))
    os.replace(saved, record)
    page = wait_for(f"{base}/cases/child-a/", lambda _, text: "Child Aurora" in text, process)
    assert "<h1>Child Aurora</h1>" in page
    written = site / "out" / "cases" / "child-a" / "index.html"
    wait_for(f"{base}/", lambda *_: "Child Aurora" in written.read_text(), process)
    wait_for(f"{base}/", lambda *_: "from save to rebuild" in log.read_text(), process)
    assert "s from save to the first 3 pages" in log.read_text()  # the case, its council, source
    assert "Traceback" not in log.read_text()


ERRORS_SHOWN = 'class="site-builder-errors"'


def test_bad_edit_keeps_the_last_good_site_browsable_with_the_errors_over_it_then_recovers(
    server: Server, site: Path
) -> None:
    base, process, log = server
    wait_for(f"{base}/", lambda status, _: status == 200, process)
    output_before = tree_hash(site / "out")
    record = site / "content" / "cases" / "child-a.md"
    good = record.read_text()
    record.write_text(good.replace("harm: died\n", "harm: <dyed>\n"))

    page = wait_for(f"{base}/cases/child-a/", lambda _, text: ERRORS_SHOWN in text, process)
    assert "<h1>Child A</h1>" in page  # the last good page, under the errors
    assert "content/cases/child-a.md:6: field &#x27;harm&#x27;: &#x27;&lt;dyed&gt;&#x27;" in page
    assert "livereload.js" in page  # so it reloads by itself once fixed
    assert "content/cases/child-a.md:6: field 'harm'" in log.read_text()
    for address in ("/", "/authorities/northtown/", "/no-such-page/"):
        status, other = fetch(base + address)
        assert ERRORS_SHOWN in other and status in (200, 404), address  # every page, the 404 too
    assert fetch(base + "/static/site.css") == (200, (site / "out/static/site.css").read_text())
    status, css = fetch(base + STYLESHEET_PATH)
    assert status == 200 and ".site-builder-errors" in css
    assert tree_hash(site / "out") == output_before  # nothing of the errors written to output/

    record.write_text(good.replace("title: Child A\n", "title: Child Again\n"))
    # The build writes the page a moment before the server hears that it succeeded (and
    # only then tells the browser to reload): wait for both.
    page = wait_for(f"{base}/cases/child-a/",
                    lambda _, text: "Child Again" in text and ERRORS_SHOWN not in text, process)  # fmt: skip
    assert "<h1>Child Again</h1>" in page


def test_template_error_is_shown_as_its_file_and_line_and_the_server_stays_up(
    server: Server, site: Path
) -> None:
    base, process, log = server
    wait_for(f"{base}/", lambda status, _: status == 200, process)
    template = site / "templates" / "case.html"
    good = template.read_text()
    line = good.count("\n") + 1
    template.write_text(good + "{% if %}")  # a template syntax error: not a content error

    page = wait_for(f"{base}/", lambda _, text: ERRORS_SHOWN in text, process)
    assert f"templates/case.html:{line}: template syntax error: Expected an expression" in page
    assert "Traceback" not in page and "Traceback" not in log.read_text()
    template.write_text(good.replace("{% block main %}", "{% block main %}{{ page.nowhere }}"))
    page = wait_for(f"{base}/", lambda _, text: "nowhere" in text, process)
    main_line = good[: good.index("{% block main %}")].count("\n") + 1
    assert f"templates/case.html:{main_line}: " in page  # an error while rendering, too
    assert "Traceback" not in page
    template.write_text(good)
    wait_for(f"{base}/", lambda _, text: ERRORS_SHOWN not in text, process)


def test_while_no_build_has_succeeded_every_address_shows_the_errors(site: Path) -> None:
    record = site / "content" / "cases" / "child-a.md"
    record.write_text(record.read_text().replace("harm: died\n", "harm: dyed\n"))
    with serving(site) as (base, process, _):
        page = wait_for(f"{base}/cases/child-a/", lambda status, _: status != 0, process)
        assert "content/cases/child-a.md:6: field &#x27;harm&#x27;" in page
        assert ERRORS_SHOWN in fetch(f"{base}/")[1]
    assert not (site / "out").exists()


def test_serve_refuses_an_output_folder_inside_the_templates_before_serving(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(site)
    args = ["serve", "--content", "content", "--templates", "templates", "--port", "1"]
    assert main([*args, "--output", "templates/static/preview"]) == 2
    assert "is inside the templates folder templates" in capsys.readouterr().err
    assert not (site / "templates/static/preview").exists()


def test_rebuild_records_any_exception_instead_of_raising(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(config: SiteConfig, **options: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(serve, "build_site", explode)
    state = serve.BuildState()
    config = SiteConfig(site / "content", site / "templates", site / "out")
    assert serve.rebuild_site(config, state) is False
    assert state.is_failing and "disk on fire" in state.errors[-1]


def test_errors_over_a_page_are_escaped_and_need_no_inline_style_or_script() -> None:
    errors = ["content/cases/x.md:3: bad value '<script>alert(1)</script>'", "b.md:1: two"]
    page = overlay.with_errors(
        b"<html><head><title>x</title></head><body class=a><h1>Hi</h1>", errors
    )
    text = page.decode()
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert text.index(f'<link rel="stylesheet" href="{STYLESHEET_PATH}">') < text.index("</head>")
    assert text.index("<body class=a>") < text.index(ERRORS_SHOWN) < text.index("<h1>Hi</h1>")
    assert "2 errors" in text
    assert "style=" not in text and "<style" not in text and "<script" not in text
    alone = overlay.error_page(errors)
    assert "<style" not in alone and "style=" not in alone and "&lt;script&gt;" in alone


def test_watcher_hands_over_the_changed_files_once_the_folder_has_settled(
    tmp_path: Path,
) -> None:
    """Three quick writes, then quiet: the task runs once, with every file that changed."""
    calls: list[list[str]] = []
    watcher = serve.ChangeWatcher()
    (tmp_path / "content").mkdir()
    watcher.watch(str(tmp_path / "content"), calls.append)

    async def edit_then_wait() -> None:
        assert watcher.start(lambda: None)
        await asyncio.sleep(0.3)  # the watch has begun
        for name in ("a.md", "b.md", "a.md"):
            (tmp_path / "content" / name).write_text(name)
            await asyncio.sleep(0.005)
        for _ in range(200):
            await asyncio.sleep(0.01)
            if calls:
                break
        await asyncio.sleep(0.2)  # nothing more comes

    asyncio.run(edit_then_wait())
    content = tmp_path / "content"
    assert calls == [[str(content / "a.md"), str(content / "b.md")]]


def test_a_task_that_crashes_does_not_stop_the_watching(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def crash_once(paths: list[str]) -> None:
        calls.append(paths)
        if len(calls) == 1:
            raise RuntimeError("a bug in the task")

    watcher = serve.ChangeWatcher()
    watcher.watch(str(tmp_path), crash_once)

    async def edit_twice() -> None:
        assert watcher.start(lambda: None)
        await asyncio.sleep(0.3)
        for name in ("a.md", "b.md"):
            (tmp_path / name).write_text(name)
            for _ in range(200):
                await asyncio.sleep(0.01)
                if calls and calls[-1] == [str(tmp_path / name)]:
                    break

    asyncio.run(edit_twice())
    assert calls == [[str(tmp_path / "a.md")], [str(tmp_path / "b.md")]]


# --- only the served address, only its own pages on the live-reload socket -------------------


def status_of(base: str, path: str, headers: dict[str, str]) -> int:
    """Status of one GET sent to the server (always at 127.0.0.1) with exactly these headers."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_request_naming_another_host_is_refused(server: Server) -> None:
    """A page on another site may make its own name resolve to 127.0.0.1 (DNS rebinding);
    the Host header still carries that name, so the preview, drafts and all, stays unread."""
    base, process, _ = server
    wait_for(f"{base}/", lambda status, _: status == 200, process)
    port = urllib.parse.urlsplit(base).port
    for host in (f"rebind.attacker.example:{port}", "rebind.attacker.example",
                 f"localhost.attacker.example:{port}", f"127.0.0.1:{port}.attacker.example",
                 f"127.0.0.1:{port}@attacker.example", f"localhost:{port + 1}", "127.0.0.1"):  # fmt: skip
        for path in ("/", "/cases/child-a/", "/livereload.js", "/static/site.css", STYLESHEET_PATH):
            assert status_of(base, path, {"Host": host}) in (400, 403), (host, path)
    assert status_of(base, "/", {}) in (400, 403)  # no Host header at all
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}", f"[::1]:{port}"):
        assert status_of(base, "/", {"Host": host}) == 200, host


UPGRADE = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


def test_the_live_reload_socket_refuses_pages_of_other_origins(server: Server) -> None:
    base, process, _ = server
    wait_for(f"{base}/", lambda status, _: status == 200, process)
    host = urllib.parse.urlsplit(base).netloc
    port = urllib.parse.urlsplit(base).port
    for origin in ("http://attacker.example", f"http://attacker.example:{port}", "null",
                   f"http://127.0.0.1:{port + 1}", "file://"):  # fmt: skip
        for fetch_site in ({}, {"Sec-Fetch-Site": "cross-site"}):
            headers = {"Host": host, **UPGRADE, "Origin": origin, **fetch_site}
            assert status_of(base, "/livereload", headers) == 403, (origin, fetch_site)
    for origin in (f"http://{host}", f"http://localhost:{port}"):
        assert status_of(base, "/livereload", {"Host": host, **UPGRADE, "Origin": origin}) == 101


@pytest.mark.parametrize(
    ("served", "header", "is_allowed"),
    [
        (("127.0.0.1", 8000), "127.0.0.1:8000", True),
        (("127.0.0.1", 8000), "localhost:8000", True),
        (("127.0.0.1", 8000), "[::1]:8000", True),
        (("127.0.0.1", 8000), "127.0.0.1:8001", False),
        (("127.0.0.1", 8000), "127.0.0.1", False),
        (("127.0.0.1", 8000), "attacker.example:8000", False),
        (("127.0.0.1", 8000), "127.0.0.1:8000/x", False),
        (("127.0.0.1", 8000), " 127.0.0.1:8000", False),
        (("127.0.0.1", 8000), "", False),
        (("127.0.0.1", 80), "localhost", True),
        (("localhost", 8000), "127.0.0.1:8000", True),
        (("::1", 8000), "[::1]:8000", True),
        (("::1", 8000), "localhost:8000", True),
        (("192.168.1.5", 8000), "192.168.1.5:8000", True),
        (("192.168.1.5", 8000), "localhost:8000", False),
        (("0.0.0.0", 8000), "192.168.1.5:8000", True),  # every address: any address, by number
        (("0.0.0.0", 8000), "localhost:8000", True),
        (("0.0.0.0", 8000), "rebind.attacker.example:8000", False),
        (("preview.test", 8000), "preview.test:8000", True),
        (("preview.test", 8000), "other.test:8000", False),
    ],
)  # fmt: skip
def test_the_host_headers_that_name_the_served_address(
    served: tuple[str, int], header: str, is_allowed: bool
) -> None:
    assert ServedAddress(*served).allows_host(header) is is_allowed


def test_the_preview_reloads_and_shows_errors_under_the_pages_content_security_policy(
    server: Server, site: Path
) -> None:
    """livereload's own snippet is an inline script, which the pages' policy refuses."""
    base, process, _ = server
    wait_for(f"{base}/cases/child-a/", lambda status, _: status == 200, process)
    guard = HANG_GUARD_SECONDS * 1000
    with chromium_page() as page:
        violations = record_policy_violations(page)
        page.goto(f"{base}/cases/child-a/")
        page.wait_for_function("() => window.LiveReload?.connector?.protocol >= 7", timeout=guard)
        record = site / "content" / "cases" / "child-a.md"
        good = record.read_text()
        record.write_text(good.replace("harm: died\n", "harm: dyed\n"))
        page.wait_for_selector(".site-builder-errors", timeout=guard)  # it reloaded by itself
        assert page.locator("h1").inner_text() == "Child A"
        errors = page.locator(".site-builder-errors")
        assert "content/cases/child-a.md:6: field 'harm'" in errors.inner_text()
        assert errors.evaluate("e => getComputedStyle(e).position") == "sticky"  # styled
        page.wait_for_function("() => window.LiveReload?.connector?.protocol >= 7", timeout=guard)
        record.write_text(good.replace("title: Child A\n", "title: Child Again\n"))
        page.wait_for_function("() => document.querySelector('h1')?.textContent === 'Child Again'",
                               timeout=guard)  # fmt: skip
        assert page.locator(".site-builder-errors").count() == 0
    assert violations == []
