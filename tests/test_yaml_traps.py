"""YAML traps (HOSTILE-INPUTS Y1-Y12): plain data only, nothing guessed, every refusal located."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import MINIMAL, REPO, Run, build, check, make_site, tree_hash

CASE = (MINIMAL / "cases/child-b.md").read_text()
AUTHORITY = (MINIMAL / "authorities/northtown.yaml").read_text()
BODY = (MINIMAL / "bodies/northtown-scb.yaml").read_text()


def with_line(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def check_files(tmp_path: Path, files: dict[str, str | bytes | None]) -> Run:
    return check(make_site(tmp_path, files))


def assert_error(run: Run, location: str, *words: str) -> None:
    assert run.status == 1, run.stderr
    lines = [line for line in run.stderr.splitlines() if location in line]
    assert lines, f"no error at {location}: {run.stderr}"
    for word in words:
        assert any(word in line for line in lines), f"{word!r} not in {lines}"


# --- Y1: tags never run code ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    ["!!python/object/apply:os.system ['touch {canary}']", "!!python/object/new:os.system ['x']",
     "!!python/name:os.system", "!!python/module:os", "!custom thing", "!!binary aGVsbG8=",
     "!!set {a, b}", "!!omap [a: 1]", "!<tag:example.com,2000:x> y"],
)  # fmt: skip
def test_yaml_tags_are_refused_with_their_line_and_run_nothing(tmp_path: Path, tag: str) -> None:
    canary = tmp_path / "canary"
    text = with_line(CASE, "title: Child B", "title: " + tag.replace("{canary}", str(canary)))
    run = check_files(tmp_path, {"cases/child-b.md": text})
    assert_error(run, "cases/child-b.md:2: ", "tag")
    assert not canary.exists()


def test_the_generator_never_calls_an_unsafe_yaml_loader() -> None:
    unsafe = re.compile(r"yaml\.(load|load_all|full_load|unsafe_load)\(|FullLoader|UnsafeLoader|"
                        r"Loader=yaml\.Loader|yaml\.Loader\b")  # fmt: skip
    found = [
        f"{path.name}:{n}"
        for path in sorted((REPO / "site_builder").rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if unsafe.search(line)
    ]
    assert found == []


# --- Y2, Y12: anchors, aliases and merge keys --------------------------------------------------


def test_a_billion_laughs_bomb_is_refused_at_its_first_anchor(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    text = "\n".join(lines) + "\n"
    run = check_files(tmp_path, {"authorities/bomb.yaml": text})
    assert_error(run, "authorities/bomb.yaml:1: ", "anchors and aliases")


def test_a_merge_key_through_an_alias_is_refused(tmp_path: Path) -> None:
    text = "base: &base {kind: county}\nname: X\n<<: *base\n"
    run = check_files(tmp_path, {"authorities/merge.yaml": text})
    assert_error(run, "authorities/merge.yaml:1: ", "anchors and aliases")


def test_a_merge_key_without_an_alias_is_refused(tmp_path: Path) -> None:
    text = with_line(
        AUTHORITY, "region: North West\n", "region: North West\n<<: {dfe_code: '123'}\n"
    )
    run = check_files(tmp_path, {"authorities/northtown.yaml": text})
    assert_error(run, "authorities/northtown.yaml:4: ", "merge keys")


# --- Y3: duplicate keys ------------------------------------------------------------------------


def test_a_duplicate_top_level_field_is_refused_naming_both_lines(tmp_path: Path) -> None:
    text = with_line(
        CASE, "harm: seriously_harmed\n", "harm: seriously_harmed\nauthority: southtown\n"
    )
    run = check_files(tmp_path, {"cases/child-b.md": text})
    assert_error(run, "cases/child-b.md:6: ", "duplicate field 'authority' (first at line 4)")


def test_a_duplicate_nested_field_is_refused(tmp_path: Path) -> None:
    text = with_line(
        CASE, "    status: rerun_ordered\n", "    status: rerun_ordered\n    status: published\n"
    )
    run = check_files(tmp_path, {"cases/child-b.md": text})
    assert_error(run, "cases/child-b.md:11: ", "duplicate field 'status'")


# --- Y4: YAML 1.1 guesses in text fields stay text as written ---------------------------------


TEXT_TRAPS = ["NO", "no", "on", "Off", "yes", "y", "1.10", "012", "12:30", "1:30:00", "0x1A",
              "0o17", "1_000", "+12", "1e3", "2024-01-05", "2024-02-30", "true", "3"]  # fmt: skip
AGE_TRAPS = ["012", "12:30", "0x1A", "1_0", "+3", "1.10"]


@pytest.fixture(scope="module")
def trap_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One site with a case for every trap, built once: its output folder."""
    files: dict[str, str | bytes | None] = {}
    for n, written in enumerate(TEXT_TRAPS):
        files[f"cases/title-{n}.md"] = with_line(CASE, "title: Child B", f"title: {written}")
    for n, written in enumerate(AGE_TRAPS):
        age = f"harm: seriously_harmed\nage: {written}"
        files[f"cases/age-{n}.md"] = with_line(CASE, "harm: seriously_harmed", age)
    folder = tmp_path_factory.mktemp("traps")
    run = build(make_site(folder, files), folder / "output")
    assert run.status == 0, run.stderr
    return folder / "output"


