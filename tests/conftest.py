"""Shared fixtures: small sites written into a temporary folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
REPO = Path(__file__).parent.parent
TEMPLATES = REPO / "templates"

MakeSite = Callable[..., Path]


@pytest.fixture
def make_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MakeSite:
    """Copy the minimal fixture (or start empty), then write or delete the given files.

    Returns the content folder; the working directory becomes its parent, so error paths
    read `content/...`, and the build date is fixed at 2025-11-22.
    """
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763769600")

    def make(files: dict[str, str | bytes | None] | None = None, base: Path | None = MINIMAL) -> Path:
        content = tmp_path / "content"
        if base is not None:
            shutil.copytree(base, content)
        else:
            content.mkdir()
        for name, text in (files or {}).items():
            path = content / name
            if text is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        return content

    return make
