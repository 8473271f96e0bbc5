"""The benchmark's preview timing (bench/save_to_served.py) times each save until it is served,
and gives up at once on a server that exits, without waiting for its start-up time limit."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from helpers import REPO


def load_timing() -> ModuleType:
    """bench/save_to_served.py as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "save_to_served", REPO / "bench" / "save_to_served.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_record(folder: Path) -> Path:
    record = folder / "cases" / "child-a.md"
    record.parent.mkdir(parents=True)
    record.write_text('---\ntitle: "Child A"\n---\nThe body.\n', encoding="utf-8")
    return record


def test_each_save_is_timed_until_the_served_file_holds_its_marker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    timing = load_timing()
    monkeypatch.setattr(timing, "EDIT_TIMEOUT_SECONDS", 20.0)  # fail soon, not in minutes
    record = write_record(tmp_path)

    def static_server(port: int) -> list[str]:  # serves the record's file as it is on disk
        return [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)]

    seconds = timing.time_edits(static_server, tmp_path, record, "/cases/child-a.md", 2, "test")
    assert len(seconds) == 2 and all(0 < second < 5 for second in seconds)
    assert record.read_text(encoding="utf-8").count("Benchmark edit servebenchtestx") == 2


def test_a_server_that_exits_is_reported_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    timing = load_timing()
    monkeypatch.setattr(timing, "STARTUP_TIMEOUT_SECONDS", 20.0)  # a TimeoutError, if not seen
    record = write_record(tmp_path)

    def failing_server(port: int) -> list[str]:
        return [sys.executable, "-c", "raise SystemExit(3)"]

    with pytest.raises(RuntimeError, match="exited with status 3"):
        timing.time_edits(failing_server, tmp_path, record, "/cases/child-a/", 1, "test")
