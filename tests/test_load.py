"""Loading: text forms that must read the same, and files that must be refused."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TEMPLATES, MakeSite

from site_builder.cli import main
from site_builder.yamlsafe import parse_yaml

CASE = "---\ntitle: Child C\nname_status: pseudonym\nauthority: northtown\nharm: died\nsources: [report-a]\n---\nSome *text*.\n"


def build(output: str) -> int:
    return main(
        ["build", "--content", "content", "--templates", str(TEMPLATES), "--output", output]
    )


def test_bom_and_crlf_read_the_same_as_plain_lf(make_site: MakeSite) -> None:
    content = make_site({"cases/child-c.md": CASE})
    assert build("plain") == 0
    (content / "cases/child-c.md").write_bytes(
        b"\xef\xbb\xbf" + CASE.replace("\n", "\r\n").encode()
    )
    assert build("bom") == 0
    page = "cases/child-c/index.html"
    assert Path("plain", page).read_bytes() == Path("bom", page).read_bytes()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "---\ntitle: a\x00b\n---\n",
            "content/cases/child-c.md:2: control or invisible formatting character U+0000 not allowed; remove it",
        ),
        (
            "---\ntitle: Child\u202eC\n---\n",
            "content/cases/child-c.md:2: control or invisible formatting character U+202E not allowed; remove it",
        ),
        (
            "---\ntitle: x\n\tharm: died\n---\n",
            "content/cases/child-c.md:3: tabs cannot indent YAML; use spaces",
        ),
        (
            "no front matter\n",
            "content/cases/child-c.md:1: missing front matter: a .md record starts with a '---' line",
        ),
        ("---\n---\n", "content/cases/child-c.md:2: expected a mapping of fields, found nothing"),
        (
            "---\ntitle: " + "[" * 50 + "\n---\n",
            "content/cases/child-c.md:2: YAML nested too deeply (limit 20)",
        ),
        (
            "---\n<<: {title: x}\n---\n",
            "content/cases/child-c.md:2: YAML merge keys (<<) are not allowed; write the fields out",
        ),
        (
            "---\nvalue: .nan\n---\n",
            "content/cases/child-c.md:2: '.nan' is not a finite number; quote it if it is text",
        ),
    ],
)
def test_unreadable_files_are_reported_with_their_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    make_site({"cases/child-c.md": text})
    assert main(["check", "--content", "content"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == message


def test_editor_junk_is_skipped_but_other_stray_files_are_errors(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = {"cases/.child-a.md.swp": "junk", "cases/child-a.md~": "junk", "cases/.#child-a.md": "x",
            ".DS_Store": "x"}  # fmt: skip
    make_site({**junk, "cases/.hidden.md": "---\ntitle: x\n---\n", "cases/notes.txt": "x"})
    assert main(["check", "--content", "content"]) == 1
    assert capsys.readouterr().err.splitlines()[:-1] == [
        (
            "content/cases/.hidden.md:1: file name '.hidden' is not a valid slug: use lowercase letters, "
            "digits and hyphens, starting with a letter or digit (at most 100 characters)"
        ),
        "content/cases/notes.txt:1: 'notes.txt' is not a record: expected <slug>.md or .yaml",
    ]


def test_a_file_over_the_size_limit_is_refused_without_being_read_whole(
    make_site: MakeSite,
) -> None:
    """A file that grows to a sparse 4 GiB after a build, checked and built again under a
    1.5 GiB memory limit: reading it whole, or hashing it for the cache, would fail."""
    content = make_site({"sources/huge.yaml": "title: T\nkind: news\npublished: '2020'\n"})
    assert build("out") == 0
    with open(content / "sources" / "huge.yaml", "wb") as huge:
        huge.truncate(4 * 1024**3)

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024**2, resource.RLIM_INFINITY))

    build_options = ["--templates", str(TEMPLATES), "--output", "out"]
    for command in ("check", "build"):
        result = subprocess.run(
            [sys.executable, "-m", "site_builder", command, "--content", "content",
             *(build_options if command == "build" else [])],
            capture_output=True, text=True, preexec_fn=limit_memory, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        assert result.stderr.splitlines() == [
            "content/sources/huge.yaml:1: file is larger than 2048 KiB",
            "1 error; nothing was written",
        ]


def first_error(text: str, make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> str:
    make_site({"cases/child-c.md": text})
    assert main(["check", "--content", "content"]) == 1
    return capsys.readouterr().err.splitlines()[0]


HASH_IN_TITLE = CASE.replace("title: Child C", "title: Sandwell review #2 of 2008")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HASH_IN_TITLE,
            (
                "content/cases/child-c.md:2: ' #' starts a comment, so the value stops at "
                "'Sandwell review': if the '#' belongs to the value, quote it whole (\"Sandwell review "
                '#2 of 2008"); else put the comment on a line of its own'
            ),
        ),
        (
            CASE.replace("harm: died", "harm: died\nage: # 17 months"),
            (
                "content/cases/child-c.md:6: "
                "' #' starts a comment, so the value is left blank: if the '#' belongs to the value, "
                'quote it whole ("# 17 months"); else put the comment on a line of its own'
            ),
        ),
        (
            CASE.replace("sources: [report-a]", "sources:\n  - report-a # the review"),
            (
                "content/cases/child-c.md:7: ' #' starts a comment, so the value stops at 'report-a': "
                "if the '#' belongs to the value, quote it whole (\"report-a # the review\"); else put "
                "the comment on a line of its own"
            ),
        ),
    ],
)
def test_a_comment_after_an_unquoted_value_is_refused_with_advice_to_quote(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    assert first_error(text, make_site, capsys) == message


def test_comments_on_their_own_line_after_quotes_or_after_a_block_key_are_allowed(
    make_site: MakeSite,
) -> None:
    text = CASE.replace(
        "title: Child C", '# the review\'s own name\ntitle: "Sandwell review #2 of 2008"  # quoted'
    )
    text = text.replace(
        "sources: [report-a]", "sources: # block value\n  # own line\n  - 'report-a' # quoted"
    )
    make_site({"cases/child-c.md": text})
    assert build("out") == 0
    assert "<h1>Sandwell review #2 of 2008</h1>" in Path("out/cases/child-c/index.html").read_text()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CASE.replace("harm: died", "\tharm: died"), "content/cases/child-c.md:5: tabs cannot indent YAML; use spaces"),
        (CASE.replace("sources: [report-a]", "sources:\n\t- report-a"), "content/cases/child-c.md:7: tabs cannot indent YAML; use spaces"),
        (CASE.replace("title: Child C", "title: Review: the findings"), "content/cases/child-c.md:2: quote a value that contains ': ' (YAML reads a colon and a space as a new field), e.g. title: \"Review: the findings\""),
        (CASE.replace("title: Child C", 'title: "Sandwell" review of 2008'), "content/cases/child-c.md:2: text follows the closing quote of a quoted value: if the quote marks belong to the value, quote it whole with the other kind, e.g. '\"Sandwell\" review of 2008'"),
        (CASE.replace("title: Child C", 'title: "Sandwell review of 2008'), "content/cases/child-c.md:2: the quoted value that starts on this line is never closed: end it with the same quote mark it starts with"),
        (CASE.replace("title: Child C", 'title: "Sandwell review\ncontent_note: "Hard reading"'), "content/cases/child-c.md:2: the quoted value that starts on this line runs on to line 3, where text follows its closing quote: check its quote marks (inside double quotes write \\\", inside single quotes write '')"),
    ],
)  # fmt: skip
def test_tabs_colons_and_broken_quotes_are_explained_at_the_line_to_fix(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    assert first_error(text, make_site, capsys) == message


@pytest.mark.parametrize("number", ["9" * 5000, "0x" + "f" * 5000, "1_" * 2500, "-" + "1" * 101])
def test_a_number_thousands_of_digits_long_is_refused_with_its_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], number: str
) -> None:
    text = CASE.replace("harm: died", f"harm: died\nage: {number}")
    assert first_error(text, make_site, capsys) == (
        f"content/cases/child-c.md:6: a number {len(number)} characters long is too long to be "
        "a count, a value or an age; quote it if it is text"
    )


def test_line_numbers_of_a_large_record_are_found_without_rescanning_the_file() -> None:
    """A 1.5 MB record of 34,000 lines took 50 s here (103 s in the audit) when each value's
    line was counted from the top of the file; once found once, it parses in about a second."""
    notes = "".join(f"  note{n:06d}: some editor note number {n}\n" for n in range(34_000))
    text = "title: Big\nkind: news\npublished: '2020'\nprivate:\n" + notes
    started = time.perf_counter()
    parsed = parse_yaml(text)
    assert time.perf_counter() - started < 15
    assert parsed.lines[("private", "note033999")] == 34_004


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CASE.replace("title: Child C", 'title: "Child\\uFFFEC"'), "content/cases/child-c.md:2: non-character U+FFFE not allowed (no XML file, a feed say, can hold it); remove it"),
        (CASE.replace("title: Child C", 'title: "Child\\uFFFFC"'), "content/cases/child-c.md:2: non-character U+FFFF not allowed (no XML file, a feed say, can hold it); remove it"),
        (CASE.replace("title: Child C", "title: Child\ufffeC"), "content/cases/child-c.md:2: non-character U+FFFE not allowed (no XML file, a feed say, can hold it); remove it"),
        (CASE.replace("title: Child C", "title: Child\x85C"), "content/cases/child-c.md:2: control or invisible formatting character U+0085 not allowed; remove it"),
        (CASE.replace("Some *text*.", "Some\n\ntext \uffff."), "content/cases/child-c.md:10: non-character U+FFFF not allowed (no XML file, a feed say, can hold it); remove it"),
        (CASE.replace("Some *text*.", "Some\ntext \x9b2J."), "content/cases/child-c.md:9: control or invisible formatting character U+009B not allowed; remove it"),
        (CASE.replace("Some *text*.", "Some text\ufeff."), "content/cases/child-c.md:8: control or invisible formatting character U+FEFF not allowed; remove it"),
    ],
)  # fmt: skip
def test_characters_no_xml_file_can_hold_and_c1_controls_are_refused_with_their_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    assert first_error(text, make_site, capsys) == message
