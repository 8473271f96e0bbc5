"""Dev server: build, serve output/ with live reload, rebuild on every change to the sources.

After a save, the pages of the edited records are rendered at once from what the last build
linked (live.py) and served from memory; the browser reloads. The full build then runs in a
background thread, so requests are answered meanwhile, and the browser reloads again when it
is done. A failed rebuild leaves the last good output/ as it was, and the site stays
browsable: every page is sent with the list of errors at its top (never written into
output/) until a rebuild succeeds. The web side (addresses, Host check, what is added to
pages) is in preview.py.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import watchfiles
from livereload.handlers import LiveReloadHandler  # type: ignore[import-untyped]
from livereload.watcher import Watcher  # type: ignore[import-untyped]
from tornado.ioloop import IOLoop

from site_builder.config import SiteConfig
from site_builder.errors import BuildFailed, UsageError
from site_builder.pipeline import build_site, refuse_unsafe_output
from site_builder.preview import BuildState, PreviewServer, ServedAddress

log = logging.getLogger(__name__)

SETTLE_MILLISECONDS = 30
CRASHED = "site-builder crashed while building:"


def serve_site(config: SiteConfig, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Build once, then serve config.output_dir until interrupted, rebuilding on change."""
    refuse_unsafe_output(config)  # a usage error, not something an edit can fix
    state = BuildState()
    rebuild_site(config, state)
    server = PreviewServer(ServedAddress(host, port), state, ChangeWatcher())
    builds = BackgroundBuilds(config, state)
    for folder in watched_folders(config):
        server.watch(str(folder), builds.on_change)
    _quiet_request_logs()
    log.info("serving %s on http://%s:%d/ (Ctrl+C to stop)", config.output_dir, host, port)
    try:
        server.serve(root=str(config.output_dir), host=host, port=port, open_url_delay=None,
                     restart_delay=0)  # fmt: skip
    except OSError as problem:  # most often: the port is taken by another preview
        raise UsageError(f"cannot serve on {host}:{port}: {problem.strerror}; "
                         "stop the other server or choose another --port") from problem  # fmt: skip


def watched_folders(config: SiteConfig) -> list[Path]:
    """The content (with site.yaml) and the templates; never the output."""
    return [folder for folder in (config.content_dir, config.templates_dir) if folder.exists()]


@dataclass(frozen=True)
class Outcome:
    """What one build gave the preview: its errors, or what it linked."""

    errors: tuple[str, ...]
    linked: Any = None  # live.Linked


def run_build(config: SiteConfig) -> Outcome:
    """Build into output/; any failure becomes the errors to show (the last good output stays)."""
    started = time.perf_counter()
    try:
        report = build_site(config, keep=True)
    except BuildFailed as failed:
        return Outcome(tuple(str(error) for error in failed.errors))
    except UsageError as problem:  # say, the output folder was replaced by one of the user's
        return Outcome((f"site-builder: {problem}",))
    except Exception as problem:  # noqa: BLE001 - a crash in one rebuild must not stop the server
        return Outcome((describe_crash(problem, config.templates_dir),))
    elapsed = time.perf_counter() - started
    log.info("built %d records into %d files (%.2f s)", report.records, report.files, elapsed)
    return Outcome((), report.linked)


def rebuild_site(config: SiteConfig, state: BuildState) -> bool:
    """Build here and now, and take its outcome (the first build of the preview)."""
    outcome = run_build(config)
    state.errors, state.linked = outcome.errors, outcome.linked or state.linked
    if state.errors:
        _log_errors(state.errors)
    return not state.errors


def describe_crash(problem: Exception, templates_dir: Path) -> str:
    """A template's mistake as `templates/x.html:LINE: message`; anything else, a traceback."""
    from site_builder.render.templating import describe_template_error

    in_template = describe_template_error(problem, templates_dir)
    if in_template is not None:
        return str(in_template)
    return f"{CRASHED}\n{traceback.format_exc()}"


def _log_errors(errors: tuple[str, ...]) -> None:
    for line in errors:
        log.error("%s", line)
    count = len(errors)
    log.error("%d error%s; the browser shows them until they are fixed", count,
              "" if count == 1 else "s")  # fmt: skip


