"""A build that reuses the cache of the last builds gives exactly the bytes of a cold build."""

from __future__ import annotations

import dataclasses
import functools
import gc
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import MINIMAL, TEMPLATES, Files, make_site, record_text, run_cli, snapshot

from site_builder import render
from site_builder.incremental import stores as build_cache
from site_builder.incremental import workers
from site_builder.incremental.fragments import FragmentCache
from site_builder.incremental.row_store import RowStore
from site_builder.models import Record
from site_builder.output_folder import MARKER, is_ours
from site_builder.render import data_rows

Edit = Callable[[Path, Path], None]  # (content, templates)

NEW_CASE = record_text(
    {"title": "Child N", "name_status": "pseudonym", "authority": "northtown", "harm": "died",
     "date": "2019-04-02", "sources": ["report-a"]},
    "A new case, linking to [Northtown](/authorities/northtown/).\n",
)  # fmt: skip


@pytest.fixture(autouse=True)
def fixed_build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763769600")


def build(content: Path, templates: Path, output: Path) -> None:
    args = ["--content", str(content), "--templates", str(templates), "--output", str(output)]
    run = run_cli("build", *args)
    assert run.status == 0, run.stderr


def cold_build(content: Path, templates: Path, where: Path) -> dict[str, str]:
    """A build from copies of the content and templates, with no cache and no output."""
    shutil.copytree(content, where / "content")
    shutil.copytree(templates, where / "templates")
    build(where / "content", where / "templates", where / "output")
    return snapshot(where / "output")


def edited_site(tmp_path: Path, files: Files | None = None) -> tuple[Path, Path, Path]:
    """A site built cold, then after an edit (which leaves a spare folder), then unchanged."""
    content = make_site(tmp_path / "site", files)
    templates = tmp_path / "site" / "templates"
    shutil.copytree(TEMPLATES, templates)
    output = tmp_path / "site" / "output"
    build(content, templates, output)
    append(content / "pages" / "about.md", "\nAn earlier edit.\n")
    build(content, templates, output)
    build(content, templates, output)
    return content, templates, output


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def change_body(content: Path, templates: Path) -> None:
    append(content / "cases" / "child-a.md", "\nA sentence added by an editor.\n")


def change_relations(content: Path, templates: Path) -> None:
    """A case moves to another council: both councils' pages, feeds and scorecards change."""
    path = content / "cases" / "child-b.md"
    path.write_text(path.read_text(encoding="utf-8").replace("northtown", "southtown"))


def add_record(content: Path, templates: Path) -> None:
    (content / "cases" / "child-n.md").write_text(NEW_CASE, encoding="utf-8")


def remove_record(content: Path, templates: Path) -> None:
    (content / "inspections" / "northtown-2018.yaml").unlink()


def rename_record(content: Path, templates: Path) -> None:
    """A new slug for a case, and the inspection that judged it follows."""
    (content / "cases" / "child-a.md").rename(content / "cases" / "child-z.md")
    judged = content / "inspections" / "northtown-scr-evaluations.yaml"
    judged.write_text(judged.read_text(encoding="utf-8").replace("child-a", "child-z"))


def change_template(content: Path, templates: Path) -> None:
    path = templates / "case.html"
    text = path.read_text(encoding="utf-8")
    head, end, tail = text.rpartition("{% endblock %}")
    path.write_text(f"{head}<p>Edited template.</p>\n{end}{tail}", encoding="utf-8")


def change_shared_template(content: Path, templates: Path) -> None:
    path = templates / "macros.html"
    path.write_text(path.read_text(encoding="utf-8").replace("Sources", "Where this comes from"))


def change_static_file(content: Path, templates: Path) -> None:
    append(templates / "static" / "site.css", "\n/* edited */\n")


def change_settings(content: Path, templates: Path) -> None:
    path = content / "site.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1))


def change_address(content: Path, templates: Path) -> None:
    """Every open data row holds the site's address: no row may come from the last build."""
    path = content / "site.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("https://fixture.example/", "https://moved.example/"))


