"""Content hashes of page contexts and templates: what decides whether a page is rendered."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import re
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

import jinja2

from site_builder.manifest import content_hash


class Unfingerprintable(Exception):
    """A page context holds a value whose content cannot be hashed: render it every time."""


_REFERENCE = re.compile(r"{%-?\s*(?:extends|include|import|from)\b\s*(\S+)")
_LITERAL = re.compile(r"""^(["'])([^"']+)\1$""")


def template_closure_digest(env: jinja2.Environment, name: str) -> bytes:
    """A hash of a template and of every template it extends, includes or imports."""
    loader = env.loader
    assert loader is not None
    seen: dict[str, bytes] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        try:
            source, _, _ = loader.get_source(env, current)
        except jinja2.TemplateNotFound:  # named in a comment, say: rendering would fail
            seen[current] = b"missing"
            continue
        seen[current] = content_hash(source.encode())
        for reference in _REFERENCE.findall(source):
            literal = _LITERAL.match(reference)
            if literal is None:  # a name computed at run time: depend on every template
                return content_hash(b"".join(_all_templates(env)))
            pending.append(literal.group(2))
    return content_hash(b"".join(k.encode() + b"\0" + v for k, v in sorted(seen.items())))


def _all_templates(env: jinja2.Environment) -> Iterable[bytes]:
    assert env.loader is not None
    for name in sorted(env.loader.list_templates()):
        yield name.encode() + b"\0" + content_hash(env.loader.get_source(env, name)[0].encode())


class Fingerprinter:
    """Hashes plain values and dataclasses; a record hashes as its file's content hash.

    Each digest also finds which known records the value holds, at any depth
    (`digest_showing`). A value of an `opaque` type (a scorecard, which holds hundreds of
    records) is reported by a name instead, and hashed once per build: then known by its id,
    so a scorecard shown on a hundred pages costs one hash (it is kept alive for that).
    Other values are walked wherever they are met: they are made for one page.
    """

    def __init__(self, opaque: dict[type, str] | None = None) -> None:
        self.opaque = opaque or {}  # types whose values report this name, not their records
        self.memo: dict[int, bytes] = {}
        self.names: dict[int, str] = {}  # by id: the name a known value reports
        self.alive: list[Any] = []
        self.found: set[str] = set()  # the names met by the digest being made

    def know(self, value: Any, digest: bytes, name: str | None = None) -> None:
        """Hash `value` as `digest` (a record as its file's content hash); a value given a
        `name` (a record's key) is one that `digest_showing` reports."""
        if id(value) not in self.memo:
            self.alive.append(value)
        self.memo[id(value)] = digest
        if name is not None:
            self.names[id(value)] = name

    def digest(self, value: Any) -> bytes:
        return self.digest_showing(value)[0]

    def digest_without(self, value: Any, names: tuple[str, ...]) -> bytes:
        """The hash of a dataclass's fields but those named, walked whether or not it is
        known (a record's face: what other pages can show of it)."""
        hasher = hashlib.blake2b(type(value).__qualname__.encode(), digest_size=16)
        for item in dataclasses.fields(value):
            if item.name not in names:
                self.feed(hasher, getattr(value, item.name))
        return hasher.digest()

    def digest_showing(self, value: Any) -> tuple[bytes, frozenset[str]]:
        """The hash of `value`, and the names of the known records it holds."""
        self.found = set()
        return self._alone(value), frozenset(self.found)

    def _alone(self, value: Any) -> bytes:
        hasher = hashlib.blake2b(digest_size=16)
        self.feed(hasher, value)
        return hasher.digest()

    def feed(self, hasher: Any, value: Any) -> None:
        kind = type(value)
        if kind is str or isinstance(value, str):
            text = value.encode("utf-8", "surrogatepass")
            hasher.update(b"%s %d:" % (kind.__name__.encode(), len(text)) + text)
        elif kind is bytes:
            hasher.update(b"bytes %d:" % len(value) + value)
        elif value is None or kind in (bool, int, float, dt.date, dt.datetime):
            hasher.update(f"{kind.__name__}:{value!r};".encode())
        elif kind in (tuple, list):
            hasher.update(b"(%d" % len(value))
            for item in value:
                self.feed(hasher, item)
        elif kind is dict:
            hasher.update(b"{%d" % len(value))
            for key, item in value.items():
                self.feed(hasher, key)
                self.feed(hasher, item)
        elif isinstance(value, enum.Enum):
            hasher.update(f"{kind.__qualname__}.{value.name};".encode())
        elif isinstance(value, PurePath):
            self.feed(hasher, str(value))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            hasher.update(self.dataclass_digest(value))
        elif kind in (set, frozenset):
            hasher.update(b"<" + b"".join(sorted(self._alone(item) for item in value)))
        else:
            raise Unfingerprintable(kind.__qualname__)

    def dataclass_digest(self, value: Any) -> bytes:
        known = self.memo.get(id(value))
        if known is not None:
            name = self.names.get(id(value))
            if name is not None:
                self.found.add(name)
            return known
        kind = type(value)
        name = self.opaque.get(kind)
        outer = self.found
        if name is not None:
            self.found = set()  # what an opaque value holds is not reported
        hasher = hashlib.blake2b(kind.__qualname__.encode(), digest_size=16)
        for item in dataclasses.fields(value):
            self.feed(hasher, getattr(value, item.name))
        digest = hasher.digest()
        if name is not None:
            self.found = outer
            outer.add(name)
            if kind.__dataclass_params__.frozen:
                self.know(value, digest, name)
        return digest
