"""Fragments: parts of an output made by a pure function from small inputs (one record's
search entry, its open data row), which a build may take from the last build instead of
making them again.

A render step calls `memo(function, inputs)` rather than `function(inputs)`. Without a cache
(`site-builder check`, the preview's first pages, the tests) that is the call itself; a build
passes one backed by the build cache, which answers with what the same function gave for equal
inputs last time. So `function` must read nothing but `inputs`, and `inputs` must be plain
values and frozen dataclasses (a record counts as the hash of its file's bytes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

Inputs = TypeVar("Inputs")
Value = TypeVar("Value")


class Memo(Protocol):
    def __call__(self, function: Callable[[Inputs], Value], inputs: Inputs, /) -> Value: ...


def compute(function: Callable[[Inputs], Value], inputs: Inputs, /) -> Value:
    """The memo that keeps nothing: the function's value, every time."""
    return function(inputs)