def rename_council(content: Path, templates: Path) -> None:
    """The council's own row and download change; its cases' rows name it only by slug."""
    path = content / "authorities" / "northtown.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Northtown", "name: Nortown"))


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# The edits below reach pages that do not hold the edited record, or did not hold it before:
# the pages a build reuses unseen (incremental/pages.py, plan) must not include them.


def move_backlink(content: Path, templates: Path) -> None:
    """The evaluation now judges child B, not child A: both cases' pages change."""
    replace_in(content / "inspections" / "northtown-scr-evaluations.yaml",
               "cases: [child-a]", "cases: [child-b]")  # fmt: skip


def change_source_kind(content: Path, templates: Path) -> None:
    """Every record citing the source now rests on a primary document."""
    replace_in(content / "sources" / "report-a.md", "kind: news", "kind: inspection_report")


def change_grade(content: Path, templates: Path) -> None:
    """Northtown's figures change on the pages of its peers, which hold none of its records."""
    replace_in(content / "inspections" / "northtown-2021.yaml",
               "grade: requires_improvement", "grade: good")  # fmt: skip


def end_council(content: Path, templates: Path) -> None:
    """Southtown ends and Northtown takes over: Northtown's page lists its predecessor."""
    append(content / "authorities" / "southtown.yaml",
           'ended: "2023-04-01"\nended_source: report-a\nsucceeded_by: [northtown]\n')  # fmt: skip


def name_review_body(content: Path, templates: Path) -> None:
    """Child B's review was commissioned by the board: the board's page lists the case."""
    replace_in(content / "cases" / "child-b.md", "  - kind: scr\n",
               "  - kind: scr\n    body: northtown-scb\n")  # fmt: skip


def rename_case(content: Path, templates: Path) -> None:
    """Child A's title: shown on every page that names the case."""
    replace_in(content / "cases" / "child-a.md", "title: Child A", "title: Child Ay")


def touch_without_change(content: Path, templates: Path) -> None:
    path = content / "cases" / "child-a.md"
    path.write_bytes(path.read_bytes())


