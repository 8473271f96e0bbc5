"""A store kept on disk as one SQLite file, a row per entry: an entry is read only when a
build asks for it, and never held here after, so a store larger than the site's records
costs the build no memory (the fragments: every record's open data and search entry)."""

from __future__ import annotations

import logging
import os
import pickle
import sqlite3
import zlib
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

from site_builder.incremental.stores import prepare_folder

log = logging.getLogger(__name__)

_MISSING = object()
_KEYS_PER_QUERY = 500  # below SQLite's limit on a statement's parameters
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL)",
    # A table with row ids, and pages of 16 KiB: a value is a few KB, and SQLite reads such
    # rows three times as fast so as from a table keyed by the key alone, in pages of 4 KiB.
    "PRAGMA page_size = 16384",  # takes effect only in a new file
    "CREATE TABLE IF NOT EXISTS entries (key BLOB PRIMARY KEY, checksum INTEGER, value BLOB)",
)


class RowStore:
    """Entries by bytes key. What a build adds or drops is written as it goes, inside one
    transaction that `save` commits: a build that is killed leaves the last saved store.
    Each value carries its checksum, and one that fails it counts as missing; a file SQLite
    cannot read, or one written by another version of the generator, is started afresh."""

    BUSY_SECONDS = 5.0  # how long to wait for another build writing to the same file

    def __init__(self, path: Path | None, namespace: bytes) -> None:
        self.path = path  # None: in memory, never saved (a check keeps nothing)
        self.namespace = namespace
        self._db: sqlite3.Connection | None = None
        self._keys: set[bytes] = set()  # every key the store holds now

    @classmethod
    def in_memory(cls) -> RowStore:
        return cls(None, b"")

    def get(self, key: bytes, default: Any = None) -> Any:
        """The value kept under `key`, or `default`."""
        return self.get_many([key]).get(key, default)

    def get_many(self, keys: Iterable[bytes]) -> dict[bytes, Any]:
        """The values kept under these keys, by key (those it holds intact), read together."""
        wanted = [key for key in keys if key in self.keys]
        found: dict[bytes, Any] = {}
        try:
            for start in range(0, len(wanted), _KEYS_PER_QUERY):
                part = wanted[start : start + _KEYS_PER_QUERY]
                query = f"SELECT key, checksum, value FROM entries WHERE key IN ({_marks(part)})"
                for key, checksum, payload in self._open().execute(query, part):
                    found[key] = self._checked(key, checksum, payload)
        except sqlite3.Error as problem:
            self._recover(problem)
            return {}
        return {key: value for key, value in found.items() if value is not _MISSING}

    def _checked(self, key: bytes, checksum: int, payload: bytes) -> Any:
        if _checksum(key, payload) != checksum:
            log.warning("build cache %s: an entry is damaged; making it again", self.path)
            self._keys.discard(key)
            return _MISSING
        try:
            return pickle.loads(payload)
        except Exception:  # noqa: BLE001 - a class since renamed, say: make it again
            self._keys.discard(key)
            return _MISSING

    @property
    def keys(self) -> set[bytes]:
        """Every key held (read once, then kept up to date here: forked workers ask it)."""
        self._open()
        return self._keys

    def put(self, key: bytes, value: Any) -> None:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self._write("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                    [(key, _checksum(key, payload), payload)])  # fmt: skip
        self._keys.add(key)

    def keep_only(self, keys: Collection[bytes]) -> None:
        """Drop every entry not among `keys`; a store never opened is left as it is."""
        if self._db is None:
            return
        others = [(key,) for key in self._keys.difference(keys)]
        if others:
            self._write("DELETE FROM entries WHERE key = ?", others)
            self._keys.difference_update(key for (key,) in others)

    def save(self) -> None:
        """Commit what this build wrote."""
        if self._db is None or not self._db.in_transaction or self.path is None:
            return
        try:
            self._db.commit()
        except sqlite3.Error as problem:
            log.warning("could not write the build cache %s: %s", self.path, problem)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _write(self, statement: str, rows: Sequence[tuple[bytes | int, ...]]) -> None:
        db = self._open()
        try:
            if not db.in_transaction:
                db.execute("BEGIN IMMEDIATE")
            db.executemany(statement, rows)
        except sqlite3.Error as problem:
            self._recover(problem)
            self._write(statement, rows)  # once more, into the new file or memory

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self._db = self._connect()
            except (sqlite3.Error, OSError) as problem:
                self._recover(problem)
                assert self._db is not None
        return self._db

    def _connect(self) -> sqlite3.Connection:
        if self.path is None:
            db = sqlite3.connect(":memory:", isolation_level=None)
        else:
            prepare_folder(self.path.parent)  # made ignored by git, even if no build saves
            db = sqlite3.connect(self.path, timeout=self.BUSY_SECONDS, isolation_level=None)
            db.execute("PRAGMA journal_mode = TRUNCATE")  # a killed build is rolled back
        try:
            for statement in _SCHEMA:
                db.execute(statement)
            stamp = db.execute("SELECT value FROM meta WHERE name = 'code'").fetchone()
            if stamp is not None and stamp[0] != self.namespace and self.path is not None:
                db.close()  # of another version of the generator: none of it is used
                _remove_files(self.path)
                if self.path.exists():
                    raise sqlite3.OperationalError(f"cannot replace {self.path}")
                return self._connect()
            if stamp is None:
                db.execute("INSERT INTO meta VALUES ('code', ?)", (self.namespace,))
            self._keys = {key for (key,) in db.execute("SELECT key FROM entries")}
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _recover(self, problem: Exception) -> None:
        """Go on without what the file held: a damaged file is started afresh; one that is
        busy (another build into the same folder) or cannot be written is left as it is, and
        this build keeps its entries in memory."""
        self.close()
        self._keys = set()
        is_damaged = isinstance(problem, sqlite3.DatabaseError) and not isinstance(
            problem, sqlite3.OperationalError
        )
        if is_damaged and self.path is not None:
            log.warning("build cache %s is damaged (%s); rebuilding it", self.path, problem)
            _remove_files(self.path)
            try:
                self._db = self._connect()
                return
            except (sqlite3.Error, OSError) as again:
                problem = again
        log.warning("build cache %s not used (%s); this build keeps it in memory",
                    self.path, problem)  # fmt: skip
        self.path = None
        self._db = self._connect()


def _remove_files(database: Path) -> None:
    """A SQLite file and its journal, where they can be removed."""
    for path in (database, Path(f"{database}-journal")):
        try:
            os.unlink(path)
        except OSError:
            pass


def _marks(keys: Sequence[bytes]) -> str:
    return ",".join("?" * len(keys))


def _checksum(key: bytes, payload: bytes) -> int:
    """A CRC-32 of key and value, against damage (not tampering: the cache is the user's
    own): a value changed, or moved under another key, fails it; four times as fast as a
    cryptographic hash over the 95 MB a build at 10,000 records reads."""
    return zlib.crc32(payload, zlib.crc32(key))
