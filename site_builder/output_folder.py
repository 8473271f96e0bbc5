"""The output folder: which folders a build may replace, where, and under which lock.

A folder the generator made carries a marker file that is a hard link to the lock file
beside the output (`.output.lock` beside `output/`). A marker copied into another folder, or
a copy of a whole output folder, is a new file, so it does not count: only the folders made
for this output by a build are ever replaced or deleted. The marker itself stays empty, so
two builds of the same content still give the same bytes.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from stat import S_ISREG

from site_builder.errors import UsageError

MARKER = ".site-builder-output"
# Written into the output of a --drafts build only, so that a preview and a public site never
# share a folder: neither build replaces the other's (see refuse_mixed_preview).
DRAFTS_PREVIEW = ".site-builder-drafts-preview"


def lock_path(output_dir: Path) -> Path:
    """The lock file beside an output folder, which every folder made for it links to."""
    return output_dir.parent / f".{output_dir.name}.lock"


def refuse_output_inside_inputs(output_dir: Path, inputs: dict[str, Path]) -> None:
    """Refuse an output folder inside (or holding) a folder a build reads, such as content.

    Inside an input, the next build would read the last site back in (under templates/static,
    it would publish it again); holding one, replacing the output would delete it."""
    real_output = os.path.realpath(output_dir)
    for kind, folder in inputs.items():
        real_input = os.path.realpath(folder)
        common = os.path.commonpath([real_input, real_output])
        if real_output == real_input:
            problem = f"is the {kind} folder {folder} itself"
        elif common == real_input:
            problem = f"is inside the {kind} folder {folder}: a build would read the site back in"
        elif common == real_output:
            problem = f"holds the {kind} folder {folder}: replacing the output would delete it"
        else:
            continue
        raise UsageError(
            f"output folder {output_dir} {problem}; give an --output folder outside the content "
            "and templates folders"
        )


def refuse_foreign_folder(output_dir: Path) -> None:
    """Never replace a folder this tool did not make for this output: a typo in --output must
    not wipe a home folder, nor may a marker copied there make it look like ours."""
    if output_dir.is_symlink():
        raise UsageError(f"output folder {output_dir} is a symbolic link; give a real folder")
    if output_dir.exists() and not output_dir.is_dir():
        raise UsageError(f"output {output_dir} exists and is not a folder")
    if output_dir.is_dir() and any(output_dir.iterdir()) and not is_ours(output_dir, output_dir):
        raise UsageError(
            f"refusing to replace {output_dir}: it is not empty and was not made by site-builder "
            f"for this output folder; if it only holds an old build, delete it and build again"
        )


def refuse_mixed_preview(output_dir: Path, is_preview: bool) -> None:
    """A --drafts preview goes to a folder of its own: never into a public site's folder, and
    a public build never reuses a preview's."""
    holds_preview = (output_dir / DRAFTS_PREVIEW).is_file()
    holds_anything = output_dir.is_dir() and any(output_dir.iterdir())
    if is_preview and holds_anything and not holds_preview:
        raise UsageError(
            f"{output_dir} holds a public build; a --drafts preview goes to a folder of its "
            "own: leave out --output (it then goes to output-drafts) or give another folder"
        )
    if not is_preview and holds_preview:
        raise UsageError(
            f"{output_dir} holds a --drafts preview; build the public site into another "
            "folder, or delete this one first"
        )


def is_ours(folder: Path, output_dir: Path) -> bool:
    """Whether a folder carries the marker of a folder made for output_dir."""
    try:
        marker = os.lstat(folder / MARKER)
        lock = os.stat(lock_path(output_dir))
    except OSError:
        return False
    return S_ISREG(marker.st_mode) and (marker.st_dev, marker.st_ino) == (lock.st_dev, lock.st_ino)


def make_folder_beside(output_dir: Path) -> Path:
    """A new empty folder beside the output, not yet marked (call under the lock).

    Made like any folder the user makes, under the umask: tempfile.mkdtemp's 0700 would
    leave a site that a web server running as another user cannot read."""
    while True:
        folder = output_dir.parent / f".{output_dir.name}.tmp-{secrets.token_hex(6)}"
        try:
            os.mkdir(folder, 0o777)
        except FileExistsError:
            continue
        return folder


def mark(folder: Path, output_dir: Path) -> None:
    """Mark a folder as made for output_dir (call under the lock, which makes the lock file)."""
    try:
        os.link(lock_path(output_dir), folder / MARKER)
    except OSError as problem:  # say, a FAT or network drive
        raise UsageError(
            f"cannot build into {output_dir}: its file system allows no hard link, which marks "
            f"the folders site-builder makes ({problem.strerror}); give an --output elsewhere"
        ) from problem


@contextmanager
def locked(output_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock so that two builds never write the same output at once."""
    with open(lock_path(output_dir), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def tidy_beside(output_dir: Path) -> None:
    """Remove, under the build lock, what killed builds left beside an output folder."""
    output_dir = Path(os.path.abspath(output_dir))
    with locked(output_dir):
        remove_stale_folders(output_dir)


def remove_stale_folders(output_dir: Path) -> None:
    """Remove what killed builds left beside the output (only folders made for it)."""
    for stale in output_dir.parent.glob(f".{output_dir.name}.tmp-*"):
        if not stale.is_dir() or stale.is_symlink():
            continue
        if is_ours(stale, output_dir):
            remove_marked(stale)
        elif not any(stale.iterdir()):
            stale.rmdir()


def remove_marked(folder: Path) -> None:
    """Delete a folder this tool made, its marker last: a build killed part-way through then
    leaves a folder the next build still knows as its own (see remove_stale_folders)."""
    if not folder.is_dir() or folder.is_symlink():
        return
    for entry in sorted(folder.iterdir(), key=lambda entry: entry.name == MARKER):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
