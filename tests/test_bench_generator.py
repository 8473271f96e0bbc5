"""The benchmark's synthetic record is valid content, of the asked size and shape, every time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import REPO, check

GENERATOR = REPO / "bench" / "generate.py"


def generate(records: int, out: Path) -> Path:
    command = [sys.executable, str(GENERATOR), "--records", str(records), "--out", str(out)]
    subprocess.run(command, check=True)
    return out


def test_the_generated_record_passes_check(tmp_path: Path) -> None:
    content = generate(240, tmp_path) / "content"
    run = check(content)
    assert run.status == 0, run.stderr
    assert run.stderr.startswith("257 records")  # 240, 4 councils, 12 sources, the about page


def test_the_record_has_the_shape_the_benchmark_promises(tmp_path: Path) -> None:
    content = generate(600, tmp_path) / "content"
    count = {
        folder.name: len(list(folder.iterdir())) for folder in content.iterdir() if folder.is_dir()
    }
    assert count["inspections"] == 360 and count["cases"] == 240  # 60% and 40%
    assert count["authorities"] == 10  # one per 60 records
    words = len((content / "cases" / "case-000500.md").read_text().split("---\n", 2)[2].split())
    assert 250 <= words <= 350


def test_the_same_size_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = generate(120, tmp_path / "a"), generate(120, tmp_path / "b")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)


def test_hugo_gets_the_same_records(tmp_path: Path) -> None:
    out = generate(120, tmp_path)
    ours = {p.stem for p in (out / "content" / "cases").iterdir()}
    hugo = {p.stem for p in (out / "hugo" / "content" / "cases").iterdir()}
    assert ours == hugo
    terms = {p.name for p in (out / "hugo" / "content" / "authorities").iterdir()}
    assert terms == {p.stem for p in (out / "content" / "authorities").iterdir()}