EDITS: dict[str, Edit] = {
    "body changed": change_body,
    "council changed": change_relations,
    "record added": add_record,
    "record removed": remove_record,
    "record renamed": rename_record,
    "page template changed": change_template,
    "shared template changed": change_shared_template,
    "static file changed": change_static_file,
    "settings changed": change_settings,
    "site address changed": change_address,
    "council renamed": rename_council,
    "backlink moved": move_backlink,
    "source kind changed": change_source_kind,
    "grade changed": change_grade,
    "council ended": end_council,
    "review body named": name_review_body,
    "file saved unchanged": touch_without_change,
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_incremental_build_after_an_edit_equals_a_cold_build(tmp_path: Path, edit: Edit) -> None:
    content, templates, output = edited_site(tmp_path)
    edit(content, templates)
    build(content, templates, output)
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")


SOUTHTOWN_INSPECTION = record_text({
    "title": "Inspection of Southtown children's services, 2020", "authority": "southtown",
    "judged_by": "Ofsted", "kind": "inspection", "date": "2020-03-01", "grade": "good",
    "sources": ["report-a"],
})  # fmt: skip


@pytest.mark.parametrize("edit", [change_grade, rename_council], ids=["grade", "name"])
def test_an_edit_to_a_council_reaches_the_pages_of_its_peers(tmp_path: Path, edit: Edit) -> None:
    """Southtown's page sets Northtown's name and figures beside its own, though neither
    names the other: Northtown's grade reaches it only through the scorecards, its name only
    through the council record the page held."""
    files: Files = {"inspections/southtown-2020.yaml": SOUTHTOWN_INSPECTION}
    content, templates, output = edited_site(tmp_path, files)
    peer = output / "authorities" / "southtown" / "index.html"
    before = peer.read_bytes()
    edit(content, templates)
    build(content, templates, output)
    assert peer.read_bytes() != before
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")


def test_two_edits_in_a_row_bring_the_spare_folder_up_to_date(tmp_path: Path) -> None:
    content, templates, output = edited_site(tmp_path)
    for edit in (change_body, add_record, remove_record, change_template, rename_record):
        edit(content, templates)
        build(content, templates, output)
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")


def test_a_rebuild_with_nothing_changed_leaves_every_file_in_place(tmp_path: Path) -> None:
    content, templates, output = edited_site(tmp_path)
    before = inodes(output)
    build(content, templates, output)
    assert inodes(output) == before


def test_an_edit_writes_only_the_files_whose_bytes_changed(tmp_path: Path) -> None:
    content, templates, output = edited_site(tmp_path)
    before = inodes(output)
    change_body(content, templates)
    build(content, templates, output)
    after = inodes(output)
    rewritten = {path for path in after if before.get(path) != after[path]}
    assert "cases/child-a/index.html" in rewritten
    assert "cases/child-b/index.html" not in rewritten
    assert "sources/report-a/index.html" not in rewritten


def test_the_first_edit_after_a_cold_build_makes_again_only_the_rows_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records read afresh (cold) and records from the cache must key their fragments alike."""
    content = make_site(tmp_path / "site")
    output = tmp_path / "site" / "output"
    build(content, TEMPLATES, output)
    made: list[str] = []
    row_fragment = data_rows.row_fragment

    def counted(inputs: data_rows.RowInput) -> data_rows.RowFragment:
        made.append(inputs.record.slug)
        return row_fragment(inputs)

    monkeypatch.setattr(data_rows, "row_fragment", functools.wraps(row_fragment)(counted))
    change_body(content, TEMPLATES)
    build(content, TEMPLATES, output)
    assert made == ["child-a"]


def test_equal_inputs_shared_differently_key_the_same_fragment() -> None:
    word = "safeguarding"
    copy = word.encode().decode()  # an equal string, but another object
    assert copy is not word
    fragments = FragmentCache(RowStore.in_memory())
    assert fragments.key(len, (word, word)) == fragments.key(len, (word, copy))


def test_fragments_come_back_from_the_store_in_order_and_are_made_only_when_missing(
    tmp_path: Path,
) -> None:
    made: list[str] = []

    def shout(word: str) -> str:
        made.append(word)
        return word.upper()

    path = tmp_path / "fragments.sqlite"
    first = FragmentCache(RowStore(path, b"code"))
    assert first.memo(shout, ["a", "b", "a"]) == ["A", "B", "A"]
    assert made == ["a", "b"], "equal inputs in one call are made once"
    first.forget_others()
    first.store.save()
    first.store.close()
    made.clear()
    second = FragmentCache(RowStore(path, b"code"))
    assert second.memo(shout, ["c", "b", "a"]) == ["C", "B", "A"]
    assert made == ["c"]
    second.forget_others()
    second.store.save()
    assert second.store.keys == {second.key(shout, word) for word in "abc"}


def test_many_missing_fragments_are_made_in_workers_once_for_each_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A cold build makes every record's row: in the workers, each distinct input once."""
    monkeypatch.setattr(workers, "MIN_ITEMS_PER_JOB", 1)
    calls = tmp_path / "calls"

    def shout(word: str) -> tuple[str, int]:
        with open(calls, "a") as log:  # appended to from every process
            log.write(word + "\n")
        return word.upper(), os.getpid()

    words = [f"word{n % 30}" for n in range(60)]  # each word twice
    fragments = FragmentCache(RowStore(tmp_path / "fragments.sqlite", b"code"), jobs=2)
    values = fragments.memo(shout, words)
    assert [text for text, _ in values] == [word.upper() for word in words]
    assert {pid for _, pid in values} - {os.getpid()}, "none was made in a worker"
    assert sorted(calls.read_text().split()) == sorted(set(words)), "a word made twice"
    kept = fragments.store.get_many(fragments.key(shout, word) for word in words)
    assert sorted(text for text, _ in kept.values()) == sorted({w.upper() for w in words})


def test_long_lived_objects_stay_frozen_through_forked_workers_and_thaw_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The build freezes the linked site for its render stage; the workers it forks on the
    way must not thaw it, and the block must thaw it even when the build fails."""
    monkeypatch.setattr(workers, "MIN_ITEMS_PER_JOB", 1)
    with pytest.raises(RuntimeError), workers.long_lived():
        assert gc.get_freeze_count() > 0
        assert list(workers.map_missing(abs, [-1, -2, 3], [None] * 3, jobs=2)) == [1, 2, 3]
        assert gc.get_freeze_count() > 0, "map_chunks thawed what it did not freeze"
        raise RuntimeError("a build that fails")
    assert gc.get_freeze_count() == 0
    assert list(workers.map_missing(abs, [-1, -2], [None] * 2, jobs=2)) == [1, 2]
    assert gc.get_freeze_count() == 0, "map_chunks thaws what it froze"


def inodes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()
    }


def cache_folder(content: Path) -> Path:
    return build_cache.default_folder(content)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "garbage": lambda path: path.write_bytes(b"not a cache at all"),
    "truncated": lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
    "one byte flipped": lambda path: path.write_bytes(flip_last_byte(path.read_bytes())),
    "empty": lambda path: path.write_bytes(b""),
}


def flip_last_byte(raw: bytes) -> bytes:
    return raw[:-1] + bytes([raw[-1] ^ 0xFF])


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_cache_is_rebuilt_never_trusted(
    tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    content, templates, output = edited_site(tmp_path)
    folder = cache_folder(content)
    stores = sorted([*folder.rglob("*.pickle"), *folder.rglob("*.sqlite")])
    names = {(s.name if s.parent == folder else s.parent.name).split("-")[0] for s in stores}
    assert names == {"fragments", "index.pickle", "pages", "records", "texts"}
    for store in stores:
        damage(store)
    change_body(content, templates)
    build(content, templates, output)
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")
    build(content, templates, output)  # and the next build, from the rebuilt cache
    assert snapshot(output) == snapshot(tmp_path / "cold" / "output")


def test_fragments_found_damaged_when_read_are_made_again(tmp_path: Path) -> None:
    """The store names a page's search item but fails its checksum when it is read back
    for the index, after the page was reused: the item is made again from its record."""
    content, templates, output = edited_site(tmp_path)
    [fragments] = cache_folder(content).glob("fragments-*.sqlite")
    with sqlite3.connect(fragments) as db:
        assert db.execute("UPDATE entries SET checksum = checksum + 1").rowcount > 40
    change_body(content, templates)
    build(content, templates, output)
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_compiled_templates_are_compiled_again(
    tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    content, templates, output = edited_site(tmp_path)
    compiled = [p for p in (cache_folder(content) / "templates").iterdir() if p.name[0] != "."]
    assert len(compiled) >= 10, "compiled templates are kept"
    for path in compiled:
        damage(path)
    change_body(content, templates)
    build(content, templates, output)
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")


def test_compiled_templates_changed_on_disk_are_not_run(tmp_path: Path) -> None:
    """Jinja checks a compiled template against its source, not its own bytes: ours does."""
    content, templates, output = edited_site(tmp_path)
    changed = 0
    for path in (cache_folder(content) / "templates").iterdir():
        raw = path.read_bytes()
        if b"<main" in raw:
            path.write_bytes(raw.replace(b"<main", b"<mAin"))
            changed += 1
    assert changed == 1  # the base layout
    change_body(content, templates)
    build(content, templates, output)
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")


def test_a_cache_from_another_version_of_the_generator_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, templates, output = edited_site(tmp_path)
    for shard in (cache_folder(content) / "records").glob("*.pickle"):
        poison_cached_titles(shard)
    monkeypatch.setattr(build_cache, "code_digest", lambda: b"the next version")
    change_body(content, templates)
    build(content, templates, output)
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")
    stores = list(cache_folder(content).rglob("*.pickle"))
    assert len(stores) > 3
    for store in stores:
        assert store.read_bytes().startswith(build_cache.FORMAT + b"the next version"), store


def test_an_edit_writes_again_only_the_store_files_it_changed(tmp_path: Path) -> None:
    content, templates, output = edited_site(tmp_path)
    shards = {path: path.stat().st_mtime_ns
              for path in (cache_folder(content) / "records").glob("*.pickle")}  # fmt: skip
    assert len(shards) > 4, "the records are spread over several files"
    change_body(content, templates)
    build(content, templates, output)
    rewritten = [path for path, mtime in shards.items() if path.stat().st_mtime_ns != mtime]
    assert len(rewritten) == 1, "the file holding the edited record, and no other"


def poison_cached_titles(store: Path) -> None:
    """Rewrite the records store, validly, with every title changed: used, it would show."""
    namespace = build_cache.code_digest()
    entries = build_cache.read_store(store, namespace)
    assert entries
    for path, (digest, record) in entries.items():
        if hasattr(record, "title"):
            entries[path] = (digest, dataclasses.replace(record, title="Poisoned"))
    build_cache.write_store(store, namespace, entries)


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(tmp_path: Path) -> None:
    content, templates, output = edited_site(tmp_path)
    path = content / "cases" / "child-a.md"
    stat = path.stat()
    path.write_bytes(path.read_bytes().replace(b"title: Child A", b"title: Child E", 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    build(content, templates, output)
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")


def test_output_changed_by_hand_is_rebuilt(tmp_path: Path) -> None:
    content, templates, output = edited_site(tmp_path)
    (output / "cases" / "child-a" / "index.html").unlink()
    (output / "stray.html").write_text("not ours")
    page = output / "cases" / "child-b" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"<h1>", b"<h1>Tampered "))
    build(content, templates, output)
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")


def test_a_spare_folder_changed_by_hand_is_not_trusted(tmp_path: Path) -> None:
    content, templates, output = edited_site(tmp_path)
    spares = [p for p in cache_folder(content).iterdir() if p.name.startswith("spare-")]
    assert len(spares) == 1
    for page in spares[0].rglob("index.html"):
        page.write_bytes(b"tampered")
    (spares[0] / "stray").mkdir()
    (spares[0] / "stray" / "file.html").write_text("stray")
    change_body(content, templates)
    build(content, templates, output)
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")


def test_a_spare_folder_whose_marker_is_not_tied_to_the_output_is_replaced(
    tmp_path: Path,
) -> None:
    """One marked by an older version (an empty file, not a link to the lock) is not taken,
    and must not block keeping the next spare either."""
    content, templates, output = edited_site(tmp_path)
    (spare,) = [p for p in cache_folder(content).iterdir() if p.name.startswith("spare-")]
    (spare / MARKER).unlink()
    (spare / MARKER).write_bytes(b"")
    change_body(content, templates)
    build(content, templates, output)
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")
    assert is_ours(spare, output)  # the old output, kept as the next spare


def test_the_cache_lives_beside_the_content_and_ignores_itself(tmp_path: Path) -> None:
    content, _, _ = edited_site(tmp_path)
    folder = cache_folder(content)
    assert folder == tmp_path / "site" / ".cache" / "site-builder"
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"


def test_deleting_the_cache_only_makes_the_next_build_slower(tmp_path: Path) -> None:
    content, templates, output = edited_site(tmp_path)
    shutil.rmtree(cache_folder(content))
    change_body(content, templates)
    build(content, templates, output)
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")


def test_the_fixture_builds_the_same_with_one_job_or_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two jobs every stage runs in two forked workers (however few its items), which
    make, check and render the record pages and send back their bytes and search items."""
    monkeypatch.setattr(workers, "MIN_ITEMS_PER_JOB", 1)
    outputs = []
    for jobs in ("1", "2"):
        where = tmp_path / f"jobs-{jobs}"
        shutil.copytree(MINIMAL, where / "content")
        args = ["--content", str(where / "content"), "--templates", str(TEMPLATES)]
        assert (
            run_cli("build", *args, "--output", str(where / "output"), "--jobs", jobs).status == 0
        )
        outputs.append(snapshot(where / "output"))
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    "edit", [change_body, rename_case, change_grade], ids=["body", "title", "grade"]
)
def test_an_edit_built_in_two_workers_equals_a_cold_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: Edit
) -> None:
    monkeypatch.setattr(workers, "MIN_ITEMS_PER_JOB", 1)
    content, templates, output = edited_site(tmp_path)
    edit(content, templates)
    args = ["--content", str(content), "--templates", str(templates), "--output", str(output)]
    assert run_cli("build", *args, "--jobs", "2").status == 0
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")


