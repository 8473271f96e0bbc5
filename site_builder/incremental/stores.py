"""The files of the build cache under .cache/site-builder/: each store one pickled mapping,
stamped with the generator's code digest and a checksum, and replaced in one step."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Collection, Mapping
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from site_builder.manifest import content_hash

log = logging.getLogger(__name__)

FORMAT = b"site-builder-cache 1\n"
FOLDER = Path(".cache") / "site-builder"
SHARDS = 16  # files per store: an edit writes again only the files of the entries it changed
DEPENDENCIES = ("jinja2", "markdown", "nh3", "pyyaml", "jsonschema", "jsonschema-rs", "markupsafe")


def default_folder(content_dir: Path) -> Path:
    """.cache/site-builder beside the content folder (the repository root, run from there)."""
    return Path(os.path.abspath(content_dir)).parent / FOLDER


@cache
def code_digest() -> bytes:
    """The generator's own source, schemas, dependencies and Python: any change drops the cache."""
    package = Path(__file__).resolve().parent.parent
    hasher = hashlib.blake2b(FORMAT, digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".json"} and "__pycache__" not in path.parts:
            hasher.update(path.relative_to(package).as_posix().encode() + b"\0")
            hasher.update(content_hash(path.read_bytes()))
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
        path.relative_to(folder).as_posix(): content_hash(path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


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
    view = memoryview(raw)  # slices of a view are not copies: a store is tens of megabytes
    checksum, payload = bytes(view[len(header) : len(header) + 32]), view[len(header) + 32 :]
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
    replace_file(path, FORMAT, namespace, hashlib.sha256(payload).digest(), payload)


def replace_file(path: Path, *parts: bytes) -> None:
    """Write a file of the cache, these parts one after another, in one step (never joined
    in memory: a store is tens of megabytes); one that cannot be written is only a warning."""
    try:
        prepare_folder(path.parent)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            for part in parts:
                stream.write(part)
        os.replace(temporary, path)
    except OSError as problem:  # a cache that cannot be written only makes the next build slower
        log.warning("could not write the build cache %s: %s", path, problem)


def prepare_folder(folder: Path) -> None:
    if (folder / ".gitignore").is_file():
        return
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".gitignore").write_text("# made by site-builder: safe to delete\n*\n")
    (folder / "CACHEDIR.TAG").write_text(
        "Signature: 8a477f597d28d172789f06886806bc55\n# site-builder build cache\n"
    )


class LazyStore:
    """A store kept as SHARDS files in a folder, each one pickled mapping, read from disk the
    first time it is needed (a build in which nothing changed never reads the records or the
    texts). Entries are set with `put` and removed with `drop`, so that a build writes again
    only the files whose entries changed: after an edit, a few of tens of megabytes."""

    def __init__(self, folder: Path, namespace: bytes) -> None:
        self.folder = folder
        self.namespace = namespace
        self.loaded: dict[Any, Any] | None = None
        self.dirty: set[int] = set()

    @classmethod
    def in_memory(cls) -> LazyStore:
        """A store that starts empty and is never saved (a check, which keeps nothing)."""
        store = cls(Path(os.devnull), b"")
        store.loaded = {}
        return store

    @property
    def entries(self) -> dict[Any, Any]:
        if self.loaded is None:
            self.loaded = {}
            for shard in range(SHARDS):
                path = self._path(shard)
                found = read_store(path, self.namespace)
                if not found and path.exists():
                    self.dirty.add(shard)  # of another version, or damaged: written afresh
                self.loaded.update(found)
        return self.loaded

    @property
    def is_changed(self) -> bool:
        return bool(self.dirty)

    def put(self, key: str | bytes, value: Any) -> None:
        self.entries[key] = value
        self.dirty.add(shard_of(key))

    def drop(self, key: str | bytes) -> None:
        del self.entries[key]
        self.dirty.add(shard_of(key))

    def keep_only(self, keys: Collection[Any]) -> None:
        """Drop every entry not among `keys`; a store never read is left as it is (each of
        its entries is checked when used)."""
        if self.loaded is not None:
            for key in set(self.loaded).difference(keys):
                self.drop(key)

    def save(self) -> None:
        if not self.dirty or self.loaded is None or not self.namespace:
            return
        parts: dict[int, dict[Any, Any]] = {shard: {} for shard in self.dirty}
        for key, value in self.loaded.items():
            part = parts.get(shard_of(key))
            if part is not None:
                part[key] = value
        prepare_folder(self.folder.parent)  # the cache folder first, ignored by git
        for shard, part in sorted(parts.items()):
            write_store(self._path(shard), self.namespace, part)
        self.dirty.clear()

    def _path(self, shard: int) -> Path:
        return self.folder / f"{shard:02d}.pickle"


def shard_of(key: str | bytes) -> int:
    """Which file of a store holds a key."""
    return content_hash(key if isinstance(key, bytes) else key.encode())[0] % SHARDS


def output_store_path(folder: Path, output_dir: Path, name: str, suffix: str) -> Path:
    """A store or folder of the cache that belongs to one output folder."""
    return folder / f"{name}-{content_hash(os.fsencode(output_dir)).hex()[:16]}{suffix}"
