"""The compiled schema check (jsonschema-rs) never passes what jsonschema would refuse.

validate.py asks jsonschema-rs first and takes its yes; only a no goes on to jsonschema, which
finds the problems and words them. So a record is wrongly accepted if and only if the fast
check says yes where jsonschema says no: these tests look for such a record, in every content
file we ship and in many mutations of valid records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import MINIMAL, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder import validate
from site_builder.blanks import drop_blank_fields
from site_builder.load import RawRecord, read_record

CONTENT_FOLDERS = [REPO / "content", MINIMAL]


def fields_of(content_dir: Path) -> list[tuple[RawRecord, dict[str, Any]]]:
    """Each record file's fields as the validate stage checks them."""
    found = []
    for path in sorted(content_dir.rglob("*")):
        if path.suffix not in {".md", ".yaml", ".yml"}:
            continue
        raw = read_record(path, content_dir, path.read_bytes())
        if isinstance(raw, RawRecord):
            found.append((raw, drop_blank_fields(raw, validate.coerce_text_scalars(raw))[0]))
    return found


def verdicts(collection: str, fields: Any) -> tuple[bool, bool]:
    """(the fast check's answer, jsonschema's answer)."""
    fast = validate._FAST_VALIDATORS[collection].is_valid(fields)
    return fast, validate._VALIDATORS[collection].is_valid(fields)


@pytest.mark.parametrize("content_dir", CONTENT_FOLDERS, ids=["default", "minimal"])
def test_both_checks_agree_on_every_content_file(content_dir: Path) -> None:
    records = fields_of(content_dir)
    assert len(records) >= 20
    for raw, fields in records:
        assert verdicts(raw.collection, fields) == (True, True), raw.path


VALID = {raw.collection: fields for raw, fields in fields_of(REPO / "content")}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["", " ", "2008", "2008-02", "2008-02-30", "2024-02-29", "1999-13",
                     "E08000025", "E08000025\n", "E0800002", "330", "033\n", "https://x.org/",
                     "https://x.org", "http://", "javascript:alert(1)", "a@b.co", "a@b",
                     "good", "inadequate", "scr", "died", "unitary", "London", "\u00a0"]),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def mutate(fields: Any, path: list[int], value: Any, delete: bool) -> Any:
    """The fields with one value somewhere inside replaced (or removed)."""
    if not path or not isinstance(fields, (dict, list)) or not fields:
        return value
    keys = list(fields) if isinstance(fields, dict) else list(range(len(fields)))
    key = keys[path[0] % len(keys)]
    copy = dict(fields) if isinstance(fields, dict) else list(fields)
    if delete and len(path) == 1:
        del copy[key]
    else:
        copy[key] = mutate(copy[key], path[1:], value, delete)  # type: ignore[index]
    return copy


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    collection=st.sampled_from(sorted(VALID)),
    path=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=4),
    value=values,
    delete=st.booleans(),
)
def test_the_fast_check_never_passes_what_jsonschema_refuses(
    collection: str, path: list[int], value: Any, delete: bool
) -> None:
    fields = mutate(VALID[collection], path, value, delete)
    fast, thorough = verdicts(collection, fields)
    assert thorough or not fast, fields


class SaysYes:
    def is_valid(self, fields: Any) -> bool:
        return True


def test_the_search_finds_a_fast_check_that_passes_too_much(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(validate, "_FAST_VALIDATORS", dict.fromkeys(VALID, SaysYes()))
    with pytest.raises(AssertionError):
        test_the_fast_check_never_passes_what_jsonschema_refuses()