class BackgroundBuilds:
    """Answers each save: the edited pages at once, then a full build in a thread of its
    own (one at a time; saves made meanwhile start one more when it ends)."""

    def __init__(self, config: SiteConfig, state: BuildState) -> None:
        self.config, self.state = config, state
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="site-builder")
        self.running: Future[Outcome] | None = None
        self.queued: list[str] = []  # what changed since the running build started
        self.edits_at_start = 0
        self.saved = 0.0

    def on_change(self, changed: list[str]) -> None:
        """Called on the server's loop when files changed and settled."""
        self.saved = max((_mtime(path) for path in changed), default=time.time())
        log.info("changed: %s", ", ".join(os.path.relpath(path) for path in changed[:3]))
        if self._serve_first(changed):
            LiveReloadHandler.reload_waiters("*")
        if self.running is None:
            self._start(changed)
        else:
            self.queued.extend(changed)

    def _serve_first(self, changed: list[str]) -> bool:
        """Render and serve the edited records' pages now, where the edit allows it."""
        from site_builder.live import first_pages

        if self.state.linked is None or self.state.is_failing:
            return False
        first = first_pages(self.state.linked, changed)
        if first is None:
            return False
        self.state.linked, pages = first
        self.state.fresh.update(pages)
        self.state.edits += 1
        log.info("%.3f s from save to the first %d pages", time.time() - self.saved, len(pages))
        return True

    def _start(self, changed: list[str]) -> None:
        self.edits_at_start = self.state.edits
        self.running = self.executor.submit(run_build, self.config)
        IOLoop.current().add_future(self.running, lambda done: self._finished(done, changed))

    def _finished(
        self, done: Future[Outcome] | asyncio.Future[Outcome], changed: list[str]
    ) -> None:
        """On the loop again: take the build's outcome, reload, start the next if needed."""
        outcome, self.running = done.result(), None
        is_current = self.state.edits == self.edits_at_start  # no edit shown since it started
        self.state.errors = outcome.errors
        if outcome.linked is not None and is_current:
            self.state.linked = outcome.linked
        if is_current:
            self.state.fresh.clear()
        if self.state.errors:
            _log_errors(self.state.errors)
        log.info("%.2f s from save to rebuild", max(0.0, time.time() - self.saved))
        is_css = len(changed) == 1 and changed[0].endswith(".css") and not self.state.is_failing
        LiveReloadHandler.reload_waiters(changed[0] if is_css else "*")
        if self.queued:
            queued, self.queued = sorted(set(self.queued)), []
            self._start(queued)


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:  # deleted
        return time.time()


class ChangeWatcher(Watcher):  # type: ignore[misc]
    """Hears of changes from the operating system (inotify, through watchfiles) rather than
    walking every file: a large site costs nothing between saves. The changes are handed
    over once the folders have been quiet for SETTLE_MILLISECONDS, so a file an editor is
    half-way through saving is not built from. Reloading is left to the task, so
    livereload's own 3-second throttle never drops a change."""

    def start(self, callback: Callable[[], None]) -> bool:
        IOLoop.current().spawn_callback(self.run)
        return True  # no polling for livereload to set up

    def examine(self) -> tuple[str | None, float | None]:
        return None, None

    async def run(self) -> None:
        folders = {os.path.abspath(path): task["func"] for path, task in self._tasks.items()}
        async for changes in watchfiles.awatch(*folders, step=SETTLE_MILLISECONDS):
            try:
                self.hand_over(folders, sorted({path for _, path in changes}))
            except Exception:  # a crash in one task must not end the watching
                log.exception("%s", CRASHED)

    def hand_over(self, folders: dict[str, Callable[[list[str]], None]], paths: list[str]) -> None:
        """Run the task of each folder with the paths that changed under it."""
        for folder, task in folders.items():
            under = [path for path in paths if path.startswith(folder + os.sep)]
            if under:
                task(under)


def _quiet_request_logs() -> None:
    """One line per request would bury the build messages an editor needs to read."""
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)
    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # "1 change detected"
    for name in ("livereload", "tornado"):  # livereload gives both a handler of its own
        logging.getLogger(name).propagate = False
