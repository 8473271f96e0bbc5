"""How text becomes search terms: the index (render/search.py) and the search page's scripts
(templates/static/search-stem.js, search-index.js) do each step the same way.

A text is folded (lower case, accents dropped), split into words at anything but letters and
digits, stop words are left out, and each word is reduced to its English stem by the Snowball
English stemmer ("Porter2"), so "inspected", "inspecting" and "inspection" are one term. The
index holds stems; the search page stems what is typed with its own copy of the algorithm,
which tests/test_search.py holds to this one word for word.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

# The pure-Python stemmer of the snowballstemmer package, imported directly: its package-level
# `stemmer()` switches to PyStemmer's C library when that is installed, whose Snowball release
# may differ from the one search-stem.js follows.
from snowballstemmer.english_stemmer import EnglishStemmer  # type: ignore[import-untyped]

# Words too common to tell records apart; a query of only these finds nothing.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "which",
        "with",
    ]
)
KEY_LENGTH = 2  # a term's postings file is named by its first characters (more if split)

_WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
# A tag that breaks the text (a paragraph, an item, a cell) parts words; any other joins them.
_BREAKING_TAG = re.compile(
    r"</?(?:p|li|ul|ol|dl|dt|dd|h[1-6]|br|hr|div|blockquote|pre|table|thead|tbody|tr|td|th)\b[^>]*>"
)
_TAG = re.compile(r"<[^>]*>")
_KEY_OUTSIDE = re.compile(r"[^a-z0-9]")
_STEMMER = EnglishStemmer()


def words(text: str) -> list[str]:
    """The words of a text as the index and the search script both fold them: lower case,
    accents dropped, split at anything but letters and digits, stop words left out."""
    return [word for word in all_words(text) if word not in STOP_WORDS]


def all_words(text: str) -> list[str]:
    """The folded words of a text, stop words included."""
    if text.isascii():  # most text: the same split, faster
        return _ASCII_WORD.findall(text.lower())
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return _WORD.findall(text.lower())


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A folded word's English stem: 'inspected' and 'inspection' -> 'inspect'."""
    if word.isdigit() and word.isascii():  # no rule takes anything off a number
        return word
    return str(_STEMMER.stemWord(word))


def terms(text: str) -> list[str]:
    """The index terms of a text: the stem of each of its words but the stop words."""
    return [stem(word) for word in words(text)]


def term_key(term: str, length: int = KEY_LENGTH) -> str:
    """The name of a postings file: the term's first characters, a-z and 0-9 only."""
    return _KEY_OUTSIDE.sub("_", term[:length])


def is_spelled_word(word: str) -> bool:
    """Whether a folded word is made of letters only (numbers are never corrected)."""
    return word.isalpha()


def plain_text(body_html: str) -> str:
    """The text of sanitised HTML (no script or comment can be in it), entities decoded:
    "<p>See <a>the report</a>.</p>" -> " See the report. "."""
    return html.unescape(_TAG.sub("", _BREAKING_TAG.sub(" ", body_html)))
