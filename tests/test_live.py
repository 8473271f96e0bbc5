"""The preview's first pages after a save are exactly the pages the full build then writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import TEMPLATES, make_site, record_text

from site_builder.config import SiteConfig
from site_builder.live import Linked, first_pages
from site_builder.pipeline import build_site


@pytest.fixture(autouse=True)
def fixed_build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763769600")
    monkeypatch.setenv("SITE_BUILDER_HISTORY", "off")


def built(tmp_path: Path) -> tuple[SiteConfig, Linked]:
    content = make_site(tmp_path / "site")
    config = SiteConfig(content, TEMPLATES, tmp_path / "site" / "out")
    linked = build_site(config, keep=True).linked
    assert linked is not None
    return config, linked


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


Edit = Callable[[Path], list[Path]]  # content -> the files it changed


def retitle_case(content: Path) -> list[Path]:
    case = content / "cases" / "child-a.md"
    replace_in(case, "title: Child A", "title: Child Aurora")
    case.write_text(case.read_text() + "\nA paragraph added by an editor.\n")
    return [case]


def regrade_inspection(content: Path) -> list[Path]:
    inspection = content / "inspections" / "northtown-2021.yaml"
    replace_in(inspection, "grade: requires_improvement", "grade: inadequate")
    return [inspection]


def edit_council_and_its_case(content: Path) -> list[Path]:
    council = content / "authorities" / "northtown.yaml"
    council.write_text(council.read_text().replace("name: ", "name: Greater ", 1))
    return [council, *retitle_case(content)]


EDITS: dict[str, Edit] = {
    "a case's title and body": retitle_case,
    "an inspection's grade": regrade_inspection,
    "a council and a case at once": edit_council_and_its_case,
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_the_first_pages_are_the_pages_the_full_build_writes(tmp_path: Path, edit: Edit) -> None:
    config, linked = built(tmp_path)
    changed = edit(config.content_dir)
    first = first_pages(linked, [str(path) for path in changed])
    assert first is not None
    _, pages = first
    build_site(config)
    for path, page in pages.items():
        assert page == (config.output_dir / path).read_bytes(), path
    assert "cases/child-a/index.html" in pages or "inspections/northtown-2021/index.html" in pages
    assert any(path.startswith("authorities/northtown/") for path in pages)  # its council
    assert any(path.startswith("sources/") for path in pages)  # what it cites


def test_two_edits_in_a_row_build_on_each_other(tmp_path: Path) -> None:
    config, linked = built(tmp_path)
    first = first_pages(linked, [str(p) for p in retitle_case(config.content_dir)])
    assert first is not None
    second = first_pages(first[0], [str(p) for p in regrade_inspection(config.content_dir)])
    assert second is not None
    build_site(config)
    for path, page in second[1].items():
        assert page == (config.output_dir / path).read_bytes(), path


NEW_CASE = record_text(
    {"title": "Child N", "name_status": "pseudonym", "authority": "northtown", "harm": "died",
     "sources": ["report-a"]}
)  # fmt: skip
REFUSED: dict[str, Callable[[Path], Path]] = {
    "a new file": lambda content: write(content / "cases" / "child-n.md", NEW_CASE),
    "an invalid record": lambda content: edit_file(
        content / "cases" / "child-a.md", "harm: died", "harm: dyed"
    ),
    "a link to no page": lambda content: append(
        content / "cases" / "child-a.md", "\nSee [nothing](/cases/nobody/).\n"
    ),
    "a record made a draft": lambda content: append_field(
        content / "cases" / "child-a.md", "status: draft"
    ),
    "a deleted file": lambda content: delete(content / "cases" / "child-a.md"),
    "a council that is not in the record": lambda content: edit_file(
        content / "cases" / "child-a.md", "authority: northtown", "authority: nowhere"
    ),
    "a source that is not in the record": lambda content: edit_file(
        content / "cases" / "child-a.md", "report-a", "report-z"
    ),
    "the settings": lambda content: edit_file(content / "site.yaml", "title: ", "title: New "),
}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def edit_file(path: Path, old: str, new: str) -> Path:
    replace_in(path, old, new)
    return path


def append(path: Path, text: str) -> Path:
    return write(path, path.read_text(encoding="utf-8") + text)


def append_field(path: Path, line: str) -> Path:
    return edit_file(path, "---\n", f"---\n{line}\n")


def delete(path: Path) -> Path:
    path.unlink()
    return path


@pytest.mark.parametrize("edit", REFUSED.values(), ids=REFUSED.keys())
def test_an_edit_the_full_build_must_make_gets_no_first_pages(
    tmp_path: Path, edit: Callable[[Path], Path]
) -> None:
    config, linked = built(tmp_path)
    assert first_pages(linked, [str(edit(config.content_dir))]) is None
