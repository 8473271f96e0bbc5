"""The build cache under .cache/site-builder/: what the last builds computed, by content hash.

Three stores, each one pickled file: validated records (by file path and content hash),
rendered Markdown bodies (by body and page) and the pages of the last build into an output
folder (by a fingerprint of everything the page shows). Every store carries the digest of
the generator's code and a checksum: a store from another version, or one that fails to
load, is dropped whole and its work done again. An entry is used only after it is checked
against the content on disk now. The folder is safe to delete at any time.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import pickle
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from site_builder import models as m
from site_builder import urls
from site_builder.fingerprint import (
    Fingerprinter,
    Unfingerprintable,
    digest_bytes,
    template_closure_digest,
)
from site_builder.load import MAX_FILE_BYTES
from site_builder.write import MARKER, FileState, Manifest, Reuse

if TYPE_CHECKING:
    import jinja2

log = logging.getLogger(__name__)

FORMAT = b"site-builder-cache 1\n"
FOLDER = Path(".cache") / "site-builder"
DEPENDENCIES = ("jinja2", "markdown", "nh3", "pyyaml", "jsonschema", "markupsafe")
# A file changed less than this long ago may change again within the clock's tick without
# its stat changing: its content hash is not remembered by its stat (git's "racy clean").
SETTLED_NS = 2_000_000_000

Signature = tuple[int, int, int, int]  # inode, size, mtime_ns, ctime_ns


def default_folder(content_dir: Path) -> Path:
    """.cache/site-builder beside the content folder (the repository root, run from there)."""
    return Path(os.path.abspath(content_dir)).parent / FOLDER


@cache
def code_digest() -> bytes:
    """The generator's own source, schemas, dependencies and Python: any change drops the cache."""
    package = Path(__file__).resolve().parent
    hasher = hashlib.blake2b(FORMAT, digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".json"} and "__pycache__" not in path.parts:
            hasher.update(path.relative_to(package).as_posix().encode() + b"\0")
            hasher.update(digest_bytes(path.read_bytes()))
    for name in DEPENDENCIES:
        hasher.update(f"{name}={_version(name)}\0".encode())
    hasher.update(sys.version.encode())
    return hasher.digest()


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def folder_digests(folder: Path) -> dict[str, bytes]:
    """The content hash of every file under a folder (the templates), by relative path."""
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): digest_bytes(path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def signature_of(stat: os.stat_result) -> Signature:
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def settled_signature(stat: os.stat_result) -> Signature | None:
    """A file's stat, if it last changed long enough ago that the stat identifies its content."""
    if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) <= SETTLED_NS:
        return None
    return signature_of(stat)


# Stores -------------------------------------------------------------------------------