def test_deleting_the_output_folder_only_makes_the_next_build_rebuild_it(tmp_path: Path) -> None:
    content, templates, output = edited_site(tmp_path)
    shutil.rmtree(output)
    build(content, templates, output)
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")


UNNAMED = {"cases/child-b", "cases/child-marigold", "inspections/northtown-2018"}


@pytest.mark.parametrize(
    ("edit", "reached", "unreached"),
    [
        # Only child A's own page shows its body: no other record page is made.
        (change_body, {"cases/child-a"}, None),
        # Its title shows where it is named: the evaluation judging it, the source it cites
        # (and the councils' pages, as the scorecards hold the case).
        (rename_case, {"cases/child-a", "inspections/northtown-scr-evaluations",
                       "sources/report-a"}, UNNAMED),
    ],
    ids=["body", "title"],
)  # fmt: skip
def test_an_edit_makes_the_contexts_only_of_the_record_pages_it_can_reach(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    edit: Edit,
    reached: set[str],
    unreached: set[str] | None,
) -> None:
    content, templates, output = edited_site(tmp_path)
    made: list[str] = []
    record_page = render.record_page

    def counted(record: Record, *args: object) -> object:
        made.append(f"{record.collection}/{record.slug}")
        return record_page(record, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "record_page", counted)
    edit(content, templates)
    build(content, templates, output)
    assert reached <= set(made)
    assert set(made) == reached if unreached is None else not unreached & set(made)
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")


