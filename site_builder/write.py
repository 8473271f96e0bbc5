"""Write stage: build the whole site in a fresh folder beside output/, then swap it in."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import posixpath
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.errors import UsageError
from site_builder.manifest import (
    FileState,
    Manifest,
    content_hash,
    files_under,
    is_as_recorded,
    read_as_written,
)
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

__all__ = ["MARKER", "Content", "Reuse", "Unchanged", "write_changed", "write_site"]
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass(frozen=True)
class Reuse:
    """What a write may reuse: the current output's files as the last build recorded them,
    and a spare folder (an older output) to bring up to date in place of a new one."""

    output: Manifest = field(default_factory=dict)
    spare_dir: Path | None = None
    spare: Manifest = field(default_factory=dict)


@dataclass(frozen=True)
class Unchanged:
    """A file the current output holds as the last build wrote it (`state` as recorded),
    which the write stage links or keeps without reading it."""

    state: FileState


Content = bytes | Unchanged
Files = Iterable[tuple[str, Content]]  # output path and content; of a path seen twice, the last


def write_site(files: dict[str, bytes], output_dir: Path) -> int:
    """Replace output_dir with exactly `files`, all at once; return the number written.

    A build that fails or is killed part-way leaves the previous output as it was.
    """
    return len(write_changed(files.items(), output_dir, Reuse()))


def write_changed(files: Files, output_dir: Path, reuse: Reuse) -> Manifest:
    """As write_site, writing each file as it comes and only what changed; return what the
    new output holds.

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
                trusted = _trusted_spare(staging, reuse.spare)
            else:
                mark(staging, output_dir)
                trusted = {}
            manifest = _Staging(staging, output_dir, reuse.output, trusted).fill(files)
            _swap_in(staging, output_dir)
            _keep_as_spare(staging, reuse.spare_dir)
        finally:
            remove_marked(staging)
    return manifest


@dataclass
class _Staging:
    """Fills the staging folder file by file. `trusted` holds the files it already has (a
    spare folder's, checked as recorded): each is kept if wanted with the same bytes, and
    removed at the end if not wanted at all."""

    root: Path
    output_dir: Path
    previous: Manifest  # the current output as recorded, to link unchanged files from
    trusted: Manifest
    manifest: Manifest = field(default_factory=dict)
    folders: set[str] = field(default_factory=set)

    def fill(self, files: Files) -> Manifest:
        self.folders.add(str(self.root))
        for output_path, content in files:
            self.put(output_path, content)
        emptied = set()
        for output_path in set(self.trusted) - set(self.manifest):
            path = os.path.join(self.root, output_path)
            if os.path.lexists(path):
                os.unlink(path)
                emptied.add(os.path.dirname(path))
        _remove_empty(emptied, self.root)
        return self.manifest

    def put(self, output_path: str, content: Content) -> None:
        target = _staged_path(self.root, output_path)
        digest = content.state[0] if isinstance(content, Unchanged) else content_hash(content)
        state = self.trusted.get(output_path)
        if state is not None and output_path not in self.manifest and state[0] == digest:
            self.manifest[output_path] = state
            return
        self._clear(target, output_path)
        folder = os.path.dirname(target)
        if folder not in self.folders:
            self._make_folder(folder)
        self.manifest[output_path] = self._write(content, digest, target, output_path)

    def _write(self, content: Content, digest: bytes, target: str, output_path: str) -> FileState:
        """Link the output's copy of a file into staging if it holds these bytes (its hash
        `digest`), else write it."""
        state = content.state if isinstance(content, Unchanged) else self.previous.get(output_path)
        if not (state and state[0] == digest
                and _link_same(self.output_dir, output_path, target, state)):  # fmt: skip
            if isinstance(content, Unchanged):  # changed or gone since the render stage saw it
                found = read_as_written(self.output_dir, output_path, content.state)
                if found is None:
                    message = "changed while the site was being built; build again"
                    raise UsageError(f"{self.output_dir / output_path}: {message}")
                content = found
            with open(target, "xb") as stream:  # a new file: never write into a linked one
                stream.write(content)
        stat = os.stat(target)
        return (digest, stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def _clear(self, target: str, output_path: str) -> None:
        """Make room for a file: a trusted file or folder at its place goes."""
        self.trusted.pop(output_path, None)
        if not os.path.lexists(target):
            return
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
            prefix = output_path + "/"
            for gone in [path for path in self.trusted if path.startswith(prefix)]:
                del self.trusted[gone]
        else:
            os.unlink(target)

    def _make_folder(self, folder: str) -> None:
        """Make a folder and its parents; a trusted file in the way (an old page's place,
        now a folder's) goes."""
        try:
            os.makedirs(folder, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            relative = os.path.relpath(folder, self.root).split(os.sep)
            for depth in range(1, len(relative) + 1):
                output_path = "/".join(relative[:depth])
                if output_path in self.trusted:
                    self._clear(os.path.join(self.root, output_path), output_path)
            os.makedirs(folder, exist_ok=True)
        self.folders.add(folder)


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


def _trusted_spare(staging: Path, spare: Manifest) -> Manifest:
    """Of a spare folder, keep only the files still as recorded; remove every other entry
    (links, strays, files changed by hand). Nothing found is trusted unseen."""
    trusted: Manifest = {}
    emptied = set()
    for output_path, entry in files_under(str(staging)):
        if output_path == MARKER:
            continue
        state = spare.get(output_path)
        if state and is_as_recorded(entry.path, state):
            trusted[output_path] = state
            continue
        os.unlink(entry.path)  # scandir goes on well past an entry it gave that is removed
        emptied.add(os.path.dirname(entry.path))
    _remove_empty(emptied, staging)
    return trusted


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
