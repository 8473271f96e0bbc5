"""The static search index: the words of every listed record page, in small JSON files.

The search page's scripts (templates/static/search*.js) read `meta.json`, then only the
postings files of the words typed and the document files of the results they show: no
server, no WebAssembly, nothing but JSON. The index is built from the page contexts, not from
HTML, so it holds exactly the text of the record (never navigation, citations or private
notes), and the names of the cases a judgement concerns (so "Baby P" finds the evaluations of
his reviews, which call him Peter). Words are terms as render/search_terms.py makes them.

Documents are numbered council by council, and within a council kind by kind, so that a
council's or a kind's documents are one run of numbers (`groups`), and the records of one
council, which a search often finds together, share document files.

Files, under `search-index/`:
    meta.json           {"documents": n, "documents_per_file": k, "stop_words": [...],
                        "shards": [keys], "split": [keys split into longer ones],
                        "word_lengths": [n, ...], "kinds": [[collection, label], ...],
                        "councils": [[slug, name], ...],
                        "groups": [first document, kind, council or -1, ...]}
    terms-<key>.json    {term: [document gap, weight, ...]}: see render/search_shards.py
    words-<n>.json      [word, ...]: the spelled words of n letters, for typo tolerance
    documents-<n>.json  [[address from the site root, title, [passage, ...]], ...]
"""

from __future__ import annotations

import json
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from site_builder import models as m
from site_builder.render import search_shards as sh
from site_builder.render import search_terms as st
from site_builder.render.record_pages import RecordPage
from site_builder.vocabulary import COLLECTIONS

SEARCH_FOLDER = "search-index"
DOCUMENTS_PER_FILE = 8
PASSAGE_CHARACTERS = 4000  # of a record's text kept for excerpts; its words are all indexed
TYPO_SHORTEST = 5  # the shortest word typed in which a typo is forgiven
# A word counts at most this often in one field: a long body does not drown a title.
MOST_PER_FIELD = 5
TITLE_WEIGHT = 8  # the title and the other names a record is known by
COUNCIL_NAME_WEIGHT = 16  # a council's own page comes before the records that name it
NAME_WEIGHT = 3  # the council a case or judgement belongs to, the cases a judgement concerns
TEXT_WEIGHT = 1
STOP_WORDS = st.STOP_WORDS

DETAIL_FIELDS = ("region", "gss_code", "judged_by", "framework", "publisher")

_SPACE = re.compile(r"\s+")


def render_search_index(items: Iterable[SearchItem]) -> Iterator[tuple[str, bytes]]:
    """Yield the index files for the search items of these pages: (output path, content).

    The caller passes only listed records (no draft, embargoed or withdrawn one), so
    nothing else can be found. An item is made from its page alone (`search_item`), so that
    an edit need only count the words of the pages it changed."""
    found = list(items)
    councils = sorted({item.council for item in found if item.council}, key=lambda c: (c[1], c[0]))
    council_number = {slug: n for n, (slug, _) in enumerate(councils)}
    kinds = [name for name in COLLECTIONS if any(item.collection == name for item in found)]
    ordered = sorted(found, key=lambda item: _place(item, council_number, kinds))
    del found
    entries = [item.entry for item in ordered]
    shards, split = sh.shard_postings(_postings(entries))
    for key, terms in shards.items():
        yield f"{SEARCH_FOLDER}/terms-{key}.json", _json(terms)
    vocabulary = {word for entry in entries for word in entry.spelled()}
    spelled = {word for word in vocabulary if st.is_spelled_word(word)}
    by_length = sh.words_by_length(spelled, TYPO_SHORTEST - 1)
    yield from ((f"{SEARCH_FOLDER}/words-{n}.json", _json(w)) for n, w in by_length.items())
    for start in range(0, len(entries), DOCUMENTS_PER_FILE):
        chunk = entries[start : start + DOCUMENTS_PER_FILE]
        name = f"{SEARCH_FOLDER}/documents-{start // DOCUMENTS_PER_FILE}.json"
        yield name, b"[" + b",".join(entry.document for entry in chunk) + b"]"
    meta = {
        "documents": len(ordered),
        "documents_per_file": DOCUMENTS_PER_FILE,
        "stop_words": sorted(STOP_WORDS),
        "shards": sorted(shards),
        "split": split,
        "word_lengths": sorted(by_length),
        "typo_shortest": TYPO_SHORTEST,
        "kinds": [[name, COLLECTIONS[name].search_label] for name in kinds],
        "councils": [list(council) for council in councils],
        "groups": _groups(ordered, council_number, kinds),
    }
    yield f"{SEARCH_FOLDER}/meta.json", _json(meta)


