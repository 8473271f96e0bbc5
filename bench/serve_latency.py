"""Time the live preview: from saving an edit to one record until the new text is served.

    python bench/serve_latency.py --content content --templates templates
    python bench/serve_latency.py --content bench/work/10000/content --templates templates \\
        --runs 3 --edits 5 --record cases/case-006000.md

Each run copies the content and templates into a fresh temporary folder (the originals
are never touched; set TMPDIR to choose where), starts `site-builder serve` on a free
loopback port, waits for the record's page (`cases/<slug>/`) to be served, then `--edits`
times appends a paragraph with a unique marker word to the record's Markdown body and
polls the page every 10 ms until the marker is served. Save to served is measured from
just after the file is written and closed. The server is then stopped, and a cold full
build of the same copy (`site-builder build`, no cache, empty output) is timed in a fresh
process. Prints a Markdown table of the save-to-served median, minimum and maximum per run,
the cold build time, and the median of the per-run medians.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.010
EDIT_TIMEOUT_SECONDS = 120.0
STARTUP_TIMEOUT_SECONDS = 900.0  # the first build of a large corpus takes minutes
PAUSE_BETWEEN_EDITS_SECONDS = 1.0
STOP_TIMEOUT_SECONDS = 10.0
SITE_BUILDER = Path(sys.executable).parent / "site-builder"
# Straight to the server: never through a proxy named in the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class RunResult:
    """One run: the save-to-served seconds of each edit and the cold full build seconds."""

    latencies: list[float]
    cold_build: float


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--content", type=Path, required=True, metavar="DIR")
    parser.add_argument("--templates", type=Path, required=True, metavar="DIR")
    parser.add_argument("--edits", type=int, default=7, metavar="N")
    parser.add_argument("--runs", type=int, default=3, metavar="R")
    parser.add_argument("--record", type=Path, metavar="RELPATH",
                        help="case record, relative to the content folder "
                             "(default: the first file, by name, in cases/)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.edits < 1 or args.runs < 1:
        parser.error("--edits and --runs must be at least 1")
    args.record = args.record or default_record(args.content)
    if not (args.content / args.record).is_file():
        parser.error(f"no record {args.record} in {args.content}")
    return args


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


def start_server(site: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`site-builder serve` on the copy in site, its output (both streams) into log."""
    command = [str(SITE_BUILDER), "serve", "--content", "content", "--templates", "templates",
               "--output", "output", "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    with log.open("wb") as stream:
        return subprocess.Popen(command, cwd=site, stdout=stream, stderr=subprocess.STDOUT)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Terminate the server, killing it if it does not stop in time."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def measure_edits(site: Path, record: Path, edits: int, run: int) -> list[float]:
    """Serve the copy in site and time each edit of record; always stop the server."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/cases/{record.stem}/"
    server = start_server(site, port, site / "serve.log")
    try:
        wait_until_served(url, server, STARTUP_TIMEOUT_SECONDS)
        latencies = []
        for edit in range(1, edits + 1):
            time.sleep(PAUSE_BETWEEN_EDITS_SECONDS)
            marker = f"servebench{run}x{edit}x{secrets.token_hex(4)}"
            latencies.append(time_edit(site / "content" / record, url, marker))
        return latencies
    finally:
        stop_server(server)
        report_server_problems(site / "serve.log", run)


def report_server_problems(log: Path, run: int) -> None:
    """Echo to stderr any server line that reads like an error (its log has no levels)."""
    words = ("error", "traceback", "exception", "crashed")
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if any(word in line.lower() for word in words):
            print(f"run {run} server: {line}", file=sys.stderr)


def cold_build(site: Path) -> float:
    """Wall seconds of `site-builder build` of the copy with no cache into an empty folder."""
    shutil.rmtree(site / ".cache", ignore_errors=True)
    shutil.rmtree(site / "cold-output", ignore_errors=True)
    command = [str(SITE_BUILDER), "build", "--content", "content", "--templates", "templates",
               "--output", "cold-output"]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, cwd=site, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"cold build failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def one_run(args: argparse.Namespace, run: int) -> RunResult:
    """A fresh copy, a fresh server, the edits, then the cold build; the copy is removed."""
    site = Path(tempfile.mkdtemp(prefix=f"serve-latency-{run}-"))
    try:
        shutil.copytree(args.content, site / "content")
        shutil.copytree(args.templates, site / "templates")
        check_has_body(site / "content" / args.record)
        latencies = measure_edits(site, args.record, args.edits, run)
        return RunResult(latencies, cold_build(site))
    finally:
        shutil.rmtree(site, ignore_errors=True)


def print_table(args: argparse.Namespace, results: list[RunResult]) -> None:
    print(f"content: {args.content}, record: {args.record}, {args.edits} edits per run\n")
    print("| run | save to served, median (s) | min (s) | max (s) | cold full build (s) |")
    print("|---|---|---|---|---|")
    for run, result in enumerate(results, start=1):
        median = statistics.median(result.latencies)
        print(f"| {run} | {median:.3f} | {min(result.latencies):.3f} "
              f"| {max(result.latencies):.3f} | {result.cold_build:.2f} |")  # fmt: skip
    overall = statistics.median(statistics.median(result.latencies) for result in results)
    print(f"\nmedian of the per-run medians: {overall:.3f} s")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = []
    for run in range(1, args.runs + 1):
        results.append(one_run(args, run))
        print(f"run {run} done", file=sys.stderr)
    print_table(args, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
