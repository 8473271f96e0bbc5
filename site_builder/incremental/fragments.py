"""Fragments of outputs (see render/fragments.py), by function and a hash of their inputs."""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from site_builder.incremental.stores import LazyStore
from site_builder.manifest import content_hash

Inputs = TypeVar("Inputs")
Value = TypeVar("Value")
_MISSING = object()


@dataclass
class FragmentCache:
    """The fragments of the last build; those this build does not ask for are dropped."""

    store: LazyStore  # key -> value
    used: set[bytes] = field(default_factory=set)

    def memo(self, function: Callable[[Inputs], Value], inputs: Inputs, /) -> Value:
        """function(inputs), or what it gave for equal inputs in the last build."""
        try:  # equal pickles are equal values (unequal pickles of equal values only miss)
            pickled = canonical_pickle(inputs)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return function(inputs)
        key = content_hash(function_name(function).encode() + b"\0" + pickled)
        self.used.add(key)
        found = self.store.entries.get(key, _MISSING)
        if found is _MISSING:
            found = function(inputs)
            self.store.entries[key] = found
            self.store.is_changed = True
        return found  # type: ignore[no-any-return]

    def forget_others(self) -> None:
        entries = self.store.entries if self.store.loaded is not None else {}
        gone = set(entries) - self.used
        for key in gone:
            del entries[key]
        self.store.is_changed = self.store.is_changed or bool(gone)


def canonical_pickle(inputs: object) -> bytes:
    """The inputs' pickle, the same for equal inputs however their parts are shared: a record
    read afresh and the same record from the cache share strings differently, and a pickle
    writes a second reference to an object it has written as a back reference."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # no memo: every part written out where it occurs
    pickler.dump(inputs)
    return buffer.getvalue()


def function_name(function: Callable[..., Any]) -> str:
    """What a function's values are filed under."""
    return f"{function.__module__}.{function.__qualname__}"
