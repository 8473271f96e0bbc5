"""The read stage, reusing the records of files whose bytes were validated before.

A file is known by its settled stat (inode, size, times) or, where that changed, by a hash
of its bytes; an unknown one is read, loaded and validated in a worker."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.config import Progress
from site_builder.incremental.stores import LazyStore
from site_builder.incremental.workers import map_missing
from site_builder.load import MAX_FILE_BYTES, read_capped
from site_builder.manifest import content_hash

if TYPE_CHECKING:  # loaded when records are read: a build with nothing to do never needs it
    from site_builder.record_files import RecordFile

# A file changed less than this long ago may change again within the clock's tick without
# its stat changing: its content hash is not remembered by its stat (git's "racy clean").
SETTLED_NS = 2_000_000_000

Signature = tuple[int, int, int, int]  # inode, size, mtime_ns, ctime_ns
ReadFile = Callable[[Path, bytes], "RecordFile"]  # the stage's work for one file's bytes


def signature_of(stat: os.stat_result) -> Signature:
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def settled_signature(stat: os.stat_result) -> Signature | None:
    """A file's stat, if it last changed long enough ago that the stat identifies its content."""
    if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) <= SETTLED_NS:
        return None
    return signature_of(stat)


@dataclass(frozen=True)
class _Read:
    """A file as a worker read it: its content hash, settled stat, and what it gave."""

    digest: bytes
    signature: Signature | None
    result: RecordFile


@dataclass
class RecordCache:
    """Each file's content hash and settled stat (`index`), and its valid record (read
    lazily); `digests` holds the hash of every file of this build."""

    index: dict[str, tuple[bytes, Signature | None]]
    records: LazyStore  # path -> (content hash, record)
    digests: dict[str, bytes] = field(default_factory=dict)
    is_changed: bool = False

    @classmethod
    def empty(cls) -> RecordCache:
        return cls({}, LazyStore.in_memory())

    def digests_if_unchanged(self, paths: Iterable[Path]) -> dict[str, bytes] | None:
        """Every file's content hash if none changed since it was cached, else None. A file
        is known by its stat, or read and hashed where its stat is new or was unsettled."""
        digests = {}
        for path in paths:
            entry = self.index.get(str(path))
            if entry is None:
                return None
            stat = os.stat(path)
            is_known = entry[1] is not None and entry[1] == signature_of(stat)
            is_too_large = stat.st_size > MAX_FILE_BYTES  # refused: never read whole
            if not is_known and (is_too_large or content_hash(path.read_bytes()) != entry[0]):
                return None
            digests[str(path)] = entry[0]
        return digests

    def map(
        self, read: ReadFile, paths: Sequence[Path], jobs: int, progress: Progress | None = None
    ) -> list[RecordFile]:
        """What each file gave, in order: from the cache where its bytes are known, else
        read and validated (in workers where that pays)."""
        cached = [self._lookup(path) for path in paths]
        results = list(map_missing(_Worker(read), paths, cached, jobs, progress, "reading"))
        for path, was_cached, result in zip(paths, cached, results, strict=True):
            if was_cached is None:
                self._remember(str(path), result)
        return [result.result for result in results]

    def _lookup(self, path: Path) -> _Read | None:
        """The cached record of a file whose stat, or else bytes, show it as cached."""
        name = str(path)
        entry = self.index.get(name)
        stat = os.stat(path)
        if entry is not None and entry[1] is not None and entry[1] == signature_of(stat):
            return self._record(name, entry[0])
        if name not in self.records.entries:
            return None  # never valid before: the worker reads it
        content, stat = read_capped(path)
        digest, signature = content_hash(content), settled_signature(stat)
        record = self._record(name, digest)
        if record is not None and self.index.get(name) != (digest, signature):
            self.index[name] = (digest, signature)
            self.is_changed = True
        return record

    def _record(self, name: str, digest: bytes) -> _Read | None:
        cached = self.records.entries.get(name)
        if cached is None or cached[0] != digest:  # the two stores disagree: read the file
            return None
        self.digests[name] = digest
        from site_builder.record_files import RecordFile

        return _Read(digest, None, RecordFile(cached[1]))

    def _remember(self, name: str, read: _Read) -> None:
        if read.result.record is None:
            return  # a file with problems is read again next time, to report them again
        self.index[name] = (read.digest, read.signature)
        self.records.put(name, (read.digest, read.result.record))
        self.is_changed = True
        self.digests[name] = read.digest

    def forget_others(self) -> None:
        """Drop the entries of files no longer in the content."""
        gone = set(self.index) - set(self.digests)
        for path in gone:
            del self.index[path]
        self.is_changed = self.is_changed or bool(gone)
        self.records.keep_only(self.digests)


@dataclass(frozen=True)
class _Worker:
    """Read one file in a worker: its hash and stat travel back with what it gave."""

    read: ReadFile

    def __call__(self, path: Path) -> _Read:
        content, stat = read_capped(path)
        return _Read(content_hash(content), settled_signature(stat), self.read(path, content))