def read_store(path: Path, namespace: bytes) -> dict[Any, Any]:
    """A store's entries, or nothing if it is missing, of another version or damaged."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as problem:
        log.warning("cache %s unreadable (%s); rebuilding it", path, problem)
        return {}
    header = FORMAT + namespace
    checksum, payload = raw[len(header) : len(header) + 32], raw[len(header) + 32 :]
    if not raw.startswith(header):
        return {}  # another version of the generator or its templates: start afresh
    if hashlib.sha256(payload).digest() != checksum:
        log.warning("cache %s is damaged; rebuilding it", path)
        return {}
    try:
        entries = pickle.loads(payload)
    except Exception as problem:  # noqa: BLE001 - any failure means: do the work again
        log.warning("cache %s could not be read (%s); rebuilding it", path, problem)
        return {}
    return entries if isinstance(entries, dict) else {}


def write_store(path: Path, namespace: bytes, entries: Mapping[Any, Any]) -> None:
    """Replace a store in one step, so that a killed build leaves the old one or the new one."""
    payload = pickle.dumps(dict(entries), protocol=pickle.HIGHEST_PROTOCOL)
    replace_file(path, FORMAT + namespace + hashlib.sha256(payload).digest() + payload)


def replace_file(path: Path, content: bytes) -> None:
    """Write a file of the cache in one step; one that cannot be written is only a warning."""
    try:
        _prepare_folder(path.parent)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except OSError as problem:  # a cache that cannot be written only makes the next build slower
        log.warning("could not write the build cache %s: %s", path, problem)


def _prepare_folder(folder: Path) -> None:
    if (folder / ".gitignore").is_file():
        return
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".gitignore").write_text("# made by site-builder: safe to delete\n*\n")
    (folder / "CACHEDIR.TAG").write_text(
        "Signature: 8a477f597d28d172789f06886806bc55\n# site-builder build cache\n"
    )


# Records ------------------------------------------------------------------------------


Valid = m.Record | m.SiteSettings


class LazyStore:
    """A store read from disk the first time it is needed: a build in which nothing
    changed never reads the records or the bodies."""

    def __init__(self, path: Path, namespace: bytes) -> None:
        self.path = path
        self.namespace = namespace
        self.loaded: dict[Any, Any] | None = None
        self.is_changed = False

    @property
    def entries(self) -> dict[Any, Any]:
        if self.loaded is None:
            self.loaded = read_store(self.path, self.namespace)
        return self.loaded

    def save(self) -> None:
        if self.is_changed and self.loaded is not None:
            write_store(self.path, self.namespace, self.loaded)


@dataclass
class RecordCache:
    """Each file's content hash and settled stat (`index`), and its validated record (read
    lazily); `digests` holds the hash of every file of this build."""

    index: dict[str, tuple[bytes, Signature | None]]
    records: LazyStore  # path -> (content hash, record)
    digests: dict[str, bytes] = field(default_factory=dict)
    is_changed: bool = False

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
            if not is_known and (is_too_large or digest_bytes(path.read_bytes()) != entry[0]):
                return None
            digests[str(path)] = entry[0]
        return digests

    def lookup(self, path: Path, stat: os.stat_result) -> Valid | None:
        """The cached record of a file whose stat shows it unchanged since it was cached."""
        entry = self.index.get(str(path))
        if entry is None or entry[1] is None or entry[1] != signature_of(stat):
            return None
        return self._record(str(path), entry[0])

    def _record(self, path: str, digest: bytes) -> Valid | None:
        cached = self.records.entries.get(path)
        if cached is None or cached[0] != digest:  # the two stores disagree: read the file
            return None
        self.digests[path] = digest
        record: Valid = cached[1]
        return record

    def cached_digests(self) -> dict[str, bytes]:
        return {path: entry[0] for path, entry in self.records.entries.items()}

    def settle(self, path: str, digest: bytes, signature: Signature | None) -> Valid | None:
        """After a file was read: its cached record if it holds the bytes that were cached."""
        record = self._record(path, digest)
        if record is not None and self.index.get(path) != (digest, signature):
            self.index[path] = (digest, signature)
            self.is_changed = True
        return record

    def store(self, path: str, digest: bytes, signature: Signature | None, record: Valid) -> None:
        self.index[path] = (digest, signature)
        self.records.entries[path] = (digest, record)
        self.records.is_changed = self.is_changed = True
        self.digests[path] = digest

    def forget_others(self) -> None:
        """Drop the entries of files no longer in the content."""
        loaded = [self.records.loaded] if self.records.loaded is not None else []
        for entries in (self.index, *loaded):  # unread records wait: each is checked on use
            gone = set(entries) - set(self.digests)
            for path in gone:
                del entries[path]
            self.is_changed = self.is_changed or bool(gone)
        self.records.is_changed = self.records.is_changed or (bool(loaded) and self.is_changed)


# Bodies -------------------------------------------------------------------------------

_HREF = re.compile(r'href="([^"]*)"')


@dataclass
class BodyCache:
    """Rendered bodies without problems, by body and page; each keeps the site pages it links to."""

    store_file: LazyStore  # key -> (HTML, the site pages it links to)
    used: set[bytes] = field(default_factory=set)

    @property
    def entries(self) -> dict[bytes, tuple[str, tuple[str, ...]]]:
        return self.store_file.entries

    @staticmethod
    def key(body: str, page_path: str) -> bytes:
        return digest_bytes(page_path.encode() + b"\0" + body.encode())

    def lookup(self, body: str, page_path: str, known_paths: frozenset[str]) -> str | None:
        """The body's HTML, if every site page it links to still exists (else it is rendered
        again, which reports the broken link)."""
        key = self.key(body, page_path)
        entry = self.entries.get(key)
        if entry is None or not all(path in known_paths for path in entry[1]):
            return None
        self.used.add(key)
        return entry[0]

    def store(self, body: str, page_path: str, body_html: str) -> None:
        key = self.key(body, page_path)
        self.entries[key] = (body_html, site_links(body_html, page_path))
        self.used.add(key)
        self.store_file.is_changed = True

    def forget_others(self) -> None:
        gone = set(self.entries) - self.used
        for key in gone:
            del self.entries[key]
        self.store_file.is_changed = self.store_file.is_changed or bool(gone)


def site_links(body_html: str, page_path: str) -> tuple[str, ...]:
    """The output paths of the site pages that rendered HTML links to."""
    targets = set()
    for href in _HREF.findall(body_html):
        address = html.unescape(href).split("#", 1)[0].split("?", 1)[0]
        if address and ":" not in address.split("/", 1)[0] and not address.startswith("//"):
            target = urls.site_path_of_url(address, page_path)
            targets.add(target if target is not None else address)
    return tuple(sorted(targets))


# Pages --------------------------------------------------------------------------------


@dataclass
class PageCache:
    """The pages of the last build into one output folder, and what each was made from."""

    output_dir: Path
    manifest: Manifest
    fingerprints: dict[str, bytes]
    fingerprinter: Fingerprinter = field(default_factory=Fingerprinter)
    new_fingerprints: dict[str, bytes] = field(default_factory=dict)
    template_digests: dict[str, bytes] = field(default_factory=dict)
    compiled_dir: Path | None = None  # Jinja's compiled templates (render.templating)

    def fingerprint(self, page: Any, settings: Any, env: jinja2.Environment) -> bytes | None:
        """A hash of everything a page shows: its context, the site settings, its templates."""
        try:
            digest = self.fingerprinter.digest((page, settings))
        except Unfingerprintable:
            return None
        template = self._template_digest(page.template, env)
        fingerprint = digest_bytes(code_digest() + template + digest)
        self.new_fingerprints[page.output_path] = fingerprint
        return fingerprint

    def _template_digest(self, name: str, env: jinja2.Environment) -> bytes:
        if name not in self.template_digests:
            self.template_digests[name] = template_closure_digest(env, name)
        return self.template_digests[name]

    def reuse(self, output_path: str, fingerprint: bytes | None) -> bytes | None:
        """The bytes the last build wrote for this page, if made from the same things and
        still in the output folder exactly as written."""
        if fingerprint is None or self.fingerprints.get(output_path) != fingerprint:
            return None
        return read_unchanged(self.output_dir, output_path, self.manifest.get(output_path))


def read_unchanged(output_dir: Path, output_path: str, state: FileState | None) -> bytes | None:
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
    return content if digest_bytes(content) == state[0] else None


# The whole cache ----------------------------------------------------------------------


@dataclass
class BuildCache:
    """The three stores of one build, and what is needed to tell whether anything changed."""

    folder: Path
    records: RecordCache
    bodies: BodyCache
    pages: PageCache
    state: dict[str, Any]
    spare: Manifest

    @classmethod
    def open(cls, folder: Path, output_dir: Path) -> BuildCache:
        namespace = code_digest()
        output_dir = Path(os.path.abspath(output_dir))
        pages = read_store(_output_path(folder, output_dir, "pages", ".pickle"), namespace)
        return cls(
            folder=folder,
            records=RecordCache(
                read_store(folder / "index.pickle", namespace),
                LazyStore(folder / "records.pickle", namespace),
            ),
            bodies=BodyCache(LazyStore(folder / "bodies.pickle", namespace)),
            pages=PageCache(
                output_dir,
                pages.get("manifest", {}),
                pages.get("fingerprints", {}),
                compiled_dir=folder / "templates",
            ),
            state=pages.get("state", {}),
            spare=pages.get("spare", {}),
        )

    def reuse(self) -> Reuse:
        """What the write stage may reuse: the output as recorded, and the spare folder."""
        spare_dir = _output_path(self.folder, self.pages.output_dir, "spare", "")
        return Reuse(self.pages.manifest, spare_dir, self.spare)

    def remember_records(self, records: Iterable[m.Record | m.SiteSettings]) -> None:
        """Let fingerprints hash each record as its file's content hash."""
        for record in records:
            path = getattr(record, "path", None)
            digest = self.records.digests.get(str(path)) if path is not None else None
            if digest is not None:
                self.pages.fingerprinter.know(record, digest_bytes(str(path).encode() + digest))

    def is_output_current(self, inputs: bytes) -> bool:
        """Whether the last build had exactly these inputs and its output is untouched."""
        if self.state.get("inputs") != inputs or not self.pages.manifest:
            return False
        return output_matches(self.pages.output_dir, self.pages.manifest)

    def save(self, inputs: bytes, manifest: Manifest, records: int) -> None:
        """Write what changed; the pages store last, so that it never names a stale output."""
        namespace = code_digest()
        self.records.forget_others()
        if self.records.is_changed:
            self.records.records.save()
            write_store(self.folder / "index.pickle", namespace, self.records.index)
        self.bodies.forget_others()
        self.bodies.store_file.save()
        fingerprints = {k: v for k, v in self.pages.new_fingerprints.items() if k in manifest}
        state = {"inputs": inputs, "records": records, "files": len(manifest)}
        pages = {
            "manifest": manifest,
            "fingerprints": fingerprints,
            "state": state,
            "spare": self.pages.manifest,
        }  # fmt: skip - the old output is the spare now
        write_store(_output_path(self.folder, self.pages.output_dir, "pages", ".pickle"),
                    namespace, pages)  # fmt: skip


