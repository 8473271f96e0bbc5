"""The command line: exit 0 built, 1 content errors, 2 usage errors; no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEMPLATES, MakeSite

from site_builder.cli import main


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_jobs_must_be_a_positive_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--jobs", "0"]) == 2
    assert "expected a whole number of at least 1" in capsys.readouterr().err


def test_output_inside_content_is_refused(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site()
    args = ["build", "--content", "content", "--templates", str(TEMPLATES)]
    assert main([*args, "--output", "content/out"]) == 2
    assert main([*args, "--output", "."]) == 2
    err = capsys.readouterr().err
    assert "output folder content/out is inside the content folder content" in err
    assert "output folder . holds the content folder content" in err
    assert not Path("content/out").exists()


def test_missing_templates_folder_is_a_usage_error(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site()
    assert main(["build", "--content", "content", "--templates", "nowhere"]) == 2
    assert "no templates folder at nowhere" in capsys.readouterr().err


def test_missing_content_folder_is_a_content_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--content", "nothing-here"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == "nothing-here:1: no content folder here"


def test_module_entry_point_runs_and_reports_content_errors_without_traceback(
    make_site: MakeSite,
) -> None:
    content = make_site({"cases/child-a.md": "---\ntitle: !!python/name:os.system\n---\n"})
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "check", "--content", str(content)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cases/child-a.md:2: YAML tag" in result.stderr


def test_schema_command_writes_one_schema_per_collection(tmp_path: Path) -> None:
    assert main(["schema", str(tmp_path / "schemas")]) == 0
    names = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert names == [f"{n}.schema.json" for n in
                     ("authorities", "bodies", "cases", "inspections", "pages", "site", "sources")]  # fmt: skip


@pytest.mark.parametrize("epoch", ["yesterday", "-1", "1.5", "1e9", "99999999999999999999"])
def test_a_malformed_or_out_of_range_source_date_epoch_is_a_usage_error_naming_it(
    make_site: MakeSite,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    epoch: str,
) -> None:
    make_site()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert main(["check", "--content", "content"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"site-builder: SOURCE_DATE_EPOCH={epoch!r} is ")
    assert "Traceback" not in err


def test_the_error_list_stops_after_200_and_says_how_many_more_and_the_total(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    fields = "".join(f"unknown_{n:03d}: x\n" for n in range(250))
    make_site({"sources/many.yaml": "title: T\nkind: news\npublished: '2020'\n" + fields})
    assert main(["check", "--content", "content"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 202
    assert lines[0] == "content/sources/many.yaml:4: unknown field 'unknown_000'"
    assert lines[199] == "content/sources/many.yaml:203: unknown field 'unknown_199'"
    assert lines[200] == "... and 50 more not shown: fix these and run again to see them"
    assert lines[201] == "250 errors; nothing was written"
