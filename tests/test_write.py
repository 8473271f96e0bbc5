"""The write stage takes files one by one as they are rendered: whatever the spare folder
held before, the output ends as exactly the files given, and an Unchanged file is linked
from the output, never read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder.errors import UsageError
from site_builder.manifest import Manifest
from site_builder.output_folder import MARKER
from site_builder.write import Content, Reuse, Unchanged, write_changed

FIRST = {"a": b"a file", "b/index.html": b"b page", "c/d/e.html": b"deep", "same.txt": b"same"}
# "a" becomes a folder, "b" a file; c/d/ is no longer wanted at all.
THIRD = {"a/index.html": b"a page", "b": b"b file", "c/x.html": b"x", "same.txt": b"same"}


class Builds:
    """Successive writes into one output, each given what the last recorded."""

    def __init__(self, root: Path) -> None:
        self.output = root / "output"
        self.spare = root / "cache" / "spare"
        self.manifests: list[Manifest] = [{}, {}]

    def write(self, files: list[tuple[str, Content]]) -> Manifest:
        reuse = Reuse(self.manifests[-1], self.spare, self.manifests[-2])
        manifest = write_changed(files, self.output, reuse)
        self.manifests.append(manifest)
        return manifest


def contents(folder: Path) -> dict[str, bytes | str]:
    """Every entry under a folder: a file's bytes, or 'dir'."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        found[name] = "dir" if path.is_dir() else path.read_bytes()
    return found


def expected(files: dict[str, bytes]) -> dict[str, bytes | str]:
    """What a folder holding exactly these files lists."""
    entries: dict[str, bytes | str] = {}
    for name, content in files.items():
        parts = name.split("/")
        entries.update({"/".join(parts[:n]): "dir" for n in range(1, len(parts))})
        entries[name] = content
    return dict(sorted(entries.items()))


def without_marker(found: dict[str, bytes | str]) -> dict[str, bytes | str]:
    return {name: value for name, value in found.items() if name != MARKER}


def test_a_file_becoming_a_folder_and_back_through_the_spare_folder(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    builds.write(list(FIRST.items()))
    builds.write([*FIRST.items(), ("new.txt", b"new")])
    assert (builds.spare / "c" / "d" / "e.html").is_file(), "the first output is the spare"
    builds.write(list(THIRD.items()))
    assert without_marker(contents(builds.output)) == expected(THIRD)
    assert sorted(builds.manifests[-1]) == sorted(THIRD)


def test_of_a_path_given_twice_the_last_counts(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    for _ in range(3):  # a fresh staging folder, then with the spare folder
        builds.write([("p/index.html", b"first"), ("q", b"q"), ("p/index.html", b"last")])
        assert (builds.output / "p" / "index.html").read_bytes() == b"last"


def test_an_unchanged_file_is_linked_from_the_output(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    manifest = builds.write(list(FIRST.items()))
    old = os.stat(builds.output / "c" / "d" / "e.html")
    builds.write(
        [(n, Unchanged(manifest[n]) if n == "c/d/e.html" else c) for n, c in FIRST.items()]
    )
    assert os.stat(builds.output / "c" / "d" / "e.html").st_ino == old.st_ino
    assert (builds.output / "c" / "d" / "e.html").read_bytes() == b"deep"


def test_an_unchanged_file_changed_meanwhile_stops_the_write(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    manifest = builds.write(list(FIRST.items()))
    (builds.output / "a").write_bytes(b"changed by hand after the render stage looked")
    with pytest.raises(UsageError, match="changed while the site was being built"):
        builds.write([(n, Unchanged(manifest[n]) if n == "a" else c) for n, c in FIRST.items()])
    assert (builds.output / "a").read_bytes().startswith(b"changed by hand"), "output untouched"
