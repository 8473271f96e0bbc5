"""Whole builds: nothing private leaks, output is deterministic, failures keep the old site."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, TEMPLATES, MakeSite

from site_builder.cli import main

LEAKY = {
    "cases/secret-draft.md": """---
title: DRAFT-CANARY-CASE
name_status: pseudonym
authority: northtown
harm: died
status: draft
sources: [report-a]
---
DRAFT-CANARY-BODY
""",
    "inspections/embargoed.yaml": """title: EMBARGO-CANARY-TITLE
authority: northtown
judged_by: Ofsted
kind: inspection
date: "2025-11-01"
grade: good
embargo_until: "2099-01-01"
findings: EMBARGO-CANARY-FINDINGS
sources: [report-a]
""",
    "authorities/westshire.yaml": """name: Westshire County Council
kind: county
region: South West
gss_code: E10000001
sources: [report-a]
private:
  note: PRIVATE-CANARY-NOTE
  who: PRIVATE-CANARY-WHO
""",
}


def build(output: str = "out", *extra: str) -> int:
    return main(["build", "--content", "content", "--templates", str(TEMPLATES),
                 "--output", output, *extra])  # fmt: skip


def every_byte(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_drafts_embargoed_records_and_private_notes_reach_no_output_file(
    make_site: MakeSite,
) -> None:
    make_site(LEAKY)
    assert build() == 0
    everything = every_byte(Path("out"))
    for canary in (
        b"DRAFT-CANARY",
        b"EMBARGO-CANARY",
        b"PRIVATE-CANARY",
        b"secret-draft",
        b"embargoed",
    ):
        assert canary not in everything
    assert not Path("out/cases/secret-draft").exists()


def test_drafts_flag_shows_drafts_and_embargoed_but_never_private_notes(
    make_site: MakeSite,
) -> None:
    make_site(LEAKY)
    assert build("out", "--drafts") == 0
    everything = every_byte(Path("out"))
    assert b"DRAFT-CANARY-BODY" in everything
    assert b"EMBARGO-CANARY-FINDINGS" in everything
    assert b"PRIVATE-CANARY" not in everything


def test_a_drafts_build_is_a_marked_preview_in_a_folder_of_its_own(make_site: MakeSite) -> None:
    make_site(LEAKY)
    assert main(["build", "--content", "content", "--templates", str(TEMPLATES), "--drafts"]) == 0
    preview = Path("output-drafts")  # the default folder of a preview
    pages = sorted(preview.rglob("*.html"))
    assert pages and not Path("output").exists()
    for page in pages:
        html = page.read_text("utf-8")
        assert "Drafts preview, not the public site." in html, page
        assert '<meta name="robots" content="noindex">' in html, page
    assert (preview / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    assert "<loc>" not in (preview / "sitemap.xml").read_text()
    assert build("public") == 0
    public = every_byte(Path("public"))
    assert b"Drafts preview" not in public and b"DRAFT-CANARY" not in public


def test_a_preview_and_a_public_build_never_share_a_folder(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site(LEAKY)
    assert build("public") == 0
    assert build("public", "--drafts") == 2
    assert "holds a public build; a --drafts preview goes to a folder of its own" in (
        capsys.readouterr().err
    )
    assert build("preview", "--drafts") == 0
    assert build("preview") == 2
    assert "holds a --drafts preview" in capsys.readouterr().err
    assert b"DRAFT-CANARY" not in every_byte(Path("public"))


def test_embargo_lifts_on_its_date(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(LEAKY)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "4102444800")  # 2100-01-01
    assert build() == 0
    assert b"EMBARGO-CANARY-FINDINGS" in every_byte(Path("out"))


def test_withdrawn_record_keeps_its_page_with_a_notice_and_counts_nowhere(
    make_site: MakeSite,
) -> None:
    path = Path(REPO / "tests/fixtures/minimal/inspections/northtown-2021.yaml")
    text = path.read_text().replace(
        "grade: requires_improvement\n", "grade: requires_improvement\nstatus: withdrawn\n", 1
    )
    make_site({"inspections/northtown-2021.yaml": text})
    assert build() == 0
    page = Path("out/inspections/northtown-2021/index.html").read_text()
    assert "Withdrawn on" in page and "The inspection date was 15 June" in page
    cards = Path("out/data/scorecards.json").read_text()
    assert '"record": "northtown-2018"' in cards
    assert "northtown-2021" not in Path("out/data/inspections.json").read_text()
    assert "northtown-2021" not in Path("out/inspections/index.html").read_text()


WITHDRAWN_CASE = """---
title: CANARY-TITLE
name_status: pseudonym
aliases: [CANARY-ALIAS]
authority: westshire
harm: died
date: "2019-04-01"
content_note: CANARY-NOTE
proceedings: CANARY-PROCEEDINGS ([report](/sources/report-a/)).
status: withdrawn
corrections:
  - {date: "2024-02-01", text: Withdrawn because the case was filed in error.}
