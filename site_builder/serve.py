"""Dev server: build, serve output/ with live reload, rebuild on every change to the sources.

A failed rebuild leaves the last good output/ as it was; pages are then answered with an
overlay listing the errors (never written into output/) until a rebuild succeeds.
"""

from __future__ import annotations

import html
import logging
import os
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import livereload  # type: ignore[import-untyped]
from livereload.handlers import LiveReloadHandler, StaticFileHandler  # type: ignore[import-untyped]
from livereload.watcher import Watcher  # type: ignore[import-untyped]
from tornado.ioloop import PeriodicCallback

from site_builder.config import SiteConfig
from site_builder.errors import BuildFailed, UsageError
from site_builder.pipeline import build_site

log = logging.getLogger(__name__)

POLL_MILLISECONDS = 50
Snapshot = dict[str, tuple[int, int]]


@dataclass
class BuildState:
    """The outcome of the latest build: deliberately mutable, shared by watcher and handler."""

    errors: tuple[str, ...] = ()

    @property
    def is_failing(self) -> bool:
        return bool(self.errors)


def serve_site(config: SiteConfig, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Build once, then serve config.output_dir until interrupted, rebuilding on change."""
    state = BuildState()
    rebuild_site(config, state)
    server = livereload.Server(watcher=SnapshotWatcher())
    server.SFH = overlay_handler(state)
    for folder in watched_folders(config):
        server.watch(str(folder), lambda changed: _rebuild_and_reload(config, state, changed))
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


def rebuild_site(config: SiteConfig, state: BuildState) -> bool:
    """Build into output/; on any failure keep the last good output and record the errors."""
    started = time.perf_counter()
    try:
        report = build_site(config)
    except BuildFailed as failed:
        state.errors = tuple(str(error) for error in failed.errors)
    except Exception:  # noqa: BLE001 - a crash in one rebuild must not stop the server
        state.errors = ("site-builder crashed while building:", traceback.format_exc())
    else:
        state.errors = ()
        elapsed = time.perf_counter() - started
        log.info("built %d records into %d files (%.2f s)", report.records, report.files, elapsed)
    if state.errors:
        _log_errors(state.errors)
    return not state.errors


def _log_errors(errors: tuple[str, ...]) -> None:
    for line in errors:
        log.error("%s", line)
    count = sum(1 for line in errors if not line.startswith("site-builder crashed"))
    log.error("%d error%s; the browser shows them until they are fixed", count,
              "" if count == 1 else "s")  # fmt: skip


def _rebuild_and_reload(config: SiteConfig, state: BuildState, changed: list[str]) -> None:
    """Rebuild, then tell every open browser to reload; log the time since the save."""
    saved = max((_mtime(path) for path in changed), default=time.time())
    log.info("changed: %s", ", ".join(os.path.relpath(path) for path in changed[:3]))
    rebuild_site(config, state)
    log.info("%.2f s from save to rebuild", max(0.0, time.time() - saved))
    is_css = len(changed) == 1 and changed[0].endswith(".css") and not state.is_failing
    LiveReloadHandler.reload_waiters(changed[0] if is_css else "*")


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:  # deleted
        return time.time()


class SnapshotWatcher(Watcher):  # type: ignore[misc]
    """Polls file sizes and times every 50 ms; runs each task once the folder has settled.

    Waiting for one unchanged poll avoids building from a file an editor is half-way
    through saving. Reloading is left to the task, so livereload's own 3-second throttle
    never drops a change.
    """

    def __init__(self) -> None:
        super().__init__()
        self._snapshots: dict[str, Snapshot] = {}
        self._pending: dict[str, set[str]] = {}

    def watch(self, path: str, func: Any = None, delay: Any = None, ignore: Any = None) -> None:
        super().watch(path, func, delay, ignore)
        self._snapshots[path] = take_snapshot(Path(path))

    def start(self, callback: Callable[[], None]) -> bool:
        PeriodicCallback(callback, POLL_MILLISECONDS).start()
        return True

    def examine(self) -> tuple[str | None, float | None]:
        """Run the task of every folder that changed and has since settled."""
        if self._changes:  # livereload's start-up message
            return self._changes.pop()  # type: ignore[no-any-return]
        for path, task in self._tasks.items():
            snapshot = take_snapshot(Path(path))
            changed = changed_paths(self._snapshots[path], snapshot)
            self._snapshots[path] = snapshot
            if changed:
                self._pending.setdefault(path, set()).update(changed)
            elif path in self._pending:
                task["func"](sorted(self._pending.pop(path)))
        return None, None


def take_snapshot(folder: Path) -> Snapshot:
    """Size and modification time of every file under folder."""
    snapshot: Snapshot = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            try:
                stat = os.stat(path)
            except OSError:  # removed while walking
                continue
            snapshot[path] = (stat.st_mtime_ns, stat.st_size)
    return snapshot


def changed_paths(before: Snapshot, after: Snapshot) -> set[str]:
    """Files added, removed or modified between two snapshots."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def overlay_handler(state: BuildState) -> type[StaticFileHandler]:
    """A static file handler that answers page requests with the errors while the build fails."""

    class OverlayHandler(StaticFileHandler):  # type: ignore[misc]
        def set_extra_headers(self, path: str) -> None:
            self.set_header("Cache-Control", "no-store")

        async def get(self, path: str, include_body: bool = True) -> None:
            if state.is_failing and is_page_request(path, self.request.headers.get("Accept", "")):
                self.set_status(500)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Cache-Control", "no-store")
                self.finish(render_overlay(state.errors) if include_body else None)
                return
            await super().get(path, include_body)

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            """The site's own 404 page, as the static host would serve it."""
            not_found = Path(self.root) / "404.html"
            if status_code == 404 and not_found.is_file():
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(not_found.read_bytes())
                return
            super().write_error(status_code, **kwargs)

    return OverlayHandler


def is_page_request(path: str, accept: str) -> bool:
    """Whether a request is for a page (not a stylesheet, feed or data file)."""
    name = path.rsplit("/", 1)[-1]
    return name == "" or name.endswith(".html") or "." not in name or "text/html" in accept


def render_overlay(errors: Iterable[str]) -> str:
    """The page shown instead of the site while the content has errors."""
    items = "\n".join(f"<li><pre>{html.escape(error)}</pre></li>" for error in errors)
    return _OVERLAY.format(items=items)


_OVERLAY = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The site could not be rebuilt</title>
<style>
body {{ font: 1rem/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem;
       color: #1a1a1a; }}
h1 {{ color: #a00000; }}
pre {{ white-space: pre-wrap; margin: 0; font-size: 0.95rem; }}
li {{ margin: 0.5rem 0; padding: 0.5rem; background: #fff0f0; border-left: 4px solid #a00000; }}
</style>
</head>
<body>
<main>
<h1>The site could not be rebuilt</h1>
<p>The preview keeps the last version that built. Fix each problem below (the file name
and line number say where), save the file, and this page will reload by itself.</p>
<ol>
{items}
</ol>
</main>
</body>
</html>
"""


def _quiet_request_logs() -> None:
    """One line per request would bury the build messages an editor needs to read."""
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)
    for name in ("livereload", "tornado"):  # livereload gives both a handler of its own
        logging.getLogger(name).propagate = False
