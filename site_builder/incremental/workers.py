"""Run one function over many items in forked worker processes, or here where that won't pay."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from site_builder.config import Progress

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many items per process, starting processes costs more than it saves.
MIN_ITEMS_PER_JOB = 200
CHUNKS_PER_JOB = 8

_inherited: tuple[Callable[..., Any], Any] | None = None  # what forked workers find at start


def map_missing(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    cached: Sequence[Result | None],
    jobs: int,
    progress: Progress | None = None,
    label: str = "",
    prepare: Callable[[list[Item]], None] | None = None,
) -> list[Result]:
    """`function(item)` for each item without a cached result (in workers where that pays);
    every item's result, cached or fresh, in item order. `prepare(missing)` runs first, in
    this process, so that workers inherit what it sets up."""
    missing = [index for index, result in enumerate(cached) if result is None]
    if prepare is not None and missing:
        prepare([items[index] for index in missing])
    results = list(cached)
    fresh = map_chunks(_apply, (function, items), missing, jobs, progress, label)
    for index, result in zip(missing, fresh, strict=True):
        results[index] = result
    return results  # type: ignore[return-value]  # every None was replaced above


def _apply(shared: tuple[Callable[[Any], Any], Sequence[Any]], indices: Sequence[int]) -> list[Any]:
    function, items = shared
    return [function(items[index]) for index in indices]


def map_chunks(
    function: Callable[[Any, Sequence[Item]], list[Result]],
    shared: Any,
    items: Sequence[Item],
    jobs: int,
    progress: Progress | None = None,
    label: str = "",
) -> list[Result]:
    """`function(shared, chunk)` over chunks of items, results in item order.

    With jobs > 1 and enough items the chunks run in forked processes, which inherit
    `shared` (the linked site, the page contexts) instead of receiving it pickled; the
    results come back pickled, so they should be small next to the work.
    """
    jobs = min(jobs, len(items) // MIN_ITEMS_PER_JOB)
    size = max(1, -(-len(items) // max(1, jobs * CHUNKS_PER_JOB)))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    if jobs < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _run_here(function, shared, chunks, len(items), progress, label)
    global _inherited
    _inherited = (function, shared)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results: list[Result] = []
            for done in pool.imap(_run_inherited, chunks):
                results.extend(done)
                if progress:
                    progress(label, len(results), len(items))
            return results
    finally:
        _inherited = None


def _run_here(
    function: Callable[[Any, Sequence[Item]], list[Result]],
    shared: Any,
    chunks: list[Sequence[Item]],
    total: int,
    progress: Progress | None,
    label: str,
) -> list[Result]:
    results: list[Result] = []
    for chunk in chunks:
        results.extend(function(shared, chunk))
        if progress:
            progress(label, len(results), total)
    return results


def _run_inherited(chunk: Sequence[Any]) -> list[Any]:
    assert _inherited is not None, "set before the workers were forked"
    function, shared = _inherited
    results: list[Any] = function(shared, chunk)
    return results
