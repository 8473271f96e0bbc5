"""Write stage: build the whole site in a fresh folder beside output/, then swap it in."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from site_builder.errors import UsageError
from site_builder.urls import resolve_inside

MARKER = ".site-builder-output"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def write_site(files: dict[str, bytes], output_dir: Path) -> int:
    """Replace output_dir with exactly `files`, all at once; return the number written.

    A build that fails or is killed part-way leaves the previous output as it was.
    """
    output_dir = Path(os.path.abspath(output_dir))
    _refuse_foreign_folder(output_dir)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    with _locked(output_dir):
        remove_stale_folders(output_dir)
        staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.tmp-", dir=output_dir.parent))
        try:
            (staging / MARKER).write_bytes(b"")
            for output_path, content in files.items():
                target = resolve_inside(staging, output_path)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            _swap_in(staging, output_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return len(files)


def _refuse_foreign_folder(output_dir: Path) -> None:
    """Never replace a folder this tool did not make: a typo must not wipe a home folder."""
    if output_dir.is_symlink():
        raise UsageError(f"output folder {output_dir} is a symbolic link; give a real folder")
    if output_dir.exists() and not output_dir.is_dir():
        raise UsageError(f"output {output_dir} exists and is not a folder")
    if output_dir.is_dir() and any(output_dir.iterdir()) and not (output_dir / MARKER).exists():
        raise UsageError(
            f"refusing to replace {output_dir}: it is not empty and was not made by site-builder"
        )


@contextmanager
def _locked(output_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock so that two builds never write the same output at once."""
    lock_path = output_dir.parent / f".{output_dir.name}.lock"
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def remove_stale_folders(output_dir: Path) -> None:
    """Remove what killed builds left beside the output (only folders carrying our marker)."""
    for stale in output_dir.parent.glob(f".{output_dir.name}.tmp-*"):
        if stale.is_dir() and not stale.is_symlink() and (stale / MARKER).exists():
            shutil.rmtree(stale, ignore_errors=True)
        elif stale.is_dir() and not stale.is_symlink() and not any(stale.iterdir()):
            stale.rmdir()


def _swap_in(staging: Path, output_dir: Path) -> None:
    """Put the staged folder at output_dir in one step; the old site ends up in staging."""
    if not output_dir.exists():
        os.rename(staging, output_dir)
        return
    if _exchange(staging, output_dir):
        return
    # No atomic exchange on this system: two renames, with a brief moment of no output.
    aside = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.tmp-", dir=output_dir.parent))
    os.rename(output_dir, aside / "old")
    os.rename(staging, output_dir)
    shutil.rmtree(aside, ignore_errors=True)


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
