"""Where a build's time goes: wall time per stage of one in-process build of a generated corpus.

    python bench/stages.py bench/work/10000            # as it is (cold if no cache or output)
    python bench/stages.py bench/work/10000 --edit     # after editing one case's body
    python bench/stages.py bench/work/10000 --profile  # and the 25 costliest functions
    python bench/stages.py bench/work/10000 --memory   # and this process's peak memory per stage

Run bench/run.py (or bench/generate.py) first to make the corpus and copy the templates.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import sys
import threading
import time
from pathlib import Path

from site_builder import pipeline
from site_builder.config import SiteConfig, build_date, default_jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="a folder made by bench/run.py")
    parser.add_argument("--edit", action="store_true", help="edit one case's body first")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile summary")
    parser.add_argument(
        "--memory",
        action="store_true",
        help="also print the peak resident memory of this process in each stage",
    )
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args()
    if args.edit:
        case = min((args.corpus / "content" / "cases").iterdir())
        case.write_text(case.read_text() + f"\nEdited at {time.time()}.\n")
    config = SiteConfig(args.corpus / "content", args.corpus / "templates",
                        args.corpus / "output", jobs=args.jobs, today=build_date())  # fmt: skip
    profile = cProfile.Profile() if args.profile else None
    sampler = MemorySampler() if args.memory else None
    started = time.perf_counter()
    if profile:
        report = profile.runcall(pipeline.build_site, config)
    else:
        report = pipeline.build_site(config)
    total = time.perf_counter() - started
    peaks = sampler.peaks(started, report.stage_seconds) if sampler else {}
    for stage, seconds in report.stage_seconds:  # the build times its own stages and steps
        name = "  " + stage.split(": ", 1)[1] if ": " in stage else stage
        peak = f"  peak {peaks[stage]:5.0f} MiB" if stage in peaks else ""
        print(f"{name:24} {seconds:7.2f} s{peak}")
    print(f"{'whole build':24} {total:7.2f} s")
    own, children = (resource.getrusage(who).ru_maxrss / 1024 for who in
                     (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))  # fmt: skip
    print(f"peak memory: this process {own:.0f} MiB, largest child {children:.0f} MiB")
    if profile:
        pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(25)


class MemorySampler:
    """This process's resident memory, sampled every 20 ms in a thread of its own."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []  # (time, MiB)
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE") / 2**20
        with open("/proc/self/statm") as statm:
            while True:
                statm.seek(0)
                self.samples.append((time.perf_counter(), int(statm.read().split()[1]) * page))
                time.sleep(0.02)

    def peaks(self, started: float, stages: tuple[tuple[str, float], ...]) -> dict[str, float]:
        """The peak of each stage (not step): the stages ran one after another, so each
        holds the samples of its stretch of time."""
        peaks: dict[str, float] = {}
        end = started
        for stage, seconds in stages:
            if ": " in stage:
                continue
            begin, end = end, end + seconds
            inside = [mib for when, mib in self.samples if begin <= when < end]
            peaks[stage] = max(inside, default=0.0)
        return peaks


if __name__ == "__main__":
    main()