sources: [report-a]
---
CANARY-BODY
"""
WITHDRAWN_COUNCIL = """name: CANARY-COUNCIL
kind: unitary
region: South West
gss_code: E06000999
figures:
  - {metric: children_looked_after, value: 4321, as_at: "2020", note: CANARY-FIGURE, source: report-a}
status: withdrawn
corrections: [{date: "2024-03-01", text: Not a council.}]
sources: [report-a]
"""


def test_nothing_of_a_withdrawn_record_but_its_address_date_and_reason_reaches_any_byte(
    make_site: MakeSite,
) -> None:
    make_site({"cases/withdrawn.md": WITHDRAWN_CASE, "authorities/gone.yaml": WITHDRAWN_COUNCIL})
    assert build() == 0
    everything = every_byte(Path("out"))
    for canary in (
        b"CANARY-TITLE",
        b"CANARY-ALIAS",
        b"CANARY-NOTE",
        b"CANARY-PROCEEDINGS",
        b"CANARY-BODY",
        b"CANARY-COUNCIL",
        b"CANARY-FIGURE",
        b"4321",
        b"E06000999",
    ):
        assert canary not in everything, canary  # fmt: skip
    page = Path("out/cases/withdrawn/index.html").read_text()
    assert "<h1>Withdrawn record</h1>" in page and "filed in error" in page
    assert '<time datetime="2024-02-01">' in page and 'content="noindex"' in page
    assert not Path("out/authorities/gone/feed.xml").exists()  # a withdrawn council: no feed
    corrections = Path("out/corrections/index.html").read_text()
    for address in ("../cases/withdrawn/", "../authorities/gone/"):
        assert f'<a href="{address}">Withdrawn record</a>' in corrections


def test_two_builds_of_the_same_content_are_byte_identical(make_site: MakeSite) -> None:
    make_site()
    assert build("one") == 0
    assert build("two") == 0
    assert tree_hash(Path("one")) == tree_hash(Path("two"))


def test_output_does_not_depend_on_hash_seed_timezone_or_locale(make_site: MakeSite) -> None:
    make_site()
    hashes = []
    for seed, tz, lang in (("1", "UTC", "C.UTF-8"), ("99", "Pacific/Kiritimati", "tr_TR.UTF-8")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": tz, "LANG": lang, "LC_ALL": lang}
        out = f"out-{seed}"
        subprocess.run(
            [sys.executable, "-m", "site_builder", "build", "--content", "content",
             "--templates", str(TEMPLATES), "--output", out],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        hashes.append(tree_hash(Path(out)))
    assert hashes[0] == hashes[1]


def test_failed_build_leaves_previous_output_byte_for_byte(make_site: MakeSite) -> None:
    content = make_site()
    assert build() == 0
    before = tree_hash(Path("out"))
    (content / "cases/child-a.md").write_text("---\ntitle: [broken\n---\n")
    assert build() == 1
    assert tree_hash(Path("out")) == before
    assert not list(Path(".").glob(".out.tmp-*"))


def test_failure_while_writing_leaves_previous_output(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = make_site()
    assert build() == 0
    before = tree_hash(Path("out"))
    child = content / "cases/child-b.md"
    child.write_text(child.read_text() + "\nA new paragraph.\n")

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr("site_builder.write._swap_in", disk_full)
        assert build() == 2
    assert tree_hash(Path("out")) == before
    assert not list(Path(".").glob(".out.tmp-*"))
    assert build() == 0
    assert "A new paragraph." in Path("out/cases/child-b/index.html").read_text()


def test_deleted_record_disappears_from_output(make_site: MakeSite) -> None:
    content = make_site()
    assert build() == 0
    assert Path("out/cases/child-b/index.html").exists()
    (content / "cases/child-b.md").unlink()
    assert build() == 0
    assert not Path("out/cases/child-b").exists()


def test_refuses_to_replace_a_folder_it_did_not_make(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site()
    Path("precious").mkdir()
    Path("precious/thesis.txt").write_text("years of work")
    assert build("precious") == 2
    assert Path("precious/thesis.txt").read_text() == "years of work"
    assert "not made by site-builder" in capsys.readouterr().err


def test_symlink_leaving_content_is_refused(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = make_site()
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: SECRET\n---\n")
    (content / "pages/leak.md").symlink_to(secret)
    assert build() == 1
    assert (
        "content/pages/leak.md:1: symbolic links are not allowed in content"
        in capsys.readouterr().err
    )
    assert not Path("out").exists()


def test_empty_content_folder_is_an_error_and_writes_nothing(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site(base=None)
    assert build() == 1
    assert "content/site.yaml:1: site.yaml is missing" in capsys.readouterr().err
    assert not Path("out").exists()


def test_a_build_in_a_git_checkout_leaves_nothing_new_for_git_to_track(
    make_site: MakeSite, tmp_path: Path
) -> None:
    """The output, the lock beside it and the cache are all ignored by the project's .gitignore."""
    make_site()
    (tmp_path / ".gitignore").write_bytes((REPO / ".gitignore").read_bytes())
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert main(["build", "--templates", str(TEMPLATES)]) == 0  # the default output/
    assert build("output") == 0  # a second build: the lock and a spare folder exist now
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    assert Path(".output.lock").exists() and Path("output/index.html").exists()
    new = [line for line in status if not line.startswith("?? content/")]
    assert new == ["?? .gitignore"]


