"""Write stage: build the whole site in a fresh folder beside output/, then swap it in."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import posixpath
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.manifest import FileState, Manifest, content_hash, is_as_recorded
from site_builder.output_folder import (
    MARKER,
    is_ours,
    locked,
    make_folder_beside,
    mark,
    refuse_foreign_folder,
    remove_marked,
    remove_stale_folders,
)
from site_builder.urls import resolve_inside

__all__ = ["MARKER", "Reuse", "write_changed", "write_site"]
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass(frozen=True)
class Reuse:
    """What a write may reuse: the current output's files as the last build recorded them,
    and a spare folder (an older output) to bring up to date in place of a new one."""

    output: Manifest = field(default_factory=dict)
    spare_dir: Path | None = None
    spare: Manifest = field(default_factory=dict)


def write_site(files: dict[str, bytes], output_dir: Path) -> int:
    """Replace output_dir with exactly `files`, all at once; return the number written.

    A build that fails or is killed part-way leaves the previous output as it was.
    """
    return len(write_changed(files, output_dir, Reuse()))


def write_changed(files: dict[str, bytes], output_dir: Path, reuse: Reuse) -> Manifest:
    """As write_site, writing only what changed; return what the new output holds.

    The staging folder is still complete before the swap: it is the spare folder with its
    stale files replaced, or a new one where unchanged files are hard-linked from the
    output. After the swap the old output becomes the spare: no site is ever deleted."""
    output_dir = Path(os.path.abspath(output_dir))
    refuse_foreign_folder(output_dir)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    with locked(output_dir):
        refuse_foreign_folder(output_dir)  # again: another build may have run meanwhile
        remove_stale_folders(output_dir)
        staging = make_folder_beside(output_dir)
        try:
            if _take_spare(reuse.spare_dir, staging, output_dir):
                manifest = _update(files, staging, output_dir, reuse)
            else:
                mark(staging, output_dir)
                manifest = _stage(files, staging, output_dir, reuse.output)
            _swap_in(staging, output_dir)
            _keep_as_spare(staging, reuse.spare_dir)
        finally:
            remove_marked(staging)
    return manifest


def _stage(
    files: dict[str, bytes], staging: Path, output_dir: Path, previous: Manifest
) -> Manifest:
    """Fill an empty staging folder; unchanged files are hard-linked from the output."""
    manifest: Manifest = {}
    folders = {str(staging)}
    for output_path, content in files.items():
        target = _staged_path(staging, output_path)
        folder = os.path.dirname(target)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        manifest[output_path] = _put(content, target, output_dir, output_path, previous)
    return manifest


def _put(
    content: bytes, target: str, output_dir: Path, output_path: str, previous: Manifest
) -> FileState:
    """Link the output's copy of a file into staging if it holds these bytes, else write it."""
    digest = content_hash(content)
    state = previous.get(output_path)
    if not (state and state[0] == digest and _link_same(output_dir, output_path, target, state)):
        with open(target, "xb") as stream:  # a new file: never write into a linked one
            stream.write(content)
    stat = os.stat(target)
    return (digest, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _take_spare(spare_dir: Path | None, staging: Path, output_dir: Path) -> bool:
    """Move the spare folder to the (empty) staging path; False if there is none to take."""
    if spare_dir is None or spare_dir.is_symlink() or not is_ours(spare_dir, output_dir):
        return False
    try:
        os.rename(spare_dir, staging)
    except OSError:  # on another file system, or taken by a build running beside this one
        return False
    return True


def _keep_as_spare(staging: Path, spare_dir: Path | None) -> None:
    """After the swap: keep the old output (now at the staging path) as the next spare."""
    if spare_dir is None or not staging.is_dir():
        return
    if spare_dir.is_dir() and not spare_dir.is_symlink() and (spare_dir / MARKER).is_file():
        # Not taken: marked by an older version, or for a lock file since deleted. It is in
        # the build cache, so ours to delete; left there it would block every new spare.
        remove_marked(spare_dir)
    try:
        spare_dir.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, spare_dir)
    except OSError:
        return  # then it is deleted as before


def _update(files: dict[str, bytes], staging: Path, output_dir: Path, reuse: Reuse) -> Manifest:
    """Bring a spare folder up to date: keep each file still as recorded and still wanted,
    remove every other entry, then add what is missing. Nothing found is trusted unseen."""
    digests = {path: content_hash(content) for path, content in files.items()}
    kept: Manifest = {}
    folders = set()
    emptied = set()
    for folder, subfolders, names in os.walk(staging):
        relative = os.path.relpath(folder, staging)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        folders.add(folder)
        for name in [*names, *(d for d in subfolders if os.path.islink(os.path.join(folder, d)))]:
            path = os.path.join(folder, name)
            output_path = prefix + name
            state = reuse.spare.get(output_path)
            if output_path == MARKER or (state and state[0] == digests.get(output_path)
                                         and is_as_recorded(path, state)):  # fmt: skip
                kept[output_path] = state or (b"", 0, 0, 0)
                continue
            os.unlink(path)
            emptied.add(folder)
    manifest: Manifest = {}
    for output_path, content in files.items():
        if output_path in kept:
            manifest[output_path] = kept[output_path]
            continue
        target = _staged_path(staging, output_path)
        folder = os.path.dirname(target)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
        manifest[output_path] = _put(content, target, output_dir, output_path, reuse.output)
    _remove_empty(emptied, staging)
    return manifest


def _remove_empty(folders: set[str], root: Path) -> None:
    """Remove folders left empty (a removed record's), so the tree matches a fresh build."""
    for folder in sorted(folders, key=len, reverse=True):
        while folder != str(root):
            try:
                os.rmdir(folder)
            except OSError:
                break  # not empty: neither are its parents
            folder = os.path.dirname(folder)


def _staged_path(staging: Path, output_path: str) -> str:
    """Where a file goes in the staging folder; anything but a plain relative path is checked."""
    if (
        output_path
        and posixpath.normpath(output_path) == output_path
        and not (output_path.startswith(("/", "../")) or output_path == ".." or "\\" in output_path)
    ):
        return os.path.join(staging, output_path)
    return str(resolve_inside(staging, output_path))


def _link_same(output_dir: Path, output_path: str, target: str, state: FileState) -> bool:
    """Hard-link the current output's file into staging if it is still as it was written."""
    source = os.path.join(output_dir, output_path)
    try:
        stat = os.lstat(source)
        if (stat.st_ino, stat.st_size, stat.st_mtime_ns) != state[1:]:
            return False
        os.link(source, target)
    except OSError:  # gone, another file system, too many links: write it instead
        return False
    return True


def _swap_in(staging: Path, output_dir: Path) -> None:
    """Put the staged folder at output_dir in one step; the old site ends up in staging."""
    if not output_dir.exists():
        os.rename(staging, output_dir)
        return
    if _exchange(staging, output_dir):
        return
    # No atomic exchange on this system: two renames, with a brief moment of no output.
    aside = make_folder_beside(output_dir)
    mark(aside, output_dir)
    os.rename(output_dir, aside / "old")
    os.rename(staging, output_dir)
    remove_marked(aside)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically with renameat2(RENAME_EXCHANGE); False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP}:
        return False
    raise OSError(code, os.strerror(code), str(second))