def _output_path(folder: Path, output_dir: Path, name: str, suffix: str) -> Path:
    """A store or folder of the cache that belongs to one output folder."""
    return folder / f"{name}-{digest_bytes(os.fsencode(output_dir)).hex()[:16]}{suffix}"


def inputs_digest(*parts: Any) -> bytes:
    """One hash of every input of a build (content hashes, templates, settings, history)."""
    return digest_bytes(code_digest() + Fingerprinter().digest(parts))


def output_matches(output_dir: Path, manifest: Manifest) -> bool:
    """Whether the output folder holds exactly the manifest's files, as they were written."""
    found = 0
    pending = [("", str(output_dir))]
    while pending:  # os.scandir by hand: os.walk and relpath took most of a warm build
        prefix, folder = pending.pop()
        try:
            scan = os.scandir(folder)
        except OSError:  # the output folder (or a folder of it) was deleted: rebuild
            return False
        with scan:
            for entry in scan:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{prefix}{entry.name}/", entry.path))
                    continue
                state = manifest.get(prefix + entry.name)
                if state is None:
                    if entry.name == MARKER and not prefix:
                        continue
                    return False
                try:
                    stat = entry.stat(follow_symlinks=False)
                except OSError:
                    return False
                if (stat.st_ino, stat.st_size, stat.st_mtime_ns) != state[1:]:
                    return False
                found += 1
    return found == len(manifest)
