"""Property-based fuzzing of check and build: arbitrary bytes, YAML, front matter, Markdown and
mutated copies of valid records.

For every input: check and build raise nothing and exit 0 or 1 (and agree); every error line
reads `path:LINE: message` with a line the file has; a build that fails leaves the previous
output as it was; a built site holds no script, event handler or unsafe URL from content, and
no private note, draft or embargoed record; no staging folder is left behind.

`make test` runs a small budget; `make fuzz` sets HYPOTHESIS_PROFILE=long for a long search and
prints how many inputs were tried. A failing input is kept under .cache/fuzz-failures/; copy it
into tests/fuzz_regressions/ (see its README), where test_fuzz_regressions replays it forever.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import (
    MINIMAL,
    REPO,
    Files,
    build,
    check,
    error_line_problems,
    every_byte,
    make_site,
    record_text,
    scan_output,
    tree_hash,
    write_files,
)
from hypothesis import HealthCheck, currently_in_test_context, given, note, settings
from hypothesis import strategies as st

IS_LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
SCALE = int(os.environ.get("FUZZ_SCALE", "20")) if IS_LONG else 1
FUZZ = settings(
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
REGRESSIONS = Path(__file__).parent / "fuzz_regressions"
FAILURES = REPO / ".cache" / "fuzz-failures"
CANARY = "HIDDENCANARY"  # only ever in private notes, drafts and embargoed records
TRIED: Counter[str] = Counter()


def examples(n: int) -> settings:
    return settings(FUZZ, max_examples=n * SCALE)


# --- running one input and checking every property ------------------------------------------


@pytest.fixture(scope="module")
def output() -> Iterator[Path]:
    """One output folder for the whole module, first built from the minimal fixture, so that
    each failed build can be checked against whatever the last good one left there."""
    with tempfile.TemporaryDirectory(prefix="fuzz-output-") as folder:
        output = Path(folder) / "output"
        content = make_site(Path(folder) / "base")
        assert build(content, output).status == 0
        yield output
    if TRIED:
        total = sum(TRIED.values())
        detail = ", ".join(f"{name} {n}" for name, n in sorted(TRIED.items()))
        print(f"\nfuzz: tried {total} inputs ({detail})", file=sys.stderr)


def run_input(name: str, files: Files, output: Path, base: Path | None = MINIMAL) -> None:
    """Write the input over a copy of the minimal site, then check and build it."""
    TRIED[name] += 1
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        content = make_site(Path(folder), files, base=base)
        with kept_on_failure(name, content):
            assert_properties(content, output)


def assert_properties(content: Path, output: Path, *extra: str) -> None:
    """Check then build content into output, and test every property on the way."""
    checked = check(content, *extra)
    assert checked.status in (0, 1), checked.stderr
    if checked.status == 1:
        assert error_line_problems(checked.stderr) == [], checked.stderr
    before = tree_hash(output)
    built = build(content, output, *extra)
    assert built.status == checked.status, built.stderr
    if built.status == 1:
        assert error_line_problems(built.stderr) == [], built.stderr
        assert tree_hash(output) == before, "a failed build changed the output"
    else:
        assert scan_output(output) == []
        # With --drafts, drafts show and embargoes lift; private notes never show.
        hidden = f"{CANARY} private" if "--drafts" in extra else CANARY
        assert hidden.encode() not in every_byte(output), f"{hidden!r} reached the output"
    assert sorted(p.name for p in output.parent.iterdir() if p.name.startswith(".output.tmp")) == []


@contextmanager
def kept_on_failure(name: str, content: Path) -> Iterator[None]:
    """Keep the content of a failing input where a developer can turn it into a regression."""
    try:
        yield
    except Exception:
        digest = hashlib.sha256(every_byte(content)).hexdigest()[:12]
        kept = FAILURES / f"{name}-{digest}"
        if not kept.exists():
            shutil.copytree(content, kept / "content", symlinks=True)
        if currently_in_test_context():
            note(f"failing content kept in {kept}")
        raise


# --- strategies --------------------------------------------------------------------------------

TARGETS = (
    "site.yaml", "cases/child-a.md", "cases/new-case.md", "authorities/northtown.yaml",
    "sources/report-a.md", "sources/new-source.yaml", "inspections/northtown-2021.yaml",
    "bodies/northtown-scb.yaml", "pages/about.md",
)  # fmt: skip
TRAPS = (
    "yes", "NO", "on", "012", "1.10", "12:30", "0x1A", ".inf", ".nan", "~", "null", "1e3", "-1",
    "2024-02-30", "2019-02-01", "2019", "99999999999999999999", "''", '""', "[]", "{}",
)  # fmt: skip
ODD_CHARACTERS = (
    "\u2028", "\u2029", "\x85", "\ufeff", "\u202e", "\u200b", "\x00", "\x1b", "\x7f", "\r", "\r\n",
    "\t", "\\", "é", "\U0001f4a5", "\ufffd",
)  # fmt: skip
HOSTILE_STRINGS = (
    '"><script>alert(1)</script>', "<img src=x onerror=alert(1)>", "javascript:alert(1)",
    "</script><!--", "{{ 7*7 }}", "=HYPERLINK(\"x\")", "&amp;", "]]>", CANARY[:6],
)  # fmt: skip
FIELD_NAMES = (
    "title", "name", "kind", "region", "gss_code", "sources", "authority", "authorities", "harm",
    "name_status", "status", "private", "date", "age", "reviews", "grade", "count", "grades",
    "url", "judged_by", "published", "embargo_until", "corrections", "responses", "figures",
    "chairs", "cases", "board", "aliases", "naming_basis", "base_url", "description", "<<",
)  # fmt: skip
SLUGS = ("northtown", "southtown", "report-a", "child-a", "northtown-scb", "nowhere", "draft-case")

text_pieces = st.one_of(
    st.text(max_size=8), st.sampled_from(TRAPS), st.sampled_from(ODD_CHARACTERS),
    st.sampled_from(HOSTILE_STRINGS), st.sampled_from(SLUGS),
)  # fmt: skip
short_text = st.lists(text_pieces, max_size=5).map("".join)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), short_text, st.sampled_from(SLUGS),
)  # fmt: skip
keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=6))
plain_data = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)

YAML_TOKENS = (
    "\n", "\n  ", "\n    ", " ", "- ", ": ", "? ", "[", "]", "{", "}", ", ", "&a ", "*a", "!!str ",
    "!!int ", "!!python/name:os.system ", "!x ", "<<: ", "'", '"', "|\n  ", ">-\n  ", "# c",
    "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "\t",
)  # fmt: skip
yaml_text = st.lists(
    st.one_of(st.sampled_from(YAML_TOKENS), st.sampled_from(FIELD_NAMES), text_pieces),
    max_size=60,
).map("".join)

MARKDOWN_TOKENS = (
    "\n", "\n\n", "# ", "## ", "###### ", "> ", ">>>>>>>> ", "- ", "* ", "1. ", "    ", "*", "**",
    "_", "`", "```\n", "~~~\n", "[", "]", "(", ")", "[x](", "](/cases/child-a/)",
    "](../../authorities/northtown/)", "](/methodology/#part)", "](javascript:alert(1))",
    "](JaVaScRiPt:alert(1))", "](java\tscript:x)", "](%6aavascript:x)", "](data:text/html,x)",
    "](vbscript:x)", "](//evil.example/x)", "](https://ok.example/a?b=\"c\")",
    "](mailto:a@b.example)", "](../../../../etc/passwd)", "](/nope/)", "](#top)", ' "title")',
    "<", ">", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</main>", "<!--",
    "-->", "<div>", "<javascript:alert(1)>", "<https://auto.example/>", "<a@b.example>", "&amp;",
    "&#x6a;", "&#0;", "&lt;", "|a|b|\n|-|-|\n|c|d|\n", "![i](x.png)", "[r]: javascript:x\n",
    "[r]: /cases/child-a/\n", "[x][r]", "\\", "---", "***", "  \n", "{{ 7*7 }}", "{% raw %}",
    "<https://ok.example/\">", "*[HTML]: x\n",
)  # fmt: skip
markdown_pieces = st.one_of(st.sampled_from(MARKDOWN_TOKENS), text_pieces)
markdown_text = st.lists(markdown_pieces, max_size=40).map("".join)


def front_matter_of(path: str) -> dict[str, Any]:
    text = (MINIMAL / path).read_text()
    front = text.split("---\n")[1] if path.endswith(".md") else text
    fields: dict[str, Any] = yaml.safe_load(front)
    return fields


RECORDS_WITH_FIELDS = (
    "cases/child-a.md", "authorities/northtown.yaml", "inspections/northtown-2021.yaml",
    "bodies/northtown-scb.yaml", "sources/report-a.md", "site.yaml", "pages/about.md",
)  # fmt: skip


@st.composite
def fuzzed_records(draw: st.DrawFn) -> Files:
    """A valid record with some fields replaced, removed or added; body fuzzed if it has one."""
    path = draw(st.sampled_from(RECORDS_WITH_FIELDS))
    fields = front_matter_of(path)
    for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=2)):
        fields.pop(name, None)
    fields.update(draw(st.dictionaries(keys, plain_data, max_size=3)))
    body = draw(markdown_text) if path.endswith(".md") else None
    try:
        text = record_text(fields, body)
    except (yaml.YAMLError, UnicodeError, ValueError):
        text = f"{fields!r}"
    return {path: text}


@st.composite
def mutated_records(draw: st.DrawFn) -> Files:
    """A copy of a valid record with bytes or lines deleted, inserted, repeated or moved."""
    paths = sorted(p.relative_to(MINIMAL).as_posix() for p in MINIMAL.rglob("*") if p.is_file())
    path = draw(st.sampled_from(paths))
    raw = (MINIMAL / path).read_bytes()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw)))
        end = draw(st.integers(at, min(len(raw), at + 12)))
        operation = draw(
            st.sampled_from(("delete", "insert", "replace", "repeat", "swap", "indent"))
        )
        lines = raw.split(b"\n")
        line = draw(st.integers(0, max(0, len(lines) - 1)))
        if operation == "delete":
            raw = raw[:at] + raw[end:]
        elif operation == "insert":
            piece = draw(st.one_of(text_pieces, st.sampled_from(YAML_TOKENS)))
            raw = raw[:at] + piece.encode("utf-8", "surrogatepass") + raw[at:]
        elif operation == "replace":
            raw = raw[:at] + draw(st.binary(min_size=1, max_size=3)) + raw[end:]
        elif operation == "repeat":
            raw = b"\n".join([*lines[: line + 1], lines[line], *lines[line + 1 :]])
        elif operation == "swap":
            other = draw(st.integers(0, max(0, len(lines) - 1)))
            lines[line], lines[other] = lines[other], lines[line]
            raw = b"\n".join(lines)
        else:
            lines[line] = draw(st.sampled_from((b" ", b"  ", b"\t", b"- "))) + lines[line]
            raw = b"\n".join(lines)
    return {path: raw}


CASE_FIELDS = {
    "name_status": "pseudonym", "authority": "northtown", "harm": "died", "sources": ["report-a"],
}  # fmt: skip


@st.composite
def hidden_records(draw: st.DrawFn) -> tuple[Files, bool]:
    """Cases that are drafts, embargoed, withdrawn or published, each with private notes, some
    cited by an inspection; the canary is only where it must never be published."""
    files: Files = {}
    slugs = []
    for n in range(draw(st.integers(1, 4))):
        status = draw(st.sampled_from(("published", "draft", "withdrawn", None)))
        embargo = draw(st.sampled_from((None, "2000-01-01", "2999-01-01", "2999")))
        is_hidden = status == "draft" or (embargo or "").startswith("2999")
        word = CANARY if is_hidden else "Shown"
        fields: dict[str, Any] = {"title": f"{word} case {n}", **CASE_FIELDS}
        if status:
            fields["status"] = status
        if embargo:
            fields["embargo_until"] = embargo
        if status == "withdrawn" or draw(st.booleans()):
            fields["corrections"] = [{"date": "2020-01-01", "text": f"{word} correction"}]
        fields["private"] = draw(st.dictionaries(
            st.sampled_from(("note", "who", "todo")), st.just(f"{CANARY} private"), min_size=1
        ))  # fmt: skip
        slugs.append(f"hidden-{n}")
        files[f"cases/hidden-{n}.md"] = record_text(fields, f"{word} body of case {n}.\n")
    cited = draw(st.lists(st.sampled_from(slugs), unique=True, max_size=2))
    if cited:
        files["inspections/cites-hidden.yaml"] = record_text({
            "title": "Cites", "authority": "northtown", "judged_by": "Ofsted",
            "kind": "scr_evaluation", "date": "2020", "grade": "good", "cases": cited,
            "sources": ["report-a"],
        })  # fmt: skip
    return files, draw(st.booleans())


# --- the fuzz tests ------------------------------------------------------------------------------


@examples(45)
@given(target=st.sampled_from(TARGETS), raw=st.binary(max_size=400))
def test_arbitrary_bytes_in_a_record_file(output: Path, target: str, raw: bytes) -> None:
    run_input("bytes", {target: raw}, output)


@examples(45)
@given(target=st.sampled_from(TARGETS), text=yaml_text)
def test_arbitrary_yaml_text_in_a_record_file(output: Path, target: str, text: str) -> None:
    front = f"---\n{text}\n---\nBody.\n" if target.endswith(".md") else text
    run_input("yaml", {target: front.encode("utf-8", "surrogatepass")}, output)


@examples(35)
@given(target=st.sampled_from(TARGETS), value=plain_data)
def test_arbitrary_yaml_documents_as_a_record(output: Path, target: str, value: Any) -> None:
    text = yaml.safe_dump(value, allow_unicode=True)
    front = f"---\n{text}---\nBody.\n" if target.endswith(".md") else text
    run_input("document", {target: front.encode("utf-8", "surrogatepass")}, output)


@examples(35)
@given(files=fuzzed_records())
def test_valid_records_with_arbitrary_fields_and_markdown(output: Path, files: Files) -> None:
    run_input("fields", files, output)


@examples(25)
@given(body=markdown_text, target=st.sampled_from(("cases/child-a.md", "pages/about.md")))
def test_arbitrary_markdown_bodies(output: Path, body: str, target: str) -> None:
    front = (MINIMAL / target).read_text().split("---\n")[1]
    run_input("markdown", {target: f"---\n{front}---\n{body}"}, output)


@examples(40)
@given(files=mutated_records())
def test_mutated_copies_of_valid_records(output: Path, files: Files) -> None:
    run_input("mutation", files, output)


@examples(12)
@given(site=hidden_records())
def test_private_notes_drafts_and_embargoed_records_never_appear(
    output: Path, site: tuple[Files, bool]
) -> None:
    files, with_drafts = site
    TRIED["hidden"] += 1
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        content = make_site(Path(folder), files)
        with kept_on_failure("hidden", content):
            if with_drafts:  # a preview goes to a folder of its own, never a public one
                assert_properties(content, output.with_name("preview"), "--drafts")
            else:
                assert_properties(content, output)


# --- replaying every failure ever found ------------------------------------------------------


def regression_names() -> list[str]:
    return sorted(p.name for p in REGRESSIONS.iterdir() if (p / "content").is_dir())


@pytest.mark.parametrize("name", regression_names())
def test_fuzz_regressions(output: Path, name: str) -> None:
    """Each input a fuzz run once failed on, replayed with every property, check first in a
    process of its own (some of these crashed the interpreter)."""
    folder = REGRESSIONS / name
    with tempfile.TemporaryDirectory(prefix="fuzz-regression-") as work:
        content = make_site(Path(work), base=MINIMAL)
        shutil.copytree(folder / "content", content, dirs_exist_ok=True, symlinks=True)
        for line in _lines(folder / "delete.txt"):
            (content / line).unlink()
        result = subprocess.run(
            [sys.executable, "-m", "site_builder", "check", "--content", str(content)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr
        for expected in _lines(folder / "expect.txt"):
            assert expected in result.stderr
        assert_properties(content, output)


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def test_fuzz_regression_folders_are_complete() -> None:
    for folder in sorted(p for p in REGRESSIONS.iterdir() if p.is_dir()):
        assert (folder / "content").is_dir(), folder.name
        assert (folder / "README.md").is_file(), f"{folder.name}: say what failed and why"


def test_a_failing_input_is_kept_for_a_regression(tmp_path: Path) -> None:
    content = write_files(tmp_path / "content", {"site.yaml": "title: x\n"})
    with pytest.raises(AssertionError), kept_on_failure("selftest", content):
        raise AssertionError("boom")
    kept = sorted(FAILURES.glob("selftest-*"))
    assert kept and (kept[0] / "content/site.yaml").read_text() == "title: x\n"
    for folder in kept:
        shutil.rmtree(folder)
