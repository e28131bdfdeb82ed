"""What the browser tests share: Debian's chromium driven by Playwright, signing in, a
watch on CSP violations and requests to other origins, and screenshots kept as files
(test-artifacts/screens/, left behind by ./test and CI)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags chromium keeps dialling out of a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screens"


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


class Watch:
    """What a page did that the app forbids: CSP violations, requests that leave the
    app's origin, what it asked for and did not get (the browser's own requests too, such
    as its icon), and errors of its scripts."""

    def __init__(self, page, origin: str):
        self.violations: list[str] = []
        self.outside: list[str] = []
        self.missing: list[str] = []
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on(
            "request",
            lambda request: (
                self.outside.append(request.url)
                if not request.url.startswith((origin, "data:", "blob:", "about:"))
                else None
            ),
        )

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(message.text)
        elif message.type == "error" and "Failed to load resource" in message.text:
            self.missing.append(f"{message.page.url if message.page else ''}: {message.text}")


def log_in(page, username: str, language: str | None = None) -> None:
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]")
    # Signed in (a new session id), and every request of the first page answered: a late
    # one (the icon) would write its copy of the session over the next page's language.
    page.wait_for_url(lambda url: "/login" not in url)
    page.wait_for_load_state("networkidle")
    if language:
        page.goto(f"/lang/{language}", wait_until="networkidle")


def shot(page, name: str) -> Path:
    """A full-page screenshot kept as test-artifacts/screens/<name>.png."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def choose(page, selector: str, label: str, typed: str | None = None) -> None:
    """Set a drop-down by its visible text: a link to an entity of many rows (a remote
    select2) by typing the start of the name and clicking the record offered; any other
    with Playwright's select_option."""
    if "qms-remote-select" not in (page.get_attribute(selector, "class") or ""):
        page.select_option(selector, label=label)
        page.evaluate(f"window.jQuery && window.jQuery('{selector}').trigger('change')")
        return
    page.click(f"{selector} + .select2-container .select2-selection")
    page.fill(".select2-container--open .select2-search__field", typed or label)
    page.locator(".select2-results__option", has_text=label).first.click()


def offered(page, selector: str, typed: str = "") -> list[str]:
    """What a remote select offers for `typed` (its drop-down opened, read, closed)."""
    page.click(f"{selector} + .select2-container .select2-selection")
    page.fill(".select2-container--open .select2-search__field", typed)
    page.wait_for_selector(".select2-results__option:not(.loading-results)")
    page.wait_for_timeout(400)  # select2's delay before it asks, and the answer
    page.wait_for_selector(".select2-results__option:not(.loading-results)")
    texts = page.locator(".select2-results__option").all_inner_texts()
    page.keyboard.press("Escape")
    return texts