def published_case(output: Path, slug: str) -> dict[str, Any]:
    rows = json.loads((output / "data/cases.json").read_text())
    rows = rows["records"] if isinstance(rows, dict) else rows
    found: dict[str, Any] = next(row for row in rows if row["slug"] == slug)
    return found


@pytest.mark.parametrize("written", TEXT_TRAPS)
def test_an_unquoted_trap_in_a_text_field_stays_text_as_written(
    trap_site: Path, written: str
) -> None:
    slug = f"title-{TEXT_TRAPS.index(written)}"
    assert published_case(trap_site, slug)["title"] == written
    assert f"<h1>{written}</h1>" in (trap_site / f"cases/{slug}/index.html").read_text()


@pytest.mark.parametrize("written", AGE_TRAPS)
def test_a_number_not_written_plainly_in_a_number_or_text_field_stays_as_written(
    trap_site: Path, written: str
) -> None:
    assert published_case(trap_site, f"age-{AGE_TRAPS.index(written)}")["age"] == written


def test_a_plain_whole_number_in_a_number_or_text_field_stays_a_number(tmp_path: Path) -> None:
    text = with_line(CASE, "harm: seriously_harmed", "harm: seriously_harmed\nage: 7")
    output = tmp_path / "output"
    assert build(make_site(tmp_path, {"cases/child-b.md": text}), output).status == 0
    assert published_case(output, "child-b")["age"] == 7


@pytest.mark.parametrize("written", ["012", "0x10", "1:30", "1_000", "+5", "1e3", "'12'"])
def test_a_count_not_written_in_plain_digits_is_refused_never_misread(
    tmp_path: Path, written: str
) -> None:
    text = with_line(AUTHORITY, "    value: 1200", f"    value: {written}")
    run = check_files(tmp_path, {"authorities/northtown.yaml": text})
    assert_error(run, "authorities/northtown.yaml:8: ", "expected a whole number", "plain digits")


def test_a_grade_count_not_written_in_plain_digits_is_refused(tmp_path: Path) -> None:
    path = "inspections/northtown-scr-evaluations.yaml"
    text = with_line((MINIMAL / path).read_text(), "inadequate: 3", "inadequate: 03")
    run = check_files(tmp_path, {path: text})
    assert_error(run, f"{path}:", "'03'")


@pytest.mark.parametrize("written", ["NO", "off", "y", "false"])
def test_a_bare_yes_or_no_in_a_field_of_words_is_refused_or_kept_never_made_a_boolean(
    tmp_path: Path, written: str
) -> None:
    text = with_line(CASE, "harm: seriously_harmed", f"harm: {written}")
    run = check_files(tmp_path, {"cases/child-b.md": text})
    assert_error(run, "cases/child-b.md:5: ", f"'{written}' is not allowed")


@pytest.mark.parametrize("written", ["'true'", "Y", "n", "1"])
def test_a_boolean_field_takes_only_true_or_false(tmp_path: Path, written: str) -> None:
    text = with_line(BODY, "    independent: true", f"    independent: {written}")
    run = check_files(tmp_path, {"bodies/northtown-scb.yaml": text})
    assert_error(run, "bodies/northtown-scb.yaml:7: ", "expected true or false")


