"""Fragments: parts of an output made by a pure function from small inputs (one record's
search entry, its open data row), which a build may take from the last build instead of
making them again.

A render step calls `memo(function, items)` rather than `[function(i) for i in items]`.
Without a cache (`site-builder check`, the preview's first pages, the tests) that is the
map itself; a build passes one backed by the build cache, which answers with what the same
function gave for equal inputs last time (read from disk together, so one call for every
record rather than one each). So `function` must read nothing but its inputs, and each
inputs must be plain values and frozen dataclasses (a record counts as the hash of its
file's bytes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

Inputs = TypeVar("Inputs")
Value = TypeVar("Value")


class Memo(Protocol):
    def __call__(
        self, function: Callable[[Inputs], Value], items: Sequence[Inputs], /
    ) -> list[Value]: ...


def compute(function: Callable[[Inputs], Value], items: Sequence[Inputs], /) -> list[Value]:
    """The memo that keeps nothing: the function's value for each item, every time."""
    return [function(inputs) for inputs in items]
