"""Fragments of outputs (see render/fragments.py), by function and a hash of their inputs."""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from site_builder.incremental.row_store import RowStore
from site_builder.incremental.workers import map_missing
from site_builder.manifest import content_hash

Inputs = TypeVar("Inputs")
Value = TypeVar("Value")


@dataclass
class FragmentCache:
    """The fragments of the last build; those this build does not ask for are dropped."""

    store: RowStore  # key -> value, on disk
    used: set[bytes] = field(default_factory=set)
    known: dict[int, bytes] = field(default_factory=dict)  # id of a record -> its file's hash
    alive: list[object] = field(default_factory=list)  # what `known` names, kept alive
    jobs: int = 1  # processes to make missing values in

    def know(self, value: object, digest: bytes) -> None:
        """Key `value` (a record) as `digest` (its file's content hash), not by its pickle."""
        self.known[id(value)] = digest
        self.alive.append(value)

    def memo(self, function: Callable[[Inputs], Value], items: Sequence[Inputs], /) -> list[Value]:
        """function(inputs) for each item, or what it gave for equal inputs in the last build
        (those read from the store together). What must be made is made once for equal
        inputs, in `jobs` workers when there is much of it (a cold build's rows)."""
        keys = [self.key(function, inputs) for inputs in items]
        found = self.store.get_many(key for key in keys if key is not None)
        self.used.update(key for key in keys if key is not None)
        missing: list[int] = []  # the items to make: one of each key not found
        for index, key in enumerate(keys):
            if key is None or key not in found:
                missing.append(index)
                if key is not None:
                    found[key] = None  # to be made: equal inputs further on are not
        made = map_missing(function, [items[index] for index in missing], [None] * len(missing),
                           self.jobs)  # fmt: skip
        values: dict[int, Any] = dict(zip(missing, made, strict=True))
        for index in missing:
            key = keys[index]
            if key is not None:
                self.store.put(key, values[index])
                found[key] = values[index]
        return [values[index] if key is None else found[key] for index, key in enumerate(keys)]

    def keep(self, key: bytes, value: Any = None) -> None:
        """Keep `value` under `key`, unless the store already holds one there (None: it
        does); either way the entry counts as used."""
        self.used.add(key)
        if value is not None and not self.holds(key):
            self.store.put(key, value)

    def holds(self, key: bytes) -> bool:
        """Whether a value is kept under `key` (without counting it as used): asked in forked
        workers, which see the keys as they were when they were forked, and read no value."""
        return key in self.store.keys

    def get_many(self, keys: Iterable[bytes]) -> dict[bytes, Any]:
        """The values kept under these keys, by key, read together (those it holds)."""
        found = self.store.get_many(keys)
        self.used.update(found)
        return found

    def key(self, function: Callable[..., Any], inputs: object) -> bytes | None:
        """A hash of the function's name and a pickle of its inputs, in which each known
        record is its file's hash. Equal pickles are equal values (and unequal pickles of
        equal values only miss); None for inputs that cannot be pickled."""
        buffer = io.BytesIO()
        buffer.write(function_name(function).encode() + b"\0")
        try:
            _KeyPickler(buffer, self.known).dump(inputs)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return None
        return content_hash(buffer.getvalue())

    def forget_others(self) -> None:
        self.store.keep_only(self.used)


def function_name(function: Callable[..., Any]) -> str:
    """What a function's values are filed under."""
    return f"{function.__module__}.{function.__qualname__}"


class _KeyPickler(pickle.Pickler):
    """Pickles each known object as its digest, and every other part in full where it occurs:
    the same pickle for equal inputs however their parts are shared (a pickle's memo would
    write a second reference to one object as a back reference, but two equal objects twice)."""

    def __init__(self, buffer: io.BytesIO, known: dict[int, bytes]) -> None:
        super().__init__(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        self.fast = True  # no memo
        self.known = known

    def persistent_id(self, value: object) -> bytes | None:
        return self.known.get(id(value))
