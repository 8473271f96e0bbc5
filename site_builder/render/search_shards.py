"""The files a search fetches on demand: postings by the first letters of their term, and the
index's words by length, for the one typo a search forgives.

A postings file holds the terms that begin with its key. Its key is a term's first two
characters; a file that would pass SHARD_BYTES is split by one more character (its terms of
exactly the key's length stay in it), again and again, so that a search fetches little more
than the postings of the words typed. The keys that were split are listed in meta.json, so the
search script finds a term's file without asking for any other.
"""

from __future__ import annotations

import json
from collections import defaultdict

from site_builder.render.search_terms import KEY_LENGTH, term_key

SHARD_BYTES = 24_000  # split a postings file that would be larger than this (before gzip)

Postings = dict[str, list[int]]  # term -> [document gap, weight, document gap, weight, ...]


def shard_postings(postings: Postings) -> tuple[dict[str, Postings], list[str]]:
    """The postings files by key, and the keys that were split into longer ones."""
    sizes = {term: _size(term, numbers) for term, numbers in postings.items()}
    pending: dict[str, list[str]] = defaultdict(list)
    for term in sorted(postings):
        pending[term_key(term)].append(term)
    shards: dict[str, Postings] = {}
    split: list[str] = []
    depth = KEY_LENGTH
    while pending:
        deeper: dict[str, list[str]] = defaultdict(list)
        for key, found in sorted(pending.items()):
            longer = [term for term in found if len(term) > depth]
            if sum(sizes[t] for t in found) <= SHARD_BYTES or len(found) == 1 or not longer:
                shards[key] = {term: postings[term] for term in found}
                continue
            split.append(key)
            staying = [term for term in found if len(term) <= depth]
            if staying:
                shards[key] = {term: postings[term] for term in staying}
            for term in longer:
                deeper[term_key(term, depth + 1)].append(term)
        pending, depth = deeper, depth + 1
    return dict(sorted(shards.items())), sorted(split)


def words_by_length(vocabulary: set[str], shortest: int) -> dict[int, list[str]]:
    """The index's spelled words of at least `shortest` letters, sorted, by length."""
    lengths: dict[int, list[str]] = defaultdict(list)
    for word in sorted(vocabulary):
        if len(word) >= shortest:
            lengths[len(word)].append(word)
    return dict(sorted(lengths.items()))


def _size(term: str, numbers: list[int]) -> int:
    """About how many bytes a term takes in its file's JSON."""
    return len(term.encode()) + 4 + len(json.dumps(numbers, separators=(",", ":")))
