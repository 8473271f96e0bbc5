"""The static search index: Pagefind, fed the rendered record pages in memory."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from pagefind.index import IndexConfig
from pagefind.service import PagefindService

from site_builder import urls

log = logging.getLogger(__name__)

SEARCH_FOLDER = "pagefind"
INDEX_CONFIG: IndexConfig = {
    # Only the page's own content: not the header, navigation or footer.
    "root_selector": "main",
    # Citations, the helpline text and review dates repeat on every page: noise in results.
    "exclude_selectors": [".sources", ".support", ".reviewed", ".history"],
    "force_language": "en",
}
# Pagefind's ready-made interfaces and its highlighter: the search page has its own small
# script (templates/static/search.js), because Pagefind's interface puts a javascript: URL
# in its form, which a strict Content-Security-Policy refuses.
UNUSED_FILES = (
    "pagefind-component-ui.css",
    "pagefind-component-ui.js",
    "pagefind-highlight.js",
    "pagefind-modular-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-ui.css",
    "pagefind-ui.js",
    "wasm.unknown.pagefind",  # for pages of no known language; every page here is English
)
# Pagefind runs the text of adjacent elements together ("<dt>Judged by</dt><dd>Ofsted"
# is indexed as "byOfsted"); a space between tags keeps the words apart.
_ADJACENT_TAGS = re.compile(r">(?=<)")


class SearchIndexError(OSError):
    """Pagefind could not build the index (an OSError: the CLI reports it without a traceback)."""


def render_search_index(pages: Iterable[tuple[str, bytes]]) -> dict[str, bytes]:
    """The search bundle (index and Pagefind's scripts) for these pages, by output path.

    `pages` are (output path, HTML) pairs of exactly the pages to be found: the caller
    passes only visible, listed records, so drafts, embargoed and withdrawn records and
    private notes never reach the index.
    """
    documents = [
        (_url_of(path), _ADJACENT_TAGS.sub("> ", html.decode("utf-8")))
        for path, html in sorted(pages)
    ]
    # A worker thread has no event loop of its own, so this works under a running loop
    # too (the livereload server runs one).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        files = pool.submit(asyncio.run, _index(documents)).result()
    return {
        f"{SEARCH_FOLDER}/{name}": content
        for name, content in sorted(files.items())
        if name not in UNUSED_FILES
    }


def _url_of(output_path: str) -> str:
    """The address Pagefind reports for a page, from the site root: /cases/child-a/."""
    return "/" + urls.absolute_url("", output_path).lstrip("/")


async def _index(documents: list[tuple[str, str]]) -> dict[str, bytes]:
    try:
        service = await _PromptService().launch()
    except OSError as error:
        message = f"could not start Pagefind to build the search index: {error}"
        raise SearchIndexError(message) from error
    try:
        index = await service.create_index(INDEX_CONFIG)
        # All at once: Pagefind orders pages itself, so the bytes do not depend on which
        # answer comes first (the build tests check this), and it is faster.
        await asyncio.gather(
            *(index.add_html_file(content=html, url=url) for url, html in documents)
        )
        files = await index.get_files()
    except Exception as error:
        raise SearchIndexError(f"Pagefind could not build the search index: {error}") from error
    finally:
        await service.close()
    return {str(f["path"]): bytes(f["content"]) for f in files}


class _PromptService(PagefindService):
    """Pagefind's service, reading each answer as soon as it arrives.

    The package's own reader waits 0.1 s before every answer (3 s to index 28 pages,
    against 0.2 s here) and stops at answers over 2 MiB, which
    leaves the build waiting forever on a large index. This reader does neither, and
    fails every waiting request if the service stops.
    """

    async def _wait_for_responses(self) -> None:
        stream = self._backend.stdout
        assert stream is not None
        pending: list[bytes] = []
        try:
            while chunk := await stream.read(1 << 16):
                if b"," not in chunk:
                    pending.append(chunk)
                    continue
                *messages, rest = b"".join([*pending, chunk]).split(b",")
                pending = [rest]
                for message in filter(None, messages):
                    self._answer(json.loads(base64.b64decode(message)))
            error: Exception = SearchIndexError("the Pagefind service stopped")
        except (ValueError, KeyError, OSError) as failure:  # a broken answer: fail, not hang
            error = failure
        for future in self._responses.values():
            if not future.done():
                future.set_exception(error)

    def _answer(self, response: dict[str, Any]) -> None:
        future = self._responses.get(response.get("message_id", -1))
        if future is None or future.done():
            log.debug("Pagefind answer without a waiting request: %s", response)
            return
        payload = response["payload"]
        if payload.get("type") == "Error":
            future.set_exception(SearchIndexError(payload.get("message", "unknown error")))
        else:
            future.set_result(payload)

    async def close(self) -> None:
        """Stop the service; every request was awaited, so none is left waiting."""
        self._poll_task.cancel()
        self._backend.terminate()
        await self._backend.wait()