def count_rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The output path of every page rendered from now on, in this process, in order."""
    rendered: list[str] = []
    render_page = render.render_page

    def counted(env: object, settings: object, page: object) -> bytes:
        rendered.append(page.output_path)  # type: ignore[attr-defined]
        return render_page(env, settings, page)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "render_page", counted)
    return rendered


def test_an_edit_to_a_body_renders_again_no_page_but_the_records_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lists, timelines and council pages naming child A show its face, not its body:
    they are checked, found unchanged and not rendered."""
    content, templates, output = edited_site(tmp_path)
    rendered = count_rendered(monkeypatch)
    change_body(content, templates)
    build(content, templates, output)
    # The data page lists the sizes of the downloads, which hold every body.
    assert sorted(rendered) == ["cases/child-a/index.html", "data/index.html"]


def test_an_output_restored_with_the_cache_is_known_by_its_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A publish saves the build cache (without its spare folder), the output and its lock
    file with actions/cache, which packs them with tar, and the next publish unpacks them:
    every file anew, with new inodes (the output's marker still linked to the lock file, as
    tar keeps hard links). An edit then still renders only the pages it reaches; a restored
    page whose bytes differ from those recorded is rendered again."""
    content, templates, output = edited_site(tmp_path)
    site = content.parent
    for spare in (site / ".cache" / "site-builder").glob("spare-*"):
        shutil.rmtree(spare)  # as the workflow does before the cache is saved
    saved = [".cache/site-builder", "output", ".output.lock"]
    subprocess.run(["tar", "-cf", tmp_path / "cache.tar", "-C", site, *saved], check=True)
    for name in saved:
        shutil.rmtree(site / name) if (site / name).is_dir() else (site / name).unlink()
    subprocess.run(["tar", "-xf", tmp_path / "cache.tar", "-C", site], check=True)
    tampered = output / "sources" / "report-a" / "index.html"
    tampered.write_bytes(tampered.read_bytes().replace(b"<main", b"<MAIN"))  # the same size
    rendered = count_rendered(monkeypatch)
    change_body(content, templates)
    build(content, templates, output)
    assert sorted(rendered) == [
        "cases/child-a/index.html", "data/index.html", "sources/report-a/index.html",
    ]  # fmt: skip
    assert snapshot(output) == cold_build(content, templates, tmp_path / "cold")
