"""Shared fixtures: small sites written into a temporary folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import MINIMAL, REPO, TEMPLATES, Files
from helpers import make_site as make_site_in

__all__ = ["MINIMAL", "REPO", "TEMPLATES", "MakeSite"]  # what the test modules import from here

MakeSite = Callable[..., Path]


@pytest.fixture
def make_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MakeSite:
    """Copy the minimal fixture (or start empty), then write or delete the given files.

    Returns the content folder; the working directory becomes its parent, so error paths
    read `content/...`, and the build date is fixed at 2025-11-22.
    """
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763769600")

    def make(files: Files | None = None, base: Path | None = MINIMAL) -> Path:
        return make_site_in(tmp_path, files, base)

    return make


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current build (make golden), then review the diff",
    )
