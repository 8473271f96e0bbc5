"""The open data is joined from each record's fragment; an edit makes again only its own."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from helpers import TEMPLATES, make_site

from site_builder.config import SiteConfig
from site_builder.link import Site
from site_builder.pipeline import check_site
from site_builder.render import render_data
from site_builder.render.data import JsonItems, JsonText, to_json
from site_builder.render.data_rows import row_fragment
from site_builder.score import score_authorities

ROWS = [{"slug": "a", "tags": ["x", {"y": []}], "note": "line\nbreak"}, {"slug": "b"}]
CARD = {"name": "Northtown", "figures": {"reviews": {"value": 3, "at_least": False}}, "notes": []}


class RecordingMemo:
    """Keeps each value by function and pickled inputs, as the build cache does, and counts
    the values it had to make."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, bytes], Any] = {}
        self.made: list[str] = []

    def __call__(self, function: Callable[[Any], Any], items: Sequence[Any], /) -> list[Any]:
        return [self.one(function, inputs) for inputs in items]

    def one(self, function: Callable[[Any], Any], inputs: Any) -> Any:
        key = (function.__qualname__, pickle.dumps(inputs))
        if key not in self.values:
            self.values[key] = function(inputs)
            self.made.append(function.__qualname__)
        return self.values[key]


def site_of(content: Path) -> Site:
    config = SiteConfig(content, TEMPLATES, content.parent / "out", today=dt.date(2025, 11, 22))
    return check_site(config)[0]


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")


@pytest.mark.parametrize(
    "document",
    [
        {"records": ROWS},
        {"count": 0, "records": []},
        {"name": "n", "records": {"cases": ROWS, "bodies": []}, "scorecard": CARD},
        {"northtown": CARD, "southtown": CARD},
    ],
)
def test_joined_json_is_byte_for_byte_what_json_dumps_writes(document: dict[str, Any]) -> None:
    def joined(value: Any) -> Any:
        if value is CARD:
            return JsonText(json.dumps(value, ensure_ascii=False, indent=2).encode())
        if isinstance(value, dict):
            return {key: joined(v) for key, v in value.items()}
        if value is ROWS or value == []:
            return JsonItems(
                [json.dumps(row, ensure_ascii=False, indent=2).encode() for row in value]
            )
        return value

    expected = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
    assert to_json(joined(document)) == expected


def test_an_edit_makes_again_only_the_rows_it_changed_and_the_files_match_a_fresh_render(
    tmp_path: Path,
) -> None:
    content = make_site(tmp_path)
    site = site_of(content)
    memo = RecordingMemo()
    dict(render_data(site, score_authorities(site), memo))
    assert memo.made
    edit(content / "cases" / "child-a.md", "\n---\n", "\n---\nAn added line.\n")
    edited = site_of(content)
    memo.made.clear()
    files = dict(render_data(edited, score_authorities(edited), memo))
    assert memo.made == [row_fragment.__qualname__]
    assert files == dict(render_data(edited, score_authorities(edited)))


def test_a_new_site_address_makes_every_row_again(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    site = site_of(content)
    memo = RecordingMemo()
    dict(render_data(site, score_authorities(site), memo))
    edit(content / "site.yaml", "https://fixture.example/", "https://moved.example/")
    edited = site_of(content)
    rows = len(memo.made)
    memo.made.clear()
    files = dict(render_data(edited, score_authorities(edited), memo))
    assert len(memo.made) == rows
    assert files == dict(render_data(edited, score_authorities(edited)))
    assert b"fixture.example" not in b"".join(files.values())
