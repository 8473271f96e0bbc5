"""Load stage: read every content file into plain data with the line of every field."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_builder.errors import BuildFailed, ContentError, SourceLocation
from site_builder.vocabulary import COLLECTIONS
from site_builder.yamlsafe import Key, YamlProblem, character_problem, parse_yaml

SITE_FILE = "site.yaml"
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 64 * 1024
SLUG = re.compile(r"\A[a-z0-9][a-z0-9-]{0,99}\Z")  # \Z: "$" would let a final line feed in
RESERVED_SLUGS = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10))} | {
    f"lpt{n}" for n in range(10)
}
_CONTROL_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL = re.compile(  # as yamlsafe refuses in values; CR is read as a line end
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]"
)
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class RawRecord:
    """One content file as plain data: its fields, their lines, and its Markdown body."""

    collection: str
    slug: str
    path: Path
    fields: dict[str, Any]
    lines: dict[Key, int] = field(default_factory=dict)
    raw_text: dict[Key, str] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    first_line: int = 1

    def location(self, key: Key = ()) -> SourceLocation:
        """Return where a field (or, for the empty key, the record) starts."""
        return SourceLocation(self.path, self.lines.get(key, self.first_line))


@dataclass(frozen=True)
class Listing:
    """The record files of a content folder, in sorted order, and what is wrong with the set."""

    paths: list[Path]
    entry_errors: list[ContentError]  # stray entries and bad file names
    set_errors: list[ContentError]  # slug clashes and a missing site.yaml
    known_slugs: dict[str, frozenset[str]]


def list_content(content_dir: Path) -> Listing:
    """Find the record files of a content folder without reading them."""
    if not content_dir.is_dir():
        raise BuildFailed([ContentError(SourceLocation(content_dir), "no content folder here")])
    errors: list[ContentError] = []
    paths = _list_content_files(content_dir, errors)
    set_errors = _find_slug_clashes(paths)
    if not any(path.parent == content_dir for path in paths):
        set_errors.append(
            ContentError(SourceLocation(content_dir / SITE_FILE), "site.yaml is missing")
        )
    slugs: dict[str, set[str]] = {name: set() for name in COLLECTIONS}
    root = str(content_dir)
    for path in paths:  # as strings: Path objects made this a tenth of a warm build
        folder, _, name = str(path).rpartition(os.sep)
        if folder != root:
            slugs[os.path.basename(folder)].add(name.rpartition(".")[0])
    known = {name: frozenset(found) for name, found in slugs.items()}
    return Listing(paths, errors, set_errors, known)


def read_record(
    path: Path, content_dir: Path, raw: bytes | None = None
) -> RawRecord | ContentError:
    """One record file (from `raw` when its bytes are already read), or its problem."""
    try:
        return load_file(path, content_dir, raw)
    except _FileProblem as problem:
        return ContentError(SourceLocation(path, problem.line), problem.message)


def _list_content_files(content_dir: Path, errors: list[ContentError]) -> list[Path]:
    """Return the record files in sorted order; every stray entry becomes an error."""
    files: list[Path] = []
    for entry in sorted(content_dir.iterdir()):
        where = SourceLocation(entry)
        if control_in_name(entry.name):
            errors.append(ContentError(where, _control_name_message(entry.name)))
        elif entry.is_symlink():
            errors.append(ContentError(where, "symbolic links are not allowed in content"))
        elif entry.name == SITE_FILE and entry.is_file():
            files.append(entry)
        elif entry.is_dir() and entry.name in COLLECTIONS:
            files.extend(_list_collection(entry, errors))
        elif entry.name not in {".gitkeep", "README.md"} and not is_editor_junk(entry.name):
            errors.append(ContentError(where, _stray_entry_message(entry)))
    return files


def _stray_entry_message(entry: Path) -> str:
    close = difflib.get_close_matches(entry.name, [*COLLECTIONS, SITE_FILE], n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    allowed = ", ".join(COLLECTIONS)
    return (
        f"'{entry.name}' is not a collection folder or site.yaml{hint}; expected one of {allowed}"
    )


_EDITOR_JUNK = re.compile(r"^(\..*\.sw[a-p]|\.#.*|.*~|\.DS_Store|#.*#)$")


def is_editor_junk(name: str) -> bool:
    """Files editors leave while a record is open (vim, emacs, macOS): skipped, never read.

    Every other hidden or stray file is an error, so nothing is published by accident."""
    return bool(_EDITOR_JUNK.match(name))


def _list_collection(folder: Path, errors: list[ContentError]) -> list[Path]:
    files: list[Path] = []
    # scandir knows each entry's type without a stat: listing 10,000 records took 0.4 s
    # through Path objects, most of it sorting and stat calls
    with os.scandir(folder) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        name = entry.name
        if name == ".gitkeep" or is_editor_junk(name):
            continue
        stem, _, suffix = name.rpartition(".")
        if control_in_name(name):
            problem = _control_name_message(name)
        elif entry.is_symlink():
            problem = "symbolic links are not allowed in content"
        elif not entry.is_file(follow_symlinks=False) or not stem or suffix not in {"md", "yaml"}:
            problem = f"'{name}' is not a record: expected <slug>.md or .yaml"
        elif not SLUG.match(stem) or stem in RESERVED_SLUGS:
            problem = _bad_slug_message(stem)
        else:
            files.append(folder / name)
            continue
        errors.append(ContentError(SourceLocation(folder / name), problem))
    return files


def control_in_name(name: str) -> str:
    """The control character (a line break, an escape) a file name holds, as U+XXXX, or "":
    such a name shows as something else in listings, terminals and messages."""
    found = _CONTROL_IN_NAME.search(name)
    return f"U+{ord(found.group()):04X}" if found else ""


def _control_name_message(name: str) -> str:
    return (
        f"file name contains the control character {control_in_name(name)}; rename the file "
        "to its slug (lowercase letters, digits and hyphens) and .md or .yaml"
    )


def _bad_slug_message(stem: str) -> str:
    return (
        f"file name '{stem}' is not a valid slug: use lowercase letters, digits and hyphens, "
        "starting with a letter or digit (at most 100 characters)"
    )


def _find_slug_clashes(paths: list[Path]) -> list[ContentError]:
    """A .md and a .yaml with the same slug in one collection: both are reported."""
    seen: dict[str, Path] = {}
    errors = []
    for path in paths:
        key = str(path).rpartition(".")[0]
        if key in seen:
            first = seen[key]
            for one, other in ((path, first), (first, path)):
                message = (
                    f"duplicate slug '{path.stem}': also {SourceLocation(other).display_path()}"
                )
                errors.append(ContentError(SourceLocation(one), message))
        else:
            seen[key] = path
    return errors


class _FileProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message


def load_file(path: Path, content_dir: Path, raw: bytes | None = None) -> RawRecord:
    """Read one record file into a RawRecord, or raise _FileProblem."""
    text = _read_text(path, raw)
    collection = "site" if path.parent == content_dir else path.parent.name
    if path.suffix == ".md":
        front, first_line, body, body_line = _split_front_matter(text)
    else:
        front, first_line, body, body_line = text, 1, "", 1
    try:
        parsed = parse_yaml(front, first_line)
    except YamlProblem as problem:
        raise _FileProblem(problem.line, problem.message) from None
    if not isinstance(parsed.value, dict):
        found = "nothing" if parsed.value is None else type(parsed.value).__name__
        raise _FileProblem(first_line, f"expected a mapping of fields, found {found}")
    return RawRecord(
        collection=collection,
        slug=path.stem,
        path=path,
        fields=parsed.value,
        lines=parsed.lines,
        raw_text=parsed.raw_text,
        body=body,
        body_line=body_line,
        first_line=first_line,
    )


def read_capped(path: Path) -> tuple[bytes, os.stat_result]:
    """A file's bytes, read only up to one byte past the size limit, and its stat: a file
    over the limit is refused, so a huge one is never read whole into memory."""
    with open(path, "rb") as stream:
        return stream.read(MAX_FILE_BYTES + 1), os.fstat(stream.fileno())


def _read_text(path: Path, raw: bytes | None = None) -> str:
    """Return the file as text: UTF-8 only, no BOM, LF line ends, no control characters."""
    raw = read_capped(path)[0] if raw is None else raw
    if len(raw) > MAX_FILE_BYTES:
        raise _FileProblem(1, f"file is larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _FileProblem(line, f"not valid UTF-8 at byte {exc.start}; save as UTF-8") from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise _FileProblem(line, character_problem(bad.group()))
    return text


def _split_front_matter(text: str) -> tuple[str, int, str, int]:
    """Split a .md file into (front matter, its first line, body, the body's first line)."""
    if not text.startswith("---\n") and text.rstrip(" \t") != "---":
        raise _FileProblem(1, "missing front matter: a .md record starts with a '---' line")
    close = _FENCE.search(text, 4)
    if close is None:
        raise _FileProblem(1, "front matter is not closed: add a '---' line after the fields")
    front = text[4 : close.start()]
    if len(front.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise _FileProblem(1, f"front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB")
    body_start = close.end() + 1
    body_line = text.count("\n", 0, min(body_start, len(text))) + 1
    return front, 2, text[body_start:], body_line