def _postings(entries: list[SearchEntry]) -> sh.Postings:
    """Each term's [document gap, weight, ...], documents numbered in entry order: made
    flat in one pass, never as pairs, so that the postings of a large site fit in little."""
    postings: sh.Postings = {}
    last: dict[str, int] = {}
    for number, entry in enumerate(entries):
        for term, weight in entry.term_weights():
            numbers = postings.get(term)
            if numbers is None:
                postings[term] = [number, weight]
            else:
                numbers += (number - last[term], weight)
            last[term] = number
    return postings


@dataclass(frozen=True)
class SearchInput:
    """All a record page gives its search entry: the fields a reader might search for."""

    address: str  # from the site root
    title: str
    is_council: bool  # a council's own page, whose title weighs most
    aliases: tuple[str, ...]  # a case's other names
    council: str | None  # the name of the council a record belongs to, if not itself
    cases: tuple[tuple[str, tuple[str, ...]], ...]  # a judgement's cases: title, other names
    details: tuple[str, ...]  # region, code, inspectorate, framework, publisher
    texts_html: tuple[str, ...]  # its Markdown fields, then its body
    description: str


@dataclass(frozen=True)
class SearchEntry:
    """One record in the index: its terms in order with their weights, its words as spelled,
    and its document (address, title, passages) as JSON. Kept compact (a few objects, not
    one per term), since a build holds the entries of every record."""

    terms: str  # one per line
    weights: bytes  # an array("I") of one weight per term
    words: str  # one per line
    document: bytes

    def term_weights(self) -> Iterator[tuple[str, int]]:
        return zip(_lines(self.terms), array("I", self.weights), strict=True)

    def spelled(self) -> list[str]:
        return _lines(self.words)


@dataclass(frozen=True)
class SearchItem:
    """What the index needs of one record page: where its document goes, and its entry."""

    output_path: str
    collection: str
    council: tuple[str, str] | None  # slug and name of the one council it belongs to
    entry: SearchEntry


def search_item(page: RecordPage) -> SearchItem:
    """A record page's search item, from its context alone."""
    council = council_of(page)
    return SearchItem(
        page.output_path,
        page.record.collection,
        (council.slug, council.name) if council else None,
        search_entry(search_input(page)),
    )


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def search_input(page: RecordPage) -> SearchInput:
    record = page.record
    council = (
        page.authority if page.authority is not None and page.authority is not record else None
    )
    return SearchInput(
        address=page.output_path.removesuffix("index.html"),
        title=page.title,
        is_council=isinstance(record, m.Authority),
        aliases=record.aliases if isinstance(record, m.Case) else (),
        council=council.name if council is not None else None,
        cases=tuple((case.title, case.aliases) for case in _cases_concerned(page)),
        details=tuple(getattr(record, name, None) or "" for name in DETAIL_FIELDS),
        texts_html=(*page.text_html, page.body_html),
        description=page.description,
    )


def search_entry(inputs: SearchInput) -> SearchEntry:
    """A record's entry in the index, from nothing but its search input."""
    passages = list(_passages(inputs))
    vocabulary: set[str] = set()
    weights = term_weights(_fields(inputs, passages), vocabulary)
    document = _json(_document(inputs, passages))
    terms = sorted(weights)
    return SearchEntry("\n".join(terms), array("I", [weights[term] for term in terms]).tobytes(),
                       "\n".join(sorted(vocabulary)), document)  # fmt: skip