@pytest.mark.parametrize("written", [".inf", "-.Inf", ".nan", ".NaN"])
def test_infinity_and_not_a_number_are_refused_with_a_hint_to_quote(
    tmp_path: Path, written: str
) -> None:
    text = with_line(CASE, "title: Child B", f"title: {written}")
    run = check_files(tmp_path, {"cases/child-b.md": text})
    assert_error(run, "cases/child-b.md:2: ", "not a finite number", "quote it")


@pytest.mark.parametrize("written", ["~", "null", ""])
def test_an_empty_required_text_field_is_refused(tmp_path: Path, written: str) -> None:
    text = with_line(CASE, "title: Child B", f"title: {written}")
    run = check_files(tmp_path, {"cases/child-b.md": text})
    assert_error(run, "cases/child-b.md:2: ", "field 'title'")


# --- Y5: dates ------------------------------------------------------------------------------


def test_a_date_quoted_or_not_gives_the_same_site(tmp_path: Path) -> None:
    hashes = []
    for n, date in enumerate(['"2019-02-01"', "2019-02-01"]):
        text = with_line(CASE, "harm: seriously_harmed", f"harm: seriously_harmed\ndate: {date}")
        content = make_site(tmp_path / str(n), {"cases/child-b.md": text})
        assert build(content, tmp_path / str(n) / "output").status == 0
        hashes.append(tree_hash(tmp_path / str(n) / "output"))
    assert hashes[0] == hashes[1]


@pytest.mark.parametrize(
    "written",
    ["2024-02-30", "05/01/2024", "2024-13", "2024-1-5", "20240105", "1066", "2024-02-29T10:00"],
)
def test_an_impossible_or_ambiguous_date_is_refused_with_its_line(
    tmp_path: Path, written: str
) -> None:
    text = with_line(CASE, "harm: seriously_harmed", f"harm: seriously_harmed\ndate: {written}")
    run = check_files(tmp_path, {"cases/child-b.md": text})
    assert_error(run, "cases/child-b.md:6: ", "field 'date'")


# --- Y6, Y7, Y8: tabs, BOM and line ends, encodings ------------------------------------------


def test_a_tab_used_for_indentation_is_refused_with_its_line(tmp_path: Path) -> None:
    text = with_line(AUTHORITY, "  - metric:", "\t- metric:")
    run = check_files(tmp_path, {"authorities/northtown.yaml": text})
    assert_error(run, "authorities/northtown.yaml:7: ", "tabs cannot indent YAML; use spaces")


def test_a_bom_and_crlf_line_ends_build_the_same_site_as_plain_lf(tmp_path: Path) -> None:
    hashes = []
    for n, text in enumerate([CASE, "\ufeff" + CASE.replace("\n", "\r\n"), CASE.rstrip("\n")]):
        content = make_site(tmp_path / str(n), {"cases/child-b.md": text})
        assert build(content, tmp_path / str(n) / "output").status == 0
        hashes.append(tree_hash(tmp_path / str(n) / "output"))
    assert hashes[0] == hashes[1] == hashes[2]


@pytest.mark.parametrize(
    ("raw", "line"),
    [(CASE.replace("Child B", "Caf\xe9").encode("latin-1"), 2),
     (CASE.encode("utf-16"), 1), (b"---\ntitle: ok\n---\n\xff\xfe body", 4)],
)  # fmt: skip
def test_text_that_is_not_utf8_is_refused_with_its_line(
    tmp_path: Path, raw: bytes, line: int
) -> None:
    run = check_files(tmp_path, {"cases/child-b.md": raw})
    assert_error(run, f"cases/child-b.md:{line}: ", "not valid UTF-8")


# --- Y9: size and depth --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [("a: " + "[" * 10_000 + "]" * 10_000 + "\n", "nested too deeply"),
     ("a:\n  " + "- " * 30_000 + "x\n", "nested too deeply"),  # crashed libyaml's composer
     ("".join(" " * n + f"k{n}:\n" for n in range(60)) + " " * 60 + "v\n", "nested too deeply"),
     ("a: " + "{b: " * 5_000 + "c" + "}" * 5_000 + "\n", "nested too deeply"),
     ("title: " + "x" * (3 * 1024 * 1024) + "\n", "larger than")],
)  # fmt: skip
def test_deep_or_huge_yaml_is_refused_without_a_crash(
    tmp_path: Path, text: str, words: str
) -> None:
    run = check_files(tmp_path, {"authorities/deep.yaml": text})
    assert_error(run, "authorities/deep.yaml:", words)


