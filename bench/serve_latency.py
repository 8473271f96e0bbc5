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
the cold build time, and the median of the per-run medians. The timing is
bench/save_to_served.py's, which bench/run.py also uses for `hugo server`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from save_to_served import default_record, time_edits

SITE_BUILDER = Path(sys.executable).parent / "site-builder"


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


def copy_site(content: Path, templates: Path, site: Path) -> None:
    """Copy the content and templates into site/ (so the originals are never edited)."""
    shutil.copytree(content, site / "content")
    shutil.copytree(templates, site / "templates")


def serve_command(port: int) -> list[str]:
    """`site-builder serve` of a copy (content/, templates/) on port, into its output/."""
    return [str(SITE_BUILDER), "serve", "--content", "content", "--templates", "templates",
            "--output", "output", "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip


def measure_edits(site: Path, record: Path, edits: int, label: str) -> list[float]:
    """Serve the copy in site and time each edit of record (relative to its content/)."""
    page = f"/cases/{record.stem}/"
    return time_edits(serve_command, site, site / "content" / record, page, edits, label)


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
        copy_site(args.content, args.templates, site)
        latencies = measure_edits(site, args.record, args.edits, f"run {run}")
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