def council_of(page: RecordPage) -> m.Authority | None:
    """The one council a record belongs to, if there is one: a council itself, the council
    of a case or judgement, the council of a board that serves only one."""
    record = page.record
    if isinstance(record, m.Authority):
        return record
    if page.authority is not None:
        return page.authority
    councils = [a for a in page.related.authorities if isinstance(a, m.Authority)]
    return councils[0] if isinstance(record, m.Body) and len(councils) == 1 else None


def _place(item: SearchItem, council_number: dict[str, int], kinds: list[str]) -> tuple[
    int, int, str
]:  # fmt: skip
    """Where a document goes: councils in name order (records of none last), then kinds."""
    number = council_number[item.council[0]] if item.council else len(council_number)
    return number, kinds.index(item.collection), item.output_path


def _groups(ordered: list[SearchItem], council_number: dict[str, int], kinds: list[str]) -> list[
    int
]:  # fmt: skip
    """[first document, kind, council or -1, ...]: each run of one council and kind."""
    groups: list[int] = []
    last: tuple[int, int] | None = None
    for number, item in enumerate(ordered):
        council, kind, _ = _place(item, council_number, kinds)
        here = (kind, council if council < len(council_number) else -1)
        if here != last:
            groups.extend((number, *here))
            last = here
    return groups


def term_weights(fields: Iterable[tuple[int, str]], vocabulary: set[str]) -> dict[str, int]:
    """Each term of a record's (weight, text) fields with its weight: how often, and in
    which fields. The words themselves, before stemming, are added to `vocabulary`."""
    weights: dict[str, int] = {}
    for weight, text in fields:
        counts = Counter(st.words(text))
        vocabulary.update(counts)
        per_term: dict[str, int] = {}
        for word, count in counts.items():  # each distinct word stemmed once
            term = st.stem(word)
            per_term[term] = per_term.get(term, 0) + count
        for term, count in per_term.items():
            weights[term] = weights.get(term, 0) + weight * min(count, MOST_PER_FIELD)
    return weights


def _fields(inputs: SearchInput, passages: list[str]) -> Iterator[tuple[int, str]]:
    """(weight, text) of every field of the record a reader might search for."""
    yield COUNCIL_NAME_WEIGHT if inputs.is_council else TITLE_WEIGHT, inputs.title
    yield from ((TITLE_WEIGHT, alias) for alias in inputs.aliases)
    if inputs.council is not None:
        yield NAME_WEIGHT, inputs.council
    for title, aliases in inputs.cases:  # the names of the cases a judgement concerns
        yield NAME_WEIGHT, title
        yield from ((NAME_WEIGHT, alias) for alias in aliases)
    yield from ((TEXT_WEIGHT, detail) for detail in inputs.details)
    yield from ((TEXT_WEIGHT, passage) for passage in passages)


def _cases_concerned(page: RecordPage) -> list[m.Case]:
    """The listed cases a judgement concerns."""
    if not isinstance(page.record, m.Inspection):
        return []
    return [c for c in page.related.cases if isinstance(c, m.Case) and not c.is_withdrawn]


def _passages(inputs: SearchInput) -> Iterator[str]:
    """The record's text, field by field: its Markdown fields shown as text (findings,
    proceedings: their text, not their links), then its body; whitespace made single spaces."""
    for text_html in inputs.texts_html:
        text = _SPACE.sub(" ", st.plain_text(text_html)).strip()
        if text:
            yield text


def _document(inputs: SearchInput, texts: list[str]) -> list[object]:
    """[address, title, passages]: what a result shows, its excerpt taken from the passages."""
    passages: list[str] = []
    room = PASSAGE_CHARACTERS
    if inputs.cases:  # why a judgement is found by a case's other names
        passages.append("Concerns the case of " + "; ".join(map(_case_named, inputs.cases)) + ".")
    for passage in texts:
        if room <= 0:
            break
        passages.append(passage[:room])
        room -= len(passage)
    return [inputs.address, inputs.title, passages or [_SPACE.sub(" ", inputs.description).strip()]]


def _case_named(case: tuple[str, tuple[str, ...]]) -> str:
    """'Peter Connelly ("Baby P"), also called Baby P or Baby Peter'."""
    title, aliases = case
    return title + (", also called " + " or ".join(aliases) if aliases else "")


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