def test_deep_block_nesting_in_front_matter_is_refused_without_a_crash(tmp_path: Path) -> None:
    """`- - - ...` 25,000 deep fits in 64 KiB of front matter and crashed the process."""
    text = "---\ntitle: x\nreviews:\n  " + "- " * 30_000 + "x\n---\n"
    run = check_files(tmp_path, {"cases/child-b.md": text})
    assert_error(run, "cases/child-b.md:4: ", "nested too deeply")


def test_front_matter_over_its_limit_is_refused(tmp_path: Path) -> None:
    text = "---\ntitle: " + "x" * (65 * 1024) + "\n---\nbody\n"
    run = check_files(tmp_path, {"cases/child-b.md": text})
    assert_error(run, "cases/child-b.md:1: ", "front matter is larger than")


# --- Y10: fences and the shape of front matter -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [("title: x\n", 1, "missing front matter"), ("---\ntitle: x\n", 1, "not closed"),
     ("---\n---\nbody\n", 2, "found nothing"), ("---\n- a\n- b\n---\n", 2, "found list"),
     ("---\njust text\n---\n", 2, "found str"), ("", 1, "missing front matter"),
     ("\n---\ntitle: x\n---\n", 1, "missing front matter")],
)  # fmt: skip
def test_front_matter_that_is_missing_unclosed_or_not_a_mapping_is_refused(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    run = check_files(tmp_path, {"cases/child-b.md": text})
    assert_error(run, f"cases/child-b.md:{line}: ", words)


def test_an_empty_yaml_record_is_refused(tmp_path: Path) -> None:
    run = check_files(tmp_path, {"authorities/southtown.yaml": ""})
    assert_error(run, "authorities/southtown.yaml:1: ", "expected a mapping of fields")


# --- Y11: unknown fields -------------------------------------------------------------------------


def test_a_misspelt_field_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    text = with_line(CASE, "authority: northtown", "authorty: northtown")
    run = check_files(tmp_path, {"cases/child-b.md": text})
    assert_error(
        run, "cases/child-b.md:4: ", "unknown field 'authorty' (did you mean 'authority'?)"
    )


# --- M8 through YAML escapes: control and invisible characters --------------------------------


@pytest.mark.parametrize(
    ("escape", "code"),
    [("\\e[2J", "U+001B"), ("\\u202e", "U+202E"), ("\\0", "U+0000"), ("\\u200b", "U+200B"),
     ("\\N", "U+0085"), ("\\r", "U+000D"), ("\\x9b", "U+009B"), ("\\ufeff", "U+FEFF")],
)  # fmt: skip
def test_a_control_character_written_as_an_escape_is_refused_with_its_line(
    tmp_path: Path, escape: str, code: str
) -> None:
    text = with_line(CASE, "title: Child B", f'title: "Child{escape}B"')
    run = check_files(tmp_path, {"cases/child-b.md": text})
    assert_error(run, "cases/child-b.md:2: ", f"character {code} not allowed")


def test_a_control_character_in_a_field_name_is_refused_and_shown_escaped(tmp_path: Path) -> None:
    text = with_line(CASE, "title: Child B", 'title: Child B\n"x\\x1Ey": 1')
    run = check_files(tmp_path, {"cases/child-b.md": text})
    assert_error(run, "cases/child-b.md:3: ", "U+001E")
    assert "\x1e" not in run.stderr


def test_tabs_and_line_breaks_in_text_are_kept(tmp_path: Path) -> None:
    text = with_line(
        CASE, "harm: seriously_harmed", 'harm: seriously_harmed\nproceedings: "a\\tb\\nc"'
    )
    output = tmp_path / "output"
    assert build(make_site(tmp_path, {"cases/child-b.md": text}), output).status == 0
    assert published_case(output, "child-b")["proceedings"] == "a\tb\nc"
