"""Headless Chromium for the tests (Debian's, as sitecheck uses), and what a page's
Content-Security-Policy refused in it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import sitecheck

# Runs in every document before its own scripts, so nothing the policy refuses goes unseen.
_LISTEN = """document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(`${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`);
});"""


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Headless Chromium (Debian's, as sitecheck uses), closed at the end."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.access(executable, os.X_OK):
        raise sitecheck.ToolMissingError(
            f"Chromium not found at {executable}; {sitecheck.SETUP_HINT}"
        )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=sitecheck.CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def chromium_page(**context_options: Any) -> Iterator[Any]:
    """A tab of headless Chromium, closed with its browser at the end."""
    with chromium() as browser:
        yield browser.new_context(**context_options).new_page()


def record_policy_violations(page: Any) -> list[str]:
    """A list that fills with every violation of the page's policy from now on, across
    navigations and reloads: the browser's event, and its console message as a second witness."""
    found: list[str] = []
    page.expose_function("reportViolation", lambda text: found.append(text))
    page.add_init_script(_LISTEN)
    page.on("console", lambda message: "Content Security Policy" in message.text
            and found.append(f"console: {message.text[:300]}"))  # fmt: skip
    return found