@pytest.mark.parametrize(("name", "line"), [("case.html", 3), ("base.html", 25)])
def test_a_template_syntax_error_is_reported_as_its_file_and_line_without_a_traceback(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], name: str, line: int
) -> None:
    make_site()
    shutil.copytree(TEMPLATES, "templates")
    path = Path("templates", name)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] += " {% if %}"
    path.write_text("\n".join(lines), encoding="utf-8")
    status = main(["build", "--content", "content", "--templates", "templates", "--output", "out"])
    assert status == 1
    assert capsys.readouterr().err.splitlines() == [
        (
            f"templates/{name}:{line}: template syntax error: Expected an expression, got 'end of "
            "statement block'; fix the template"
        ),
        "1 error; nothing was written",
    ]
    assert not Path("out").exists()


@pytest.mark.parametrize(
    "shown",
    [
        "{{ page.record.body }}",
        "{{ page.record['body'] }}",
        "{{ page.record | attr('body') }}",
        "{{ page.sources | map(attribute='body') | join }}",
    ],
)
def test_a_template_may_not_show_a_records_raw_body(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], shown: str
) -> None:
    """A page shows its own record's text as page.body_html; the raw Markdown of no record.
    (What lets an edit to a body leave the pages naming the record unrendered.)"""
    make_site()
    shutil.copytree(TEMPLATES, "templates")
    path = Path("templates", "case.html")
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("{% block main %}")].count("\n") + 1
    path.write_text(text.replace("{% block main %}", "{% block main %}" + shown, 1))
    status = main(["build", "--content", "content", "--templates", "templates", "--output", "out"])
    assert status == 1
    err = capsys.readouterr().err
    assert f"templates/case.html:{line}: a template may not show a record's body" in err
    assert "Traceback" not in err
    assert not Path("out").exists()


def test_a_build_reports_the_time_of_each_stage_in_order(make_site: MakeSite) -> None:
    from site_builder.config import SiteConfig, build_date
    from site_builder.pipeline import build_site

    config = SiteConfig(make_site(), TEMPLATES, Path("out"), today=build_date())
    stages = [name for name, _ in build_site(config).stage_seconds if ": " not in name]
    assert stages == ["list", "read", "link", "render texts", "score", "render and write",
                      "save cache"]  # fmt: skip
    steps = [name for name, seconds in build_site(config).stage_seconds if seconds >= 0]
    assert steps == ["list"], "a build with nothing to do does nothing but list the content"
    report = dict(
        build_site(SiteConfig(config.content_dir, TEMPLATES, Path("other"))).stage_seconds
    )
    steps = {f"render and write: {step}" for step in ("pages", "open data", "search index")}
    assert steps <= set(report)
    assert report["render and write"] >= report["render and write: pages"] >= 0


SOURCE_B = """---
title: B-SOURCE
publisher: Fixture News
kind: news
published: "2021-08-01"
url: https://news.example/report-b
---
Another fixture source.
"""


@pytest.mark.parametrize(
    ("link", "is_cited"),
    [
        ("See [the report](/sources/report-b/).", True),
        ("See [the report][b].\n\n[b]: ../../sources/report-b/", True),
        ("See [a copy](https://mirror.example/sources/report-b/).", False),
        ("See report-b, which is not linked.", False),
    ],
)
def test_a_source_linked_from_a_body_lists_the_record_that_links_it(
    make_site: MakeSite, link: str, is_cited: bool
) -> None:
    case = "---\ntitle: Child C\nname_status: pseudonym\nauthority: northtown\nharm: died\n"
    case += f"sources: [report-a]\n---\n{link}\n"
    make_site({"sources/report-b.md": SOURCE_B, "cases/child-c.md": case})
    assert build() == 0
    source = Path("out/sources/report-b/index.html").read_text()
    assert ('href="../../cases/child-c/"' in source) is is_cited
