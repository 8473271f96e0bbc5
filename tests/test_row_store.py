"""The fragments' store on disk (incremental/row_store.py): what a build saved is what the
next one reads, what it did not save is gone, and a damaged or busy file never gives a
wrong value or stops the build."""

from __future__ import annotations

import logging
import pickle
import sqlite3
from pathlib import Path

import pytest

from site_builder.incremental.row_store import RowStore

CODE = b"code of this version"
MISSING = object()


def saved_store(path: Path, entries: dict[bytes, object]) -> None:
    store = RowStore(path, CODE)
    for key, value in entries.items():
        store.put(key, value)
    store.save()
    store.close()


def read_back(path: Path, *keys: bytes, namespace: bytes = CODE) -> list[object]:
    store = RowStore(path, namespace)
    try:
        return [store.get(key, MISSING) for key in keys]
    finally:
        store.close()


def test_what_a_build_saved_the_next_reads(tmp_path: Path) -> None:
    path = tmp_path / "fragments.sqlite"
    saved_store(path, {b"a": ("row", b"bytes", 1), b"none": None})
    assert read_back(path, b"a", b"none", b"b") == [("row", b"bytes", 1), None, MISSING]
    assert RowStore(path, CODE).keys == {b"a", b"none"}


def test_what_a_build_did_not_save_is_gone(tmp_path: Path) -> None:
    """A build that stops before saving (it failed, or was killed) leaves the store as the
    last build saved it."""
    path = tmp_path / "fragments.sqlite"
    saved_store(path, {b"a": 1})
    store = RowStore(path, CODE)
    store.put(b"a", 2)
    store.put(b"b", 3)
    store.keep_only({b"b"})
    assert store.get(b"a", MISSING) is MISSING and store.get(b"b") == 3
    store.close()
    assert read_back(path, b"a", b"b") == [1, MISSING]


def test_keep_only_drops_the_others_when_saved(tmp_path: Path) -> None:
    """Those of a store the build opened; one it never opened it never checked."""
    path = tmp_path / "fragments.sqlite"
    saved_store(path, {b"a": 1, b"b": 2, b"c": 3})
    store = RowStore(path, CODE)
    store.keep_only({b"b"})  # never opened: left as it is
    assert store.get(b"b") == 2
    store.keep_only({b"b"})
    store.save()
    store.close()
    assert read_back(path, b"a", b"b", b"c") == [MISSING, 2, MISSING]


def test_a_store_of_another_version_is_started_afresh(tmp_path: Path) -> None:
    path = tmp_path / "fragments.sqlite"
    saved_store(path, {b"a": 1})
    assert read_back(path, b"a", namespace=b"another version") == [MISSING]
    assert read_back(path, b"a") == [MISSING], "the old entries were dropped"


def test_a_damaged_value_counts_as_missing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite keeps no checksum of its own: a byte changed inside a value is found by ours."""
    path = tmp_path / "fragments.sqlite"
    value = "a value long enough to find in the file " * 4
    saved_store(path, {b"a": value, b"b": "another"})
    raw = path.read_bytes()
    where = raw.index(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) + 20
    path.write_bytes(raw[:where] + bytes([raw[where] ^ 0x01]) + raw[where + 1 :])
    with caplog.at_level(logging.WARNING):
        assert read_back(path, b"a", b"b") == [MISSING, "another"]
    assert "damaged" in caplog.text


def test_a_value_moved_under_another_key_counts_as_missing(tmp_path: Path) -> None:
    path = tmp_path / "fragments.sqlite"
    saved_store(path, {b"a": "first", b"b": "second"})
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT checksum, value FROM entries WHERE key = ?", (b"a",)).fetchone()
        db.execute("UPDATE entries SET checksum = ?, value = ? WHERE key = ?", (*row, b"b"))
    assert read_back(path, b"a", b"b") == ["first", MISSING]


@pytest.mark.parametrize("damage", [b"not a database at all" * 100, b"SQLite format 3\0" * 7])
def test_a_file_sqlite_cannot_read_is_started_afresh(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "fragments.sqlite"
    path.write_bytes(damage)
    store = RowStore(path, CODE)
    assert store.get(b"a", MISSING) is MISSING
    store.put(b"a", 1)
    store.save()
    store.close()
    assert read_back(path, b"a") == [1]


def test_a_store_another_build_is_writing_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two builds into one output folder: the second keeps its fragments in memory, goes
    on, and neither damages nor deletes the first one's file."""
    monkeypatch.setattr(RowStore, "BUSY_SECONDS", 0.05)
    path = tmp_path / "fragments.sqlite"
    saved_store(path, {b"a": 1})
    first = RowStore(path, CODE)
    first.put(b"b", 2)  # holds the write lock until it saves
    second = RowStore(path, CODE)
    second.put(b"c", 3)
    assert second.get(b"c") == 3
    second.save()
    second.close()
    first.save()
    first.close()
    assert read_back(path, b"a", b"b", b"c") == [1, 2, MISSING]


def test_a_folder_that_cannot_be_written_only_costs_the_cache(tmp_path: Path) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    store = RowStore(blocked / "fragments.sqlite", CODE)
    store.put(b"a", 1)
    assert store.get(b"a") == 1
    store.save()
    store.close()


def test_the_folder_it_makes_is_ignored_by_git(tmp_path: Path) -> None:
    """The fragments are written before any other store is saved: a build that fails
    after them must still leave a cache folder that git ignores."""
    folder = tmp_path / ".cache" / "site-builder"
    store = RowStore(folder / "fragments.sqlite", CODE)
    store.put(b"a", 1)
    store.close()
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
