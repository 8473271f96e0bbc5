"""The static search index: the words of every listed record page, in small JSON files.

The search page's script (templates/static/search.js) reads `meta.json`, then only the
term files of the words typed and the document files of the results: no server, no
WebAssembly, nothing but JSON. The index is built from the page contexts, not from HTML,
so it holds exactly the text of the record (never navigation, citations or private notes).

Files, under `search-index/`:
    meta.json           {"documents": n, "documents_per_file": k, "stop_words": [...],
                        "terms": [file keys]}
    terms-<key>.json    {term: [document, weight, document, weight, ...]} for the terms
                        whose first two characters make <key>
    documents-<n>.json  [[address from the site root, title, kind, excerpt], ...]
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator

from site_builder import models as m
from site_builder.render.record_pages import RecordPage
from site_builder.vocabulary import COLLECTIONS

SEARCH_FOLDER = "search-index"
DOCUMENTS_PER_FILE = 500
EXCERPT_CHARACTERS = 180
# A word counts at most this often in one field: a long body does not drown a title.
MOST_PER_FIELD = 5
TITLE_WEIGHT = 8  # the title and the other names a record is known by
COUNCIL_NAME_WEIGHT = 16  # a council's own page comes before the records that name it
NAME_WEIGHT = 3  # the council a case or judgement belongs to
TEXT_WEIGHT = 1
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

_WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_KEY_OUTSIDE = re.compile(r"[^a-z0-9]")


def render_search_index(pages: Iterable[RecordPage]) -> dict[str, bytes]:
    """The index files for these pages, by output path.

    The caller passes only listed records (no draft, embargoed or withdrawn one), so
    nothing else can be found."""
    ordered = sorted(pages, key=lambda page: page.output_path)
    postings: dict[str, list[int]] = {}
    for number, page in enumerate(ordered):
        for term, weight in term_weights(page).items():
            postings.setdefault(term, []).extend((number, weight))
    files: dict[str, dict[str, list[int]]] = {}
    for term in sorted(postings):
        files.setdefault(term_key(term), {})[term] = postings[term]
    output = {f"{SEARCH_FOLDER}/terms-{key}.json": _json(terms) for key, terms in files.items()}
    for start in range(0, len(ordered), DOCUMENTS_PER_FILE):
        chunk = ordered[start : start + DOCUMENTS_PER_FILE]
        name = f"{SEARCH_FOLDER}/documents-{start // DOCUMENTS_PER_FILE}.json"
        output[name] = _json([_document(page) for page in chunk])
    meta = {"documents": len(ordered), "documents_per_file": DOCUMENTS_PER_FILE,
            "stop_words": sorted(STOP_WORDS), "terms": sorted(files)}  # fmt: skip
    output[f"{SEARCH_FOLDER}/meta.json"] = _json(meta)
    return output


def term_weights(page: RecordPage) -> dict[str, int]:
    """Each word of a page's record with its weight: how often, and in which fields."""
    weights: dict[str, int] = {}
    for weight, text in _fields(page):
        for term, count in Counter(_all_words(text)).items():
            weights[term] = weights.get(term, 0) + weight * min(count, MOST_PER_FIELD)
    for word in STOP_WORDS.intersection(weights):
        del weights[word]
    return weights


def _fields(page: RecordPage) -> Iterator[tuple[int, str]]:
    """(weight, text) of every field of the record a reader might search for."""
    record = page.record
    yield COUNCIL_NAME_WEIGHT if isinstance(record, m.Authority) else TITLE_WEIGHT, page.title
    if isinstance(record, m.Case):
        yield from ((TITLE_WEIGHT, alias) for alias in record.aliases)
    if page.authority is not None and page.authority is not record:
        yield NAME_WEIGHT, page.authority.name
    for name in ("region", "gss_code", "judged_by", "framework", "publisher"):
        yield TEXT_WEIGHT, getattr(record, name, None) or ""
    for text_html in page.text_html:  # Markdown fields: their text, not their links
        yield TEXT_WEIGHT, plain_text(text_html)
    yield TEXT_WEIGHT, plain_text(page.body_html)


def words(text: str) -> list[str]:
    """The words of a text as the index and the search script both fold them: lower case,
    accents dropped, split at anything but letters and digits, stop words left out."""
    return [word for word in _all_words(text) if word not in STOP_WORDS]


def _all_words(text: str) -> list[str]:
    if text.isascii():  # most text: the same split, faster
        return _ASCII_WORD.findall(text.lower())
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return _WORD.findall(text.lower())


def term_key(term: str) -> str:
    """The file a term is kept in: its first two characters, a-z and 0-9 only."""
    return _KEY_OUTSIDE.sub("_", term[:2])


def plain_text(body_html: str) -> str:
    """The text of sanitised HTML (no script or comment can be in it), entities decoded."""
    return html.unescape(_TAG.sub(" ", body_html))


def _document(page: RecordPage) -> list[str]:
    address = page.output_path.removesuffix("index.html")
    excerpt = _SPACE.sub(" ", page.description).strip()
    if len(excerpt) > EXCERPT_CHARACTERS:
        excerpt = excerpt[:EXCERPT_CHARACTERS].rsplit(" ", 1)[0] + "…"
    return [address, page.title, COLLECTIONS[page.record.collection].search_label, excerpt]


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
