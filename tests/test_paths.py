"""Paths (HOSTILE-INPUTS P1-P7): nothing read from outside content/, nothing written outside."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import unicodedata
from pathlib import Path

import pytest
from helpers import (
    TEMPLATES,
    build,
    check,
    every_byte,
    make_site,
    run_cli,
    snapshot,
    write_files,
)

from site_builder.urls import resolve_inside
from site_builder.write import MARKER, write_site

SECRET = "SECRET-OUTSIDE-CONTENT"
CASE = (Path(__file__).parent / "fixtures/minimal/cases/child-b.md").read_text()


def case_with_body(body: str) -> str:
    return CASE.rstrip("\n") + "\n" + body


def assert_refused(run_status: int, stderr: str, *expected: str) -> None:
    assert run_status == 1, stderr
    for text in expected:
        assert text in stderr, stderr


# --- P1: output paths are checked by resolved common path, never a string prefix -------------


@pytest.mark.parametrize(
    "output_path",
    ["../output-evil/index.html", "../output/../output-evil/x.html", "/etc/passwd",
     "a/../../b.html", "a/../../../b.html", ".."],
)  # fmt: skip
def test_an_output_path_that_resolves_outside_the_output_folder_is_refused(
    tmp_path: Path, output_path: str
) -> None:
    root = tmp_path / "output"
    root.mkdir()
    (tmp_path / "output-evil").mkdir()
    with pytest.raises(ValueError, match="outside the output folder"):
        resolve_inside(root, output_path)


def test_an_output_path_inside_is_allowed_however_it_is_spelled(tmp_path: Path) -> None:
    root = tmp_path / "output"
    root.mkdir()
    assert resolve_inside(root, "a/../b/index.html") == root / "b/index.html"
    assert resolve_inside(root, "./cases/x/index.html") == root / "cases/x/index.html"


def test_a_symbolic_link_in_the_output_folder_cannot_carry_a_write_outside(tmp_path: Path) -> None:
    root = tmp_path / "output"
    root.mkdir()
    (root / "cases").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(ValueError, match="outside the output folder"):
        resolve_inside(root, "cases/x/index.html")


def test_write_stage_refuses_a_path_outside_and_keeps_the_old_output(tmp_path: Path) -> None:
    output = tmp_path / "output"
    write_site({"index.html": b"old"}, output)
    before = snapshot(tmp_path)
    with pytest.raises(ValueError):
        write_site({"index.html": b"new", "../output-evil/pwned.html": b"x"}, output)
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "output-evil").exists()


@pytest.mark.parametrize(
    "link",
    ["../../../../etc/passwd", "/../../etc/passwd", "/cases/../../x/", "%2e%2e/%2e%2e/%2e%2e/x/",
     "../../../", "..%2f..%2f..%2fx"],
)  # fmt: skip
def test_a_link_in_content_that_climbs_outside_the_site_is_refused_with_its_line(
    tmp_path: Path, link: str
) -> None:
    content = make_site(
        tmp_path, {"cases/child-b.md": case_with_body(f"One.\n\nTwo [x]({link}).\n")}
    )
    run = check(content)
    line = CASE.count("\n") + 3
    assert_refused(run.status, run.stderr, f"cases/child-b.md:{line}: link '{link}'")
    assert "climbs outside the site" in run.stderr or "points to no page" in run.stderr


def test_a_link_that_climbs_out_names_the_problem(tmp_path: Path) -> None:
    content = make_site(
        tmp_path, {"cases/child-b.md": case_with_body("[x](../../../etc/passwd)\n")}
    )
    run = check(content)
    assert "link '../../../etc/passwd' climbs outside the site" in run.stderr


# --- P2, P3, P4: file names and slugs --------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [".md", "con.md", "nul.yaml", "com1.md", "lpt9.yaml", "Foo.md", "a b.md", "-x.md",
     "x_y.md", "x.y.md", "bráighe.md", unicodedata.normalize("NFD", "bráighe.md"),
     "%2e%2e%2fx.md", "x" * 101 + ".md"],
)  # fmt: skip
def test_a_file_name_that_is_not_a_safe_slug_is_refused(tmp_path: Path, name: str) -> None:
    content = make_site(tmp_path, {f"cases/{name}": CASE})
    run = check(content)
    assert_refused(run.status, run.stderr, f"cases/{name}:1: ")
    assert build(content, tmp_path / "output").status == 1
    assert not (tmp_path / "output").exists()


def test_a_record_in_both_md_and_yaml_is_reported_at_both_files(tmp_path: Path) -> None:
    source = "title: Other\nkind: news\npublished: '2020'\n"
    content = make_site(tmp_path, {"sources/report-a.yaml": source})
    run = check(content)
    assert_refused(
        run.status, run.stderr,
        "sources/report-a.md:1: duplicate slug 'report-a'",
        "sources/report-a.yaml:1: duplicate slug",
    )  # fmt: skip


# --- P5: symbolic links inside content -------------------------------------------------------


def outside_secret(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    write_files(outside, {
        "secret.md": f"---\ntitle: {SECRET}\n---\n{SECRET}\n",
        "cases/secret.md": case_with_body(SECRET),
    })  # fmt: skip
    return outside


@pytest.mark.parametrize(
    ("link", "target"),
    [("pages/leak.md", "secret.md"), ("cases/leak.md", "cases/secret.md"),
     ("pages/folder.md", "cases"), ("bodies", "cases"), ("site.yaml", "secret.md"),
     ("cases/loop.md", None), ("cases/dangling.md", "missing.md")],
)  # fmt: skip
def test_a_symbolic_link_inside_content_is_refused_and_nothing_is_read_through_it(
    tmp_path: Path, link: str, target: str | None
) -> None:
    content = make_site(tmp_path)
    outside = outside_secret(tmp_path)
    where = content / link
    if where.is_dir():
        os.rename(where, tmp_path / "moved-away")
    elif where.exists():
        where.unlink()
    where.symlink_to(where if target is None else outside / target)
    run = check(content)
    assert_refused(run.status, run.stderr, f"{link}:1: symbolic links are not allowed in content")
    assert SECRET not in run.stderr
    output = tmp_path / "output"
    assert build(content, output).status == 1
    assert not output.exists()


def test_a_symlink_loop_between_folders_does_not_hang(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    (content / "cases/deeper").symlink_to(content / "cases", target_is_directory=True)
    run = check(content)
    assert_refused(run.status, run.stderr, "cases/deeper:1: symbolic links are not allowed")


# --- P6: the output folder and what it may replace -------------------------------------------


@pytest.mark.parametrize("output", ["content", "content/out", ".", "content/cases"])
def test_an_output_folder_overlapping_content_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    make_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    run = build(Path("content"), Path(output))
    assert run.status == 2
    assert "the content folder content" in run.stderr
    assert snapshot(tmp_path) == before


def site_with_templates(tmp_path: Path) -> tuple[Path, Path]:
    """A content folder and a copy of the templates, side by side in tmp_path."""
    content = make_site(tmp_path)
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    return content, templates


@pytest.mark.parametrize(
    ("output", "reason"),
    [("templates/old-site", "is inside the templates folder"),
     ("templates/static/site", "is inside the templates folder"),
     ("templates", "is the templates folder"),
     ("templates/../templates/x", "is inside the templates folder")],
)  # fmt: skip
def test_an_output_folder_inside_the_templates_folder_is_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str, reason: str
) -> None:
    """Inside templates/static, every build would publish the last site again, drafts and all."""
    site_with_templates(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    run = run_cli("build", "--content", "content", "--templates", "templates", "--output", output)
    assert run.status == 2
    assert f"output folder {output} {reason} templates" in run.stderr
    assert "--output" in run.stderr  # says what to do instead
    assert snapshot(tmp_path) == before


def test_an_output_folder_holding_the_templates_folder_is_refused(tmp_path: Path) -> None:
    content, _ = site_with_templates(tmp_path / "elsewhere")
    site = tmp_path / "site"
    templates = site / "templates"
    shutil.copytree(TEMPLATES, templates)
    before = snapshot(tmp_path)
    run = run_cli("build", "--content", str(content), "--templates", str(templates),
                  "--output", str(site))  # fmt: skip
    assert run.status == 2
    assert "holds the templates folder" in run.stderr
    assert snapshot(tmp_path) == before


def test_an_output_folder_whose_name_starts_like_the_content_folder_is_allowed(
    tmp_path: Path,
) -> None:
    content = make_site(tmp_path)
    assert build(content, tmp_path / "content-out").status == 0  # a prefix, not an overlap


def test_a_folder_site_builder_did_not_make_is_never_replaced(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    home = tmp_path / "home"
    write_files(home, {"thesis.txt": "years of work", "notes/a.txt": "more"})
    before = snapshot(tmp_path)
    run = build(content, home)
    assert run.status == 2
    assert "was not made by site-builder" in run.stderr
    assert snapshot(tmp_path) == before


def test_the_working_folder_as_output_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = make_site(tmp_path / "elsewhere")
    work = tmp_path / "work"
    write_files(work, {"precious.txt": "keep"})
    monkeypatch.chdir(work)
    run = build(content, Path("."))
    assert run.status == 2
    assert (work / "precious.txt").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "work"]


@pytest.mark.parametrize("kind", ["file", "symlink"])
def test_an_output_that_is_a_file_or_a_symlink_is_refused(tmp_path: Path, kind: str) -> None:
    content = make_site(tmp_path)
    target = tmp_path / "real"
    target.mkdir()
    output = tmp_path / "output"
    if kind == "file":
        output.write_text("not a folder")
    else:
        output.symlink_to(target, target_is_directory=True)
    before = snapshot(tmp_path)
    assert build(content, output).status == 2
    assert snapshot(tmp_path) == before


def test_a_folder_holding_only_a_copied_marker_is_never_replaced(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    assert build(content, tmp_path / "output").status == 0
    home = tmp_path / "home"
    write_files(home, {"thesis.txt": "years of work"})
    shutil.copy2(tmp_path / "output" / MARKER, home / MARKER)
    before = snapshot(tmp_path)
    run = build(content, home)
    assert run.status == 2
    assert "was not made by site-builder" in run.stderr
    assert snapshot(tmp_path) == before


def test_a_copy_of_an_output_folder_is_not_taken_for_the_original(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    assert build(content, tmp_path / "output").status == 0
    shutil.copytree(tmp_path / "output", tmp_path / "copy", symlinks=True)
    (tmp_path / "copy" / "my-notes.txt").write_text("mine")
    run = build(content, tmp_path / "copy")
    assert run.status == 2
    assert (tmp_path / "copy" / "my-notes.txt").read_text() == "mine"


def test_an_output_on_a_file_system_without_hard_links_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The marker is a hard link to the lock file; where there are none, say so."""
    content = make_site(tmp_path)

    def refuse_link(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", refuse_link)
    run = build(content, tmp_path / "output")
    assert run.status == 2
    assert "allows no hard link" in run.stderr and "--output" in run.stderr
    assert not (tmp_path / "output").exists()


def test_an_empty_folder_or_one_site_builder_made_is_replaced(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    output = tmp_path / "output"
    output.mkdir()
    assert build(content, output).status == 0
    assert (output / MARKER).exists()
    (output / "stale.html").write_text("from an older build")
    assert build(content, output).status == 0
    assert not (output / "stale.html").exists()


def test_nothing_is_written_outside_the_output_folder(tmp_path: Path) -> None:
    """Beside output/ only its lock; beside content/ only the build cache, which the build
    keeps in .cache/site-builder/ (see site_builder/cache.py); content/ itself untouched."""
    content = make_site(tmp_path / "site")
    parent = tmp_path / "public"
    parent.mkdir()
    (parent / "neighbour.txt").write_text("leave me")
    before_content = snapshot(content)
    before = snapshot(tmp_path, skip=parent / "output")
    assert build(content, parent / "output").status == 0
    assert build(content, parent / "output").status == 0
    after = snapshot(tmp_path, skip=parent / "output")
    allowed = ("public/.output.lock", "site/.cache")
    assert {k: v for k, v in after.items() if not k.startswith(allowed)} == before
    assert snapshot(content) == before_content
    assert "public/.output.lock" in after
    cache = [k for k in after if k.startswith("site/.cache/")]
    assert all(k.startswith("site/.cache/site-builder") for k in cache), cache


def modes(folder: Path) -> set[tuple[str, str]]:
    """The kinds and permission bits found under a folder, the folder itself included."""
    found = {("folder", oct(stat.S_IMODE(folder.stat().st_mode)))}
    for path in folder.rglob("*"):
        kind = "folder" if path.is_dir() else "file"
        found.add((kind, oct(stat.S_IMODE(path.lstat().st_mode))))
    return found


@pytest.mark.parametrize(
    ("umask", "folder_mode", "file_mode"), [(0o022, "0o755", "0o644"), (0o027, "0o750", "0o640")]
)
def test_the_output_folder_and_its_files_take_ordinary_permissions_under_the_umask(
    tmp_path: Path, umask: int, folder_mode: str, file_mode: str
) -> None:
    """A web server running as another user must be able to read the site."""
    content = make_site(tmp_path)
    edited = {"pages/about.md": "---\ntitle: About, edited\n---\nNew.\n"}
    previous = os.umask(umask)
    try:
        assert build(content, tmp_path / "output").status == 0
        first = modes(tmp_path / "output")
        write_files(content, edited)  # the second build reuses files and folders
        assert build(content, tmp_path / "output").status == 0
        second = modes(tmp_path / "output")
    finally:
        os.umask(previous)
    assert first == second == {("folder", folder_mode), ("file", file_mode)}


# --- P7: editor junk is skipped by a documented pattern, anything else is an error ------------

SECRET_RECORD = f"---\ntitle: {SECRET}\n---\n{SECRET}\n"


@pytest.mark.parametrize(
    "name",
    ["cases/.#child-a.md", "cases/child-a.md~", "cases/.DS_Store", "cases/#child-a.md#",
     "cases/.child-a.md.swp", ".DS_Store", "pages/.about.md.swo"],
)  # fmt: skip
def test_editor_junk_is_skipped_and_never_published(tmp_path: Path, name: str) -> None:
    content = make_site(tmp_path, {name: SECRET_RECORD})
    assert check(content).status == 0
    output = tmp_path / "output"
    assert build(content, output).status == 0
    assert SECRET.encode() not in every_byte(output)


@pytest.mark.parametrize(
    "name",
    [".env", ".site.css.swp", ".sort.js.swo", "site.css~", "#site.css#", ".#site.css", ".DS_Store",
     ".git/config", ".hidden/page.css", "icons/.DS_Store", "icons/logo.svg~"],
)  # fmt: skip
def test_hidden_files_and_editor_junk_in_templates_static_are_never_published(
    tmp_path: Path, name: str
) -> None:
    content, templates = site_with_templates(tmp_path)
    write_files(templates / "static", {name: SECRET, "icons/plain.svg": "<svg/>"})
    output = tmp_path / "output"
    run = run_cli("build", "--content", str(content), "--templates", str(templates),
                  "--output", str(output))  # fmt: skip
    assert run.status == 0, run.stderr
    assert SECRET.encode() not in every_byte(output)
    assert (output / "static/icons/plain.svg").is_file()  # an ordinary file is still copied


@pytest.mark.parametrize(
    "name", ["cases/child-a.md.swp", "notes.txt", "cases/draft.txt", "cases/.hidden.md"]
)
def test_any_other_stray_file_is_an_error_and_never_published(tmp_path: Path, name: str) -> None:
    content = make_site(tmp_path, {name: SECRET_RECORD})
    run = check(content)
    assert_refused(run.status, run.stderr, f"{name}:1: ")
    output = tmp_path / "output"
    assert build(content, output).status == 1
    assert not output.exists()


@pytest.mark.parametrize("name", ["a\nb.md", "x\x1b[2J.md", "r\u202eevil.md"])
def test_a_file_name_with_a_line_break_or_escape_is_shown_escaped_one_error_a_line(
    tmp_path: Path, name: str
) -> None:
    content = make_site(tmp_path, {f"cases/{name}": CASE})
    run = check(content)
    assert run.status == 1
    lines = run.stderr.splitlines()
    assert len(lines) == 2 and lines[-1] == "1 error; nothing was written"
    assert name.encode("unicode_escape").decode() in lines[0]


@pytest.mark.parametrize("name", ["child-c\n.md", "child-c.md\n", "child-c\t.md", "child-c\x85.md"])
def test_a_file_name_holding_a_control_character_is_refused_not_read_as_a_second_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    make_site(tmp_path, {"cases/child-c.md": CASE, f"cases/{name}": CASE})
    run = check(Path("content"))
    assert run.status == 1
    shown = name.encode("unicode_escape").decode()
    code = next(f"U+{ord(c):04X}" for c in name if ord(c) < 32 or 0x7F <= ord(c) <= 0x9F)
    assert run.stderr.splitlines() == [
        (
            f"content/cases/{shown}:1: file name contains the control character {code}; rename the file "
            "to its slug (lowercase letters, digits and hyphens) and .md or .yaml"
        ),
        "1 error; nothing was written",
    ]
