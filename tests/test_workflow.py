"""The GitHub Actions workflow: it lints clean, checks pull requests and publishes main."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_builder.cli import main

REPO = Path(__file__).parent.parent
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
WORKFLOW = REPO / ".github" / "workflows" / "site.yml"


def actionlint() -> str:
    """The actionlint binary installed with the test extra (beside this Python, or on PATH)."""
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.exists() else shutil.which("actionlint")
    assert found, "actionlint is missing: pip install -e '.[test]'"
    return found


def run_actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [actionlint(), "-no-color", *map(str, paths)],
        check=False, capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def steps_of(job: dict[str, Any]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def test_every_workflow_passes_actionlint() -> None:
    assert WORKFLOWS
    result = run_actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - uses: actions/checkout@v4\n        with: {fetch-depth: 0}\n"
                      "      - run: echo ${{ github.evnt_name }}\n")  # fmt: skip
    result = run_actionlint(broken)
    assert result.returncode != 0
    assert "evnt_name" in result.stdout


def test_pull_requests_are_checked(workflow: dict[Any, Any]) -> None:
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers
    check = workflow["jobs"]["check"]
    commands = [step.get("run", "") for step in steps_of(check)]
    assert "site-builder check" in commands
    assert any("pip install ." in command for command in commands)
    python = [s for s in steps_of(check) if s.get("uses", "").startswith("actions/setup-python")]
    assert python and python[0]["with"]["python-version"] == "3.11"


def test_main_is_built_and_published_to_pages(workflow: dict[Any, Any]) -> None:
    assert workflow[True]["push"]["branches"] == ["main"]
    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == "check"
    assert "refs/heads/main" in publish["if"] and "pull_request" in publish["if"]
    assert publish["permissions"]["pages"] == "write"
    assert publish["permissions"]["id-token"] == "write"
    uses = [step.get("uses", "") for step in steps_of(publish)]
    runs = [step.get("run", "") for step in steps_of(publish)]
    assert "site-builder build" in runs
    upload = next(
        s
        for s in steps_of(publish)
        if s.get("uses", "").startswith("actions/upload-pages-artifact")
    )
    assert upload["with"]["path"].rstrip("/") == "output"
    assert any(u.startswith("actions/deploy-pages") for u in uses)
    checkout = next(
        s for s in steps_of(publish) if s.get("uses", "").startswith("actions/checkout")
    )
    assert checkout["with"]["fetch-depth"] == 0  # full history for "last changed"


def test_workflow_grants_only_read_access_by_default(workflow: dict[Any, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read"}


def test_publishing_restores_and_saves_the_build_cache(workflow: dict[Any, Any]) -> None:
    """A publish after a small commit is an incremental build: the cache of the newest
    earlier publish is restored before the build, with the output it made and the output's
    lock file (tests/test_history.py shows that a cache from another commit cannot serve a
    stale page, tests/test_incremental.py that the output restored by tar is reused), and
    saved without the spare folder."""
    steps = steps_of(workflow["jobs"]["publish"])
    names = [step.get("uses", "") or step.get("run", "") for step in steps]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    build = names.index("site-builder build")
    assert names.index(cache["uses"]) < names.index(GUARD) < build
    assert names.index("rm -rf .cache/site-builder/spare-*") > build
    assert cache["with"]["path"].splitlines() == [".cache/site-builder", "output", ".output.lock"]
    key = cache["with"]["key"]
    assert "${{ github.sha }}" in key  # saved anew by every commit: a cache entry never changes
    prefix = key.split("${{ github.sha }}")[0]
    assert cache["with"]["restore-keys"].splitlines() == [prefix]


GUARD = next(
    step["run"]
    for step in yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["publish"]["steps"]
    if step.get("name") == "Keep the restored output only if the build can take it"
)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where the default site was built into output/, beside its lock file."""
    folder = tmp_path_factory.mktemp("published")
    args = ["--content", str(REPO / "content"), "--templates", str(REPO / "templates")]
    assert main(["build", *args, "--output", str(folder / "output")]) == 0
    return folder


@pytest.mark.parametrize("restored", ["by tar", "copied", "without its lock", "nothing"])
def test_a_restored_output_is_kept_only_if_the_build_can_take_it(
    published: Path, tmp_path: Path, restored: str
) -> None:
    """The workflow's guard keeps an output restored with its marker still linked to the
    lock file (as tar restores them) and removes any other, which the build would refuse."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    if restored == "copied":  # file by file, as a copy that keeps no link
        shutil.copytree(published / "output", workspace / "output")
        shutil.copy(published / ".output.lock", workspace)
    elif restored != "nothing":
        saved = ["output", ".output.lock"] if restored == "by tar" else ["output"]
        subprocess.run(["tar", "-cf", tmp_path / "saved.tar", "-C", published, *saved], check=True)
        subprocess.run(["tar", "-xf", tmp_path / "saved.tar", "-C", workspace], check=True)
    subprocess.run(["bash", "-e", "-c", GUARD], cwd=workspace, check=True)
    assert (workspace / "output").is_dir() == (restored == "by tar")
    args = ["--content", str(REPO / "content"), "--templates", str(REPO / "templates")]
    assert main(["build", *args, "--output", str(workspace / "output")]) == 0
