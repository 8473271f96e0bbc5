"""Run one function over many items in forked worker processes, or here where that won't pay."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any, TypeVar

from site_builder.config import Progress

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many items per process, starting processes costs more than it saves.
MIN_ITEMS_PER_JOB = 200
CHUNKS_PER_JOB = 8
MAX_CHUNK = 250  # items: a chunk's results are held whole until they are read
CHUNKS_AHEAD = 2  # per process: chunks asked for but not yet read

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter

_inherited: tuple[Callable[..., Any], Any] | None = None  # what forked workers find at start


def map_missing(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    cached: Sequence[Result | None],
    jobs: int,
    progress: Progress | None = None,
    label: str = "",
    prepare: Callable[[list[Item]], None] | None = None,
) -> Iterator[Result]:
    """`function(item)` for each item without a cached result (in workers where that pays);
    every item's result, cached or fresh, in item order, each as soon as it and those before
    it are ready. `prepare(missing)` runs first, in this process, so that workers inherit
    what it sets up."""
    missing = [index for index, result in enumerate(cached) if result is None]
    if prepare is not None and missing:
        prepare([items[index] for index in missing])
    fresh = map_chunks(_apply, (function, items), missing, jobs, progress, label)
    for result in cached:
        yield next(fresh) if result is None else result


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
) -> Iterator[Result]:
    """`function(shared, chunk)` over chunks of items, results in item order as they come.

    With jobs > 1 and enough items the chunks run in forked processes, which inherit
    `shared` (the linked site, the page contexts) instead of receiving it pickled; the
    results come back pickled, so they should be small next to the work. At most
    CHUNKS_AHEAD chunks per process are asked for ahead of the one being read, so that
    results not yet read (rendered pages, say) never pile up."""
    jobs = min(jobs, len(items) // MIN_ITEMS_PER_JOB)
    size = min(MAX_CHUNK, max(1, -(-len(items) // max(1, jobs * CHUNKS_PER_JOB))))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    if (
        jobs < 2
        or "fork" not in multiprocessing.get_all_start_methods()
        or multiprocessing.current_process().daemon  # a worker itself: it may have none
    ):
        yield from _run_here(function, shared, chunks, len(items), progress, label)
        return
    global _inherited
    _inherited = (function, shared)
    _return_free_memory()
    was_frozen = gc.get_freeze_count() > 0  # by long_lived, which unfreezes it at its end
    gc.freeze()  # what the workers inherit is never collected there, so never copied for it
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            waiting = iter(chunks)
            asked = deque(pool.apply_async(_run_inherited, (chunk,))
                          for chunk in islice(waiting, jobs * CHUNKS_AHEAD))  # fmt: skip
            done = 0
            while asked:
                results = asked.popleft().get()
                following = next(waiting, None)
                if following is not None:
                    asked.append(pool.apply_async(_run_inherited, (following,)))
                done += len(results)
                if progress:
                    progress(label, done, len(items))
                yield from results
    finally:
        _inherited = None
        if not was_frozen:
            gc.unfreeze()


@contextmanager
def long_lived() -> Iterator[None]:
    """Within the block, the collector never walks the objects that exist at its start
    (the caller keeps them alive to its end anyway): at 10,000 records, the open data, page
    contexts and search index steps of an edit build each take 0.1 to 0.2 s less, no
    longer walking the linked site again and again. Cyclic garbage made before the block
    is collected only after it."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _return_free_memory() -> None:
    """Give the memory this process freed back to the system before forking (the open data
    frees about 70 MiB at 10,000 records): a worker that reused a block the parent had freed
    but kept would copy its whole page, and both would hold it. And from now on map blocks
    of 128 KiB or more (the workers' results, read here) on their own, returned when freed:
    by default glibc raises that threshold each time such a block is freed, then carves
    them from a heap that keeps what they leave (docs/performance.md has the figures).
    glibc only; elsewhere nothing is done."""
    try:
        libc = ctypes.CDLL(None)
        mallopt, trim = libc.mallopt, libc.malloc_trim
    except (OSError, AttributeError):
        return
    mallopt(M_MMAP_THRESHOLD, 128 * 1024)
    trim(0)


def _run_here(
    function: Callable[[Any, Sequence[Item]], list[Result]],
    shared: Any,
    chunks: list[Sequence[Item]],
    total: int,
    progress: Progress | None,
    label: str,
) -> Iterator[Result]:
    done = 0
    for chunk in chunks:
        results = function(shared, chunk)
        done += len(results)
        if progress:
            progress(label, done, total)
        yield from results


def _run_inherited(chunk: Sequence[Any]) -> list[Any]:
    assert _inherited is not None, "set before the workers were forked"
    function, shared = _inherited
    results: list[Any] = function(shared, chunk)
    return results
