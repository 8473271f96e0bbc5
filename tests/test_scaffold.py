"""`site-builder new`: a skeleton with every field, that passes `check` once filled in."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.scaffold import KINDS, render_skeleton
from site_builder.schema import load_schemas

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
AUTHORITY_KINDS = {"case", "inspection", "body"}
KIND_VALUES = {
    "bodies": "lscb",
    "inspections": "inspection",
    "sources": "news",
    "authorities": "unitary",
}
FILL = {
    "title": "A filled-in title",
    "name": "Eastville Council",
    "name_status": "pseudonym",
    "harm": "died",
    "region": "London",
    "gss_code": "E06000099",
    "judged_by": "Ofsted",
    "date": "2020-01-01",
    "published": "2020-02",
    "sources": "report-a",
    "authorities": "northtown",
}


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(MINIMAL, tmp_path / "content")
    return tmp_path / "content"


def new(kind: str, slug: str, *extra: str) -> int:
    return main(["new", kind, slug, "--content", "content", *extra])


def fill_required(text: str, collection: str) -> str:
    """Give every empty required field (and the first item of a required list) a value."""
    values = {**FILL, "kind": KIND_VALUES.get(collection, "")}
    lines = text.split("\n")
    for number, line in enumerate(lines):
        match = re.fullmatch(r"([a-z_]+):", line)
        if not match or lines[number + 1].startswith("  - "):  # given with --authority
            continue
        value = values[match[1]]
        if number + 1 < len(lines) and lines[number + 1] == "  -":
            lines[number + 1] = f"  - {value}"
        else:
            lines[number] = f"{line} {value}"
    return "\n".join(lines)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_new_record_fails_check_until_filled_then_passes(
    kind: str, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = ["--authority", "northtown"] if kind in AUTHORITY_KINDS else []
    assert new(kind, "fresh-record", *extra) == 0
    path = next((content / KINDS[kind]).glob("fresh-record.*"))
    assert "wrote content/" in capsys.readouterr().err

    assert main(["check", "--content", "content"]) == 1
    errors = capsys.readouterr().err
    required = load_schemas()[KINDS[kind]]["required"]
    for name in required:
        if name not in {"authority", "authorities"} or not extra:
            assert f"field '{name}" in errors, name  # every unfilled field is named

    path.write_text(fill_required(path.read_text(), KINDS[kind]))
    assert main(["check", "--content", "content"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("collection", sorted(KINDS.values()))
def test_skeleton_lists_every_field_of_the_schema_required_first(collection: str) -> None:
    schema = load_schemas()[collection]
    text = render_skeleton(collection)
    positions = {}
    for name in schema["properties"]:
        match = re.search(rf"^(# )?{name}:", text, re.MULTILINE)
        assert match, f"{name} missing from the {collection} skeleton"
        positions[name] = match.start()
        is_required = name in schema["required"]
        assert (match[1] is None) is is_required, name  # optional fields are commented out
    last_required = max(positions[n] for n in schema["required"])
    assert all(positions[n] > last_required for n in positions if n not in schema["required"])


def test_skeleton_explains_each_field_with_its_title_and_an_example() -> None:
    text = render_skeleton("cases", "northtown")
    assert "# Harm (required). died or seriously_harmed. Example: died\nharm:\n" in text
    assert "authority: northtown\n" in text
    assert "#   - kind:\n" in text  # nested list items show their fields too
    assert text.startswith("---\n") and text.endswith("---\n")


def test_new_source_is_plain_yaml(content: Path) -> None:
    assert new("source", "report-b") == 0
    text = (content / "sources" / "report-b.yaml").read_text()
    assert "---" not in text and "title:\n" in text


def test_new_refuses_an_existing_slug(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (content / "cases" / "child-a.md").read_text()
    assert new("case", "child-a", "--authority", "northtown") == 2
    assert "content/cases/child-a.md already exists" in capsys.readouterr().err
    assert (content / "cases" / "child-a.md").read_text() == before


def test_new_refuses_a_slug_of_the_other_file_type(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new("source", "report-a") == 2  # report-a.md exists; report-a.yaml would clash
    assert "content/sources/report-a.md already exists" in capsys.readouterr().err
    assert not (content / "sources" / "report-a.yaml").exists()


@pytest.mark.parametrize(
    ("slug", "suggestion"),
    [("Child T", "child-t"), ("Child.T", "child-t"), ("child_t", "child-t"), ("con", None)],
)
def test_new_refuses_a_bad_slug_and_suggests_a_good_one(
    slug: str, suggestion: str | None, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new("case", slug) == 2
    error = capsys.readouterr().err
    assert f"'{slug}' is not a valid slug: use lowercase letters, digits and hyphens" in error
    if suggestion:
        assert f"(for example '{suggestion}')" in error
    assert not any(p.stem == slug for p in (content / "cases").iterdir())


def test_new_refuses_an_unknown_authority_with_a_close_match(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new("case", "child-t", "--authority", "northtwn") == 2
    assert "unknown authority 'northtwn' (did you mean 'northtown'?)" in capsys.readouterr().err
    assert not (content / "cases" / "child-t.md").exists()


def test_new_refuses_authority_for_a_kind_without_one(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new("source", "report-b", "--authority", "northtown") == 2
    assert "--authority is for a case, an inspection or a body" in capsys.readouterr().err


def test_new_refuses_an_unknown_kind(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new("cas", "child-t") == 2
    assert "invalid choice: 'cas'" in capsys.readouterr().err


@pytest.mark.parametrize("slug", ["child-t\n", "child-t\x07", "\nchild-t"])
def test_new_refuses_a_slug_holding_a_control_character(
    slug: str, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new("case", slug) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"site-builder: {slug!a} is not a valid slug: it holds the control")
    assert "(for example 'child-t')" in error
    assert error.count("\n") == 1
    assert not any("child-t" in path.name for path in (content / "cases").iterdir())
