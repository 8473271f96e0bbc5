"""The live preview's web server: the output folder, live reload, and the errors over each page.

It answers only requests addressed to the served address: a page on another site could
otherwise make a name of its own resolve to 127.0.0.1 (DNS rebinding) and read the preview,
drafts included. The live-reload socket takes no connection from a page of another origin.
Nothing here writes into the output folder: the errors are added to pages as they are sent.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import livereload  # type: ignore[import-untyped]
from livereload.handlers import (  # type: ignore[import-untyped]
    LiveReloadHandler,
    LiveReloadJSHandler,
    StaticFileHandler,
)
from tornado import httputil, web

from site_builder.overlay import STYLESHEET_PATH, error_page, stylesheet, with_errors

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "[::]"})
_HOST_HEADER = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(?P<port>[0-9]{1,5}))?")


@dataclass
class BuildState:
    """The outcome of the latest build: deliberately mutable, shared by watcher and handlers
    (on the server's loop only): its errors, what it linked (live.Linked), and the pages of
    edits made since, served from memory until a full build has them (`edits` counts them)."""

    errors: tuple[str, ...] = ()
    linked: Any = None
    fresh: dict[str, bytes] = field(default_factory=dict)
    edits: int = 0

    @property
    def is_failing(self) -> bool:
        return bool(self.errors)


@dataclass(frozen=True)
class ServedAddress:
    """The address given to `serve --host --port`, and the Host headers that name it."""

    host: str
    port: int

    def allows_host(self, header: str) -> bool:
        """Whether a Host header names this server: its own address, or on a loopback (or
        every) address also localhost, 127.0.0.1 and [::1]; on every address, any IP address.
        A domain name other than localhost is refused, whatever it resolves to."""
        match = _HOST_HEADER.fullmatch(header)
        if match is None or int(match["port"] or 80) != self.port:
            return False
        name, served = match["name"].lower(), _bracketed(self.host.lower())
        if name == served:
            return True
        if served in WILDCARD_HOSTS:
            return name in LOOPBACK_NAMES or _is_ip(name)
        return _is_loopback(served) and name in LOOPBACK_NAMES

    def allows_origin(self, origin: str) -> bool:
        """Whether a page of this origin may open the live-reload socket."""
        parts = urllib.parse.urlsplit(origin)
        return parts.scheme == "http" and self.allows_host(parts.netloc)


def _bracketed(host: str) -> str:
    """An IPv6 address as a Host header writes it: [::1]."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def _is_loopback(name: str) -> bool:
    return name == "localhost" or (
        _is_ip(name) and ipaddress.ip_address(name.strip("[]")).is_loopback
    )


class PreviewServer(livereload.Server):  # type: ignore[misc]
    """livereload's server with our own routes: no /forcereload, a Host check on every
    request, an origin check on the socket, and no inline script in any page."""

    def __init__(self, address: ServedAddress, state: BuildState, watcher: Any) -> None:
        super().__init__(watcher=watcher)
        self.address = address
        self.state = state

    def application(self, port: int, host: str, liveport: Any = None, debug: Any = None,
                    live_css: bool = True) -> None:  # fmt: skip
        """Called by livereload's serve(): make the web application and listen."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        handlers: list[Any] = [
            (r"/livereload", SocketHandler, {"address": self.address}),
            (r"/livereload\.js", LiveReloadJSHandler),
            (STYLESHEET_PATH.replace(".", r"\."), StylesheetHandler),
            (r"/(.*)", page_handler(self.state), {"path": self.root, "default_filename": "index.html"}),
        ]  # fmt: skip
        injector = type("Injector", (ScriptInjector,), {"state": self.state, "port": port})
        app = GuardedApplication(self.address, handlers, transforms=[injector])
        app.listen(port, address=host)


class GuardedApplication(web.Application):
    """Answers 403 to any request whose Host header does not name the served address."""

    def __init__(self, address: ServedAddress, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.address = address

    def find_handler(self, request: httputil.HTTPServerRequest, **kwargs: Any) -> Any:
        if not self.address.allows_host(request.headers.get("Host", "")):
            return self.get_handler_delegate(request, HostRefused, {"address": self.address})
        return super().find_handler(request, **kwargs)


class HostRefused(web.RequestHandler):
    """The answer to a request for another host name: 403, saying which address to use."""

    def initialize(self, address: ServedAddress) -> None:
        self.address = address

    def prepare(self) -> None:
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"This preview answers only at http://{self.address.host}:"
                    f"{self.address.port}/ (Host header not allowed).\n")  # fmt: skip


class SocketHandler(LiveReloadHandler):  # type: ignore[misc]
    """The live-reload socket, refused to pages of other origins (livereload allows any)."""

    def initialize(self, address: ServedAddress) -> None:
        self.address = address

    def check_origin(self, origin: str) -> bool:
        return self.address.allows_origin(origin)


class StylesheetHandler(web.RequestHandler):
    """The stylesheet of the error list: a file of its own, as the pages' policy allows."""

    def get(self) -> None:
        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(stylesheet())


class ScriptInjector(web.OutputTransform):
    """Adds the live-reload script (a file, not inline code) and, while the last build
    failed, the list of its errors to every HTML page sent."""

    state: BuildState
    port: int

    def transform_first_chunk(
        self, status_code: int, headers: httputil.HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, httputil.HTTPHeaders, bytes]:
        if "text/html" not in headers.get("Content-Type", "") or b"</head>" not in chunk:
            return status_code, headers, chunk
        script = f'<script src="/livereload.js?port={self.port}"></script>\n'.encode()
        chunk = chunk.replace(b"</head>", script + b"</head>", 1)
        if self.state.is_failing:
            chunk = with_errors(chunk, self.state.errors)
        if "Content-Length" in headers:
            headers["Content-Length"] = str(len(chunk))
        return status_code, headers, chunk


def page_handler(state: BuildState) -> type[StaticFileHandler]:
    """A static file handler that sends each page whole (so the injector sees all of it) and
    answers with the errors alone when there is no site to show."""

    class PageHandler(StaticFileHandler):  # type: ignore[misc]
        def set_extra_headers(self, path: str) -> None:
            self.set_header("Cache-Control", "no-store")

        async def get(self, path: str, include_body: bool = True) -> None:
            """A page rendered after a save and not yet written is sent from memory."""
            fresh = state.fresh.get(output_path(path))
            if fresh is None:
                return await super().get(path, include_body)  # type: ignore[no-any-return]
            self.absolute_path = None  # no file: no entity tag either (compute_etag)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_extra_headers(path)
            self.finish(fresh if include_body else b"")

        def compute_etag(self) -> str | None:
            return None if self.absolute_path is None else super().compute_etag()

        @classmethod
        def get_content(cls, abspath: str, start: int | None = None, end: int | None = None) -> Any:
            if not abspath.endswith(".html"):
                return super().get_content(abspath, start, end)
            return Path(abspath).read_bytes()[start:end]

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            """The site's own 404 page, as the static host would serve it; with no site yet,
            the errors that stopped the first build."""
            not_found = Path(self.root) / "404.html"
            self.set_header("Content-Type", "text/html; charset=utf-8")
            if status_code == 404 and not_found.is_file():
                self.finish(not_found.read_bytes())
            elif status_code == 404 and state.is_failing:
                self.finish(error_page(state.errors))
            else:
                super().write_error(status_code, **kwargs)

    return PageHandler


def output_path(address: str) -> str:
    """The output file a page address names: '' -> 'index.html', 'cases/x/' -> 'cases/x/index.html'."""
    return address + "index.html" if address == "" or address.endswith("/") else address
