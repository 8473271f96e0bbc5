"""The search index's words and files, and the search script's copy of the same rules: the
script in Chromium must fold, stem and find a term's file exactly as the build did."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium
from helpers import MINIMAL, REPO, build
from playwright.sync_api import Page
from search_helpers import STATIC

from site_builder.render import search_shards as sh
from site_builder.render.search_terms import all_words, plain_text, stem, term_key, terms, words

# Words that take each path of the English stemmer, beside the words of the default site.
EDGE_WORDS = """
    a an yes by say sky skies skis news howe andes atlas bias cosmos early gently idly only
    singly ugly dying lying tying flying saying ying inning outing evening canning herring
    earring proceed exceed succeed agreed feed proceedings exceedingly generously generate
    general communism community arsenal university universe later lateral emergency organ
    organise past pastry caresses ponies ties cries gas gaps kiwis us bus crisis hopping
    hoping filing adding added egging odd sized luxuriate troubled hissing fizzed failing
    happy cry by apology analogies biology criticism ability sensibility dependently
    conditional rational relational valency hesitancy digitizer operator callousness
    hopefulness goodness electrical formality triplicate formative formalize electricity
    hopeful allowance inference adjustable defensible activate angularity homologous
    effective bowdlerize adoption revival allowance controller irritant dependent adjustment
    replacement rate cease controll roll enroll elegantly lessly blessedly fully fulli
    analogi ogist geologist sympathetic yay boyish player buyer toying cyan 2019 42nd
    łodz cafe naive ÿes istanbul x1 ii iii iv quietly eedly ingly edly
