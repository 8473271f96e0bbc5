"""Builds killed with SIGKILL at random moments leave the old site or the new one, never a mix."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

from helpers import TEMPLATES, build, make_site, synthetic_site, tree_hash

RECORDS = 800  # a build of about 900 files: long enough to kill part-way through
KILLS = 16
POLL_SECONDS = 0.002


def start_build(content: Path, output: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "site_builder", "build", "--content", str(content),
               "--templates", str(TEMPLATES), "--output", str(output)]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def staging_folders(output: Path) -> set[str]:
    return {p.name for p in output.parent.glob(f".{output.name}.tmp-*")}


def wait_for_writing(process: subprocess.Popen[bytes], output: Path) -> float:
    """Wait until the build makes its staging folder (or ends); return when, by the clock."""
    before = staging_folders(output)
    while process.poll() is None and not staging_folders(output) - before:
        time.sleep(POLL_SECONDS)
    return time.monotonic()


def timed_build(content: Path, output: Path) -> tuple[float, float]:
    """Build to completion in a subprocess; return how long it ran and how long it wrote."""
    started = time.monotonic()
    process = start_build(content, output)
    writing = wait_for_writing(process, output)
    assert process.wait() == 0
    ended = time.monotonic()
    return ended - started, ended - writing


def kill_build(content: Path, output: Path, moment: float, is_late: bool) -> bool:
    """Start a build and SIGKILL it `moment` seconds after it starts (or, if is_late, after it
    starts writing); return True if it had finished by then."""
    process = start_build(content, output)
    if is_late:
        wait_for_writing(process, output)
    try:
        process.wait(timeout=moment)
        return True
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return False


def test_killed_builds_leave_exactly_the_old_or_the_new_site(tmp_path: Path) -> None:
    editions = {
        name: make_site(tmp_path / f"edition-{name}", synthetic_site(RECORDS, name), base=None)
        for name in ("a", "b")
    }
    output = tmp_path / "site" / "output"
    whole, writing = timed_build(editions["a"], output)
    expected = {tree_hash(output): "a"}
    timed_build(editions["b"], tmp_path / "reference" / "output")
    expected[tree_hash(tmp_path / "reference" / "output")] = "b"
    assert len(expected) == 2, "the two editions must differ"

    seed = random.randrange(2**32)
    chooser = random.Random(seed)
    current, outcomes = "a", []
    for n in range(KILLS):
        # One kill in four anywhere in the build; the others while it writes and swaps,
        # the only time output/ and the folders beside it change.
        is_late = n % 4 != 0
        moment = chooser.uniform(0, 1.2 * (writing if is_late else whole))
        target = "b" if current == "a" else "a"
        finished = kill_build(editions[target], output, moment, is_late)
        found = expected.get(tree_hash(output))
        where = f"kill {n + 1}, {moment:.3f} s {'into writing' if is_late else 'in'} (seed {seed})"
        assert found is not None, f"{where} left a mix of the old and new site"
        assert not finished or found == target, f"{where}: a finished build left the old site"
        outcomes.append("finished" if finished else "new" if found == target else "old")
        current = found

    final = "b" if current == "a" else "a"
    assert build(editions[final], output).status == 0
    assert expected.get(tree_hash(output)) == final
    assert beside(output) == [".output.lock"], f"stray folders after {outcomes} (seed {seed})"


# Runs site-builder and kills it with SIGKILL at one exact moment: "swap" just before the
# staged site is swapped in, "marker" just after a folder's marker file is deleted.
KILL_AT = """
import os, signal, sys
from site_builder import write
from site_builder.cli import main

moment, real_unlink = sys.argv[1], os.unlink

def unlink(path, *args, **kwargs):
    real_unlink(path, *args, **kwargs)
    if moment == "marker" and os.fsdecode(path).endswith(write.MARKER):
        os.kill(os.getpid(), signal.SIGKILL)

def swap_in(*args):
    os.kill(os.getpid(), signal.SIGKILL)

os.unlink = unlink
if moment == "swap":
    write._swap_in = swap_in
sys.exit(main(sys.argv[2:]))
"""


def kill_at(moment: str, content: Path, output: Path) -> None:
    build_args = ["build", "--content", str(content), "--templates", str(TEMPLATES),
                  "--output", str(output)]  # fmt: skip
    killed = subprocess.run([sys.executable, "-c", KILL_AT, moment, *build_args], check=False)
    assert killed.returncode == -9, f"the build was not killed at {moment}"


def beside(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir() if p.name != "output")


def two_editions(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two contents that build different sites, and an output folder holding the first."""
    first = make_site(tmp_path / "a")
    second = make_site(tmp_path / "b", {"pages/about.md": "---\ntitle: About, edited\n---\nNew.\n"})
    output = tmp_path / "site" / "output"
    assert build(first, output).status == 0
    return first, second, output


def test_a_build_killed_while_removing_a_stale_folder_leaves_one_the_next_build_removes(
    tmp_path: Path,
) -> None:
    """Folders are deleted with their marker last: a kill part-way leaves them marked."""
    _, second, output = two_editions(tmp_path)
    kill_at("swap", second, output)
    assert [n for n in beside(output) if n.startswith(".output.tmp-")], "no staging folder left"
    kill_at("marker", second, output)
    assert build(second, output).status == 0
    assert beside(output) == [".output.lock"]


def test_a_build_with_nothing_to_do_still_removes_what_a_killed_build_left(
    tmp_path: Path,
) -> None:
    first, second, output = two_editions(tmp_path)
    before = tree_hash(output)
    kill_at("swap", second, output)
    assert tree_hash(output) == before
    assert build(first, output).status == 0  # the output is already this site
    assert beside(output) == [".output.lock"]
