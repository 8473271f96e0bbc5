"""What a search costs a reader: the index's size, the bytes one query fetches, and the time
to its first result in headless Chromium, on a built site.

    python bench/generate.py --records 10000 --out bench/work/10000
    site-builder build --content bench/work/10000/content --output bench/work/10000/output
    python bench/search_latency.py bench/work/10000/output --query birmingham --query review

Each run opens a fresh browser context (nothing cached) on the search page, waits for it to
load (it fetches meta.json then), types the query and presses Search: the time is from the
press to the first result on screen, and the bytes are those of every index file fetched,
meta.json included. A second time is from opening search/?q=... to the first result.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import threading
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking"]  # fmt: skip


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def measure(browser: Browser, site: str, query: str) -> tuple[float, float, int, int, str]:
    """(seconds from Search to the first result, seconds from opening ?q= to it, bytes
    fetched from the index, files fetched, the status line)."""
    context = browser.new_context()
    page = context.new_page()
    fetched: list[int] = []
    page.on("response", lambda r: "/search-index/" in r.url and fetched.append(len(r.body())))
    page.goto(site + "search/", wait_until="networkidle")
    page.get_by_label("Words to find").fill(query)
    started = time.perf_counter()
    page.get_by_role("button", name="Search", exact=True).click()
    page.locator("#search-results li").first.wait_for()
    typed = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    status = page.locator("#search-status").inner_text()
    context.close()
    context = browser.new_context()
    page = context.new_page()
    started = time.perf_counter()
    page.goto(f"{site}search/?q={query}")
    page.locator("#search-results li").first.wait_for()
    opened = time.perf_counter() - started
    context.close()
    return typed, opened, sum(fetched), len(fetched), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", type=Path, help="a built site")
    parser.add_argument("--query", action="append", help="words to search for (repeatable)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    index = args.output / "search-index"
    files = [p for p in index.iterdir() if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    print(f"index: {total:,} bytes in {len(files):,} files")
    handler = functools.partial(_Quiet, directory=str(args.output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for query in args.query or ["birmingham"]:
            runs = [measure(browser, site, query) for _ in range(args.runs)]
            typed = statistics.median(r[0] for r in runs) * 1000
            opened = statistics.median(r[1] for r in runs) * 1000
            fetched, count, status = runs[0][2], runs[0][3], runs[0][4]
            print(f"{query!r}: {status}")
            print(f"  fetched {fetched:,} bytes in {count} files ({fetched / total:.2%} of the "
                  f"index); first result {typed:.0f} ms after Search, {opened:.0f} ms after "
                  f"opening search/?q= (median of {args.runs})")  # fmt: skip
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
