"""Time a live preview server: from saving an edit to one record until its page serves it.

Shared by bench/serve_latency.py (our preview alone) and bench/run.py (ours beside
`hugo server`), so both servers are timed by the same code. `time_edits` starts a server on
a free loopback port, waits for the record's page to be served, then N times appends a
paragraph with a unique marker word to the record's file and polls the page every 10 ms
until the marker is served. Each time is from just after the file is written and closed.
The server is stopped at the end, whatever happened.
"""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

POLL_SECONDS = 0.010
EDIT_TIMEOUT_SECONDS = 120.0
STARTUP_TIMEOUT_SECONDS = 900.0  # the first build of a large corpus takes minutes
PAUSE_BETWEEN_EDITS_SECONDS = 1.0
STOP_TIMEOUT_SECONDS = 10.0
# Straight to the server: never through a proxy named in the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def default_record(content: Path) -> Path:
    """The first file, sorted by name, in content/cases/, relative to the content folder."""
    files = sorted(path for path in (content / "cases").iterdir() if path.is_file())
    if not files:
        raise SystemExit(f"no case records in {content / 'cases'}")
    return files[0].relative_to(content)


def free_port() -> int:
    """A loopback port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str | None:
    """The body of a page answered 200, or None (not up yet, an error page, a refusal)."""
    try:
        with OPENER.open(url, timeout=5) as response:
            return str(response.read().decode("utf-8", errors="replace"))
    except (urllib.error.URLError, OSError):
        return None


def wait_until_served(url: str, server: subprocess.Popen[bytes], timeout: float) -> None:
    """Poll url until it is answered 200; fail if the server exits or time runs out."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        if fetch(url) is not None:
            return
        time.sleep(0.1)
    raise TimeoutError(f"{url} was not served within {timeout:.0f} s")


def check_has_body(record: Path) -> None:
    """Refuse a record without front matter, whose end is not a Markdown body."""
    lines = record.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != "---" or "---" not in (line.strip() for line in lines[1:]):
        raise SystemExit(f"{record} has no front matter closed by ---, so no Markdown body")


def append_marker(record: Path, marker: str) -> float:
    """Append a paragraph with marker to the body; perf_counter() once written and closed."""
    ends_with_newline = record.read_bytes().endswith(b"\n")
    with record.open("a", encoding="utf-8") as file:
        file.write(("" if ends_with_newline else "\n") + f"\nBenchmark edit {marker}.\n")
        file.flush()
    return time.perf_counter()


def time_edit(record: Path, url: str, marker: str) -> float:
    """Seconds from saving an edit with marker until the page served contains it."""
    saved = append_marker(record, marker)
    deadline = saved + EDIT_TIMEOUT_SECONDS
    while time.perf_counter() < deadline:
        body = fetch(url)
        if body is not None and marker in body:
            return time.perf_counter() - saved
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"{marker} was not served at {url} within {EDIT_TIMEOUT_SECONDS:.0f} s")


def start_server(command: list[str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    """Run command in cwd, its output (both streams) into log."""
    with log.open("wb") as stream:
        return subprocess.Popen(command, cwd=cwd, stdout=stream, stderr=subprocess.STDOUT)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Terminate the server, killing it if it does not stop in time."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def report_server_problems(log: Path, label: str) -> None:
    """Echo to stderr any server line that reads like an error (the logs have no common levels)."""
    words = ("error", "traceback", "exception", "crashed")
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if any(word in line.lower() for word in words):
            print(f"{label} server: {line}", file=sys.stderr)


def time_edits(
    command: Callable[[int], list[str]], cwd: Path, record: Path, page: str, edits: int, label: str
) -> list[float]:
    """Serve with command(port) in cwd and time `edits` edits of record (a file under cwd)
    until page (a URL path such as /cases/case-000600/) serves each; always stop the server."""
    check_has_body(record)
    tag = "".join(character for character in label if character.isalnum())  # one word
    port = free_port()
    url = f"http://127.0.0.1:{port}{page}"
    log = cwd / "serve.log"
    server = start_server(command(port), cwd, log)
    try:
        wait_until_served(url, server, STARTUP_TIMEOUT_SECONDS)
        latencies = []
        for edit in range(1, edits + 1):
            time.sleep(PAUSE_BETWEEN_EDITS_SECONDS)
            marker = f"servebench{tag}x{edit}x{secrets.token_hex(4)}"
            latencies.append(time_edit(record, url, marker))
        return latencies
    finally:
        stop_server(server)
        report_server_problems(log, label)
