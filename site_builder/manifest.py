"""What an output folder holds, as the write stage recorded it: each file's content hash and
the stat it was left with, so that a later build can tell an untouched file at a glance."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from stat import S_ISREG

from site_builder.output_folder import MARKER

FileState = tuple[bytes, int, int, int]  # content hash, inode, size, mtime_ns
Manifest = dict[str, FileState]  # what an output folder holds, by output path


def content_hash(content: bytes) -> bytes:
    """The hash of a file's bytes: what a manifest keeps, and what the build cache keys by."""
    return hashlib.blake2b(content, digest_size=16).digest()


def is_as_recorded(path: str, state: FileState) -> bool:
    """Whether the file at `path` is a regular file still as the manifest recorded it."""
    stat = os.lstat(path)
    return S_ISREG(stat.st_mode) and (stat.st_ino, stat.st_size, stat.st_mtime_ns) == state[1:]


def state_if_same(path: str, state: FileState) -> FileState | None:
    """The state of the regular file at `path` if it holds the bytes recorded: `state` when
    its stat is as recorded, else (a copy of the output, restored from a cache with new
    inodes) its state now, once its bytes hash as recorded. None if it is gone or differs."""
    stat = os.lstat(path)
    if not S_ISREG(stat.st_mode) or stat.st_size != state[2]:
        return None
    if (stat.st_ino, stat.st_mtime_ns) == (state[1], state[3]):
        return state
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with open(descriptor, "rb") as stream:
        stat = os.fstat(stream.fileno())
        content = stream.read()
    if not S_ISREG(stat.st_mode) or content_hash(content) != state[0]:
        return None
    return (state[0], stat.st_ino, stat.st_size, stat.st_mtime_ns)


def read_as_written(output_dir: Path, output_path: str, state: FileState | None) -> bytes | None:
    """A file of the output as the last build wrote it, or None if it is gone or differs."""
    if state is None:
        return None
    try:
        with open(output_dir / output_path, "rb") as stream:
            stat = os.fstat(stream.fileno())
            if (stat.st_ino, stat.st_size, stat.st_mtime_ns) != state[1:]:
                return None
            content = stream.read()
    except OSError:
        return None
    return content if content_hash(content) == state[0] else None


def holds_exactly(output_dir: Path, manifest: Manifest) -> bool:
    """Whether the output folder holds exactly the manifest's files, as they were written."""
    found = 0
    try:
        for output_path, entry in files_under(str(output_dir)):
            state = manifest.get(output_path)
            if state is None:
                if output_path == MARKER:
                    continue
                return False
            stat = entry.stat(follow_symlinks=False)
            if (stat.st_ino, stat.st_size, stat.st_mtime_ns) != state[1:]:
                return False
            found += 1
    except OSError:  # the output folder (or a folder or file of it) was deleted: rebuild
        return False
    return found == len(manifest)


def files_under(root: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every entry under `root` but folders (files, links), with its path from `root` as
    output paths are written ('cases/x/index.html'). By os.scandir, whose entries know their
    type: os.walk, and a relpath for each folder, took most of a warm build."""
    pending = [("", root)]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as scan:
            for entry in scan:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    yield prefix + entry.name, entry
