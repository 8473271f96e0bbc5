"""Golden output: the minimal fixture's whole site, byte for byte, as tests/golden/minimal/.

A change that alters any output file fails here and shows which files differ. To accept a
change on purpose, run `make golden` (pytest --update-golden) and review the diff in git.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from conftest import TEMPLATES, MakeSite

from site_builder.cli import main

GOLDEN = Path(__file__).parent / "golden" / "minimal"


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder by relative path; the build's own lock marker aside."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".site-builder")
    }


def _first_difference(name: str, expected: bytes, built: bytes) -> str:
    lines = difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(),
        built.decode("utf-8", "replace").splitlines(),
        f"golden/{name}", f"built/{name}", n=1, lineterm="",
    )  # fmt: skip
    return "\n".join(list(lines)[:12])


def test_minimal_fixture_builds_exactly_the_golden_output(
    make_site: MakeSite, request: pytest.FixtureRequest
) -> None:
    make_site()  # a copy outside git: the output has no change history to vary with
    args = ["build", "--content", "content", "--templates", str(TEMPLATES), "--output", "out"]
    assert main([*args, "--jobs", "1"]) == 0
    built = _tree(Path("out"))
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, content in built.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(content)
    expected = _tree(GOLDEN)
    assert expected, "no golden output: run make golden, then review and commit it"
    assert sorted(built) == sorted(expected), "the files built differ from the golden files"
    changed = [name for name in expected if built[name] != expected[name]]
    assert not changed, (
        f"{len(changed)} files differ from the golden output (make golden "
        "accepts them):\n" + _first_difference(changed[0], expected[changed[0]], built[changed[0]])
    )