"""
ALPHABET = "aaabcdeeeefghiiijklmnooopqrsssttuuvwxyyz"
SUFFIXES = ("", "s", "es", "ies", "ied", "ed", "ing", "ingly", "edly", "eed", "ly", "li",
            "ational", "tional", "ization", "ousness", "iveness", "fulness", "alism", "aliti",
            "iviti", "biliti", "ator", "ic", "ance", "ence", "able", "ible", "ate", "ive", "ize",
            "iti", "al", "ism", "ion", "sion", "tion", "er", "ous", "ant", "ent", "ment",
            "ement", "e", "ll", "ness", "ful", "icate", "ative", "alize", "iciti", "ical", "y",
            "ogi", "logi", "ogist", "at", "bl", "iz", "bb", "tt", "ss", "us")  # fmt: skip


def random_words(count: int) -> list[str]:
    """Made-up words, with endings the stemmer takes off, the same every run."""
    rng = random.Random(11)
    made = []
    for _ in range(count):
        start = "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(1, 8)))
        made.append(start + rng.choice(SUFFIXES))
    return made


def default_site_texts() -> Iterator[str]:
    for path in sorted((REPO / "content").rglob("*")):
        if path.is_file() and path.suffix in (".md", ".yaml"):
            yield path.read_text("utf-8")


@pytest.fixture(scope="module")
def script_page() -> Iterator[Page]:
    """A blank page with the search scripts loaded."""
    with chromium() as browser:
        page = browser.new_page()
        for name in ("search-stem.js", "search-index.js"):
            page.add_script_tag(path=str(STATIC / name))
        yield page


def test_the_script_stems_every_word_of_the_default_site_as_the_index_does(
    script_page: Page,
) -> None:
    vocabulary = sorted({w for text in default_site_texts() for w in all_words(text)})
    assert len(vocabulary) > 1000  # the whole default site: its words, not a sample
    checked = sorted({*vocabulary, *EDGE_WORDS.split(), *random_words(20_000)})
    in_script = script_page.evaluate("words => words.map(SafeguardingWatchSearch.stem)", checked)
    differ = [(w, stem(w), s) for w, s in zip(checked, in_script, strict=True) if stem(w) != s]
    assert differ == []
    assert stem("inspected") == stem("inspection") == stem("inspecting") == "inspect"


def test_the_script_folds_text_into_words_as_the_index_does(script_page: Page) -> None:
    texts = [*default_site_texts(), "The Café of NORTHTOWN, 2019-20", "Łódź naïve ÇA"]
    in_script = script_page.evaluate(
        "texts => texts.map(SafeguardingWatchSearch.foldedWords)", texts
    )
    for text, folded in zip(texts, in_script, strict=True):
        assert folded == all_words(text)


def test_words_fold_case_and_accents_drop_stop_words_and_stem() -> None:
    assert words("The Café of NORTHTOWN, 2019-20") == ["cafe", "northtown", "2019", "20"]
    assert terms("Councils inspected the referrals") == ["council", "inspect", "referr"]
    assert term_key("northtown") == "no" and term_key("x") == "x"
    assert term_key(words("Ça")[0]) == "ca"
    assert term_key(words("Łódź")[0]) == "_o"  # ł has no accent to drop
    assert plain_text("<p>See <a href='x'>the <em>re</em>port</a>.</p><p>Next</p>") == (
        " See the report.  Next "
    )


def test_a_large_postings_file_is_split_and_the_script_finds_every_term(
    script_page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    vocabulary = sorted({stem(w) for text in default_site_texts() for w in all_words(text)})
    postings = {term: [1, 1] * (1 + len(term) % 7) for term in vocabulary}
    monkeypatch.setattr(sh, "SHARD_BYTES", 400)
    shards, split = sh.shard_postings(postings)
    assert {t for found in shards.values() for t in found} == set(vocabulary)  # each once
    assert sum(map(len, shards.values())) == len(vocabulary)
    assert any(len(key) >= 3 for key in split)  # split more than once
    where = {term: key for key, found in shards.items() for term in found}
    lookup = script_page.evaluate(
        """([shards, split, terms]) => {
            const index = new SafeguardingWatchSearch.Index("https://example.org/meta.json");
            Object.assign(index, {shards, shardSet: new Set(shards), split: new Set(split)});
            return terms.map(t => [index.shardOf(t), index.shardsFor(t.slice(0, 3))]);
        }""",
        [sorted(shards), split, vocabulary],
    )
    for term, (key, for_prefix) in zip(vocabulary, lookup, strict=True):
        assert key == where[term], term
        assert where[term] in for_prefix, term  # a word typed in part reaches it too
    sizes = [len(json.dumps(found)) for found in shards.values() if len(found) > 1]
    assert max(sizes) < 3 * 400  # a file past the limit holds one term, or terms that stay


def test_a_document_file_holds_the_title_and_passages_of_its_records(tmp_path: Path) -> None:
    assert build(MINIMAL, tmp_path / "out").status == 0
    folder = tmp_path / "out" / "search-index"
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    documents = [d for n in range(len(list(folder.glob("documents-*.json"))))
                 for d in json.loads((folder / f"documents-{n}.json").read_text("utf-8"))]  # fmt: skip
    assert len(documents) == meta["documents"] == 16  # every listed record, none withdrawn
    number = [d[0] for d in documents].index("cases/child-marigold/")
    assert documents[number][1:] == ["Child Marigold",
                                     ["A fixture case known in the press by another name."]]  # fmt: skip
    # Numbered council by council: each council's records are one run of documents.
    councils = [c[0] for c in meta["councils"]]
    groups = meta["groups"]
    runs = [councils[groups[i + 2]] if groups[i + 2] >= 0 else None
            for i in range(0, len(groups), 3)]  # fmt: skip
    named = [run for run in runs if run]
    assert named == sorted(named, key=councils.index)
    assert len(set(named)) == len(councils) == 4
    marigold = json.loads((folder / "terms-ma.json").read_text("utf-8"))["marigold"]
    assert marigold[0] == number  # the first document's number (later ones: the gap)
    assert set(meta["word_lengths"]) == {
        int(p.stem.split("-")[1]) for p in folder.glob("words-*.json")
    }
    assert "eastborough" in json.loads((folder / "words-11.json").read_text("utf-8"))
