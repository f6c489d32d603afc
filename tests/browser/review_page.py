"""The review page as a reviewer uses it, for the browser tests: what to click, what to read.

Headless Chromium from the system (Debian's `chromium`; Playwright's own downloads are not
used), driven by Playwright for Python. Screenshots for the docs are taken by `screenshot()`
when `SCREENSHOTS=1` is set (`make screenshots`), so an ordinary test run changes no file.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, expect

from stack.config import PROJECT_ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS_DIR = PROJECT_ROOT / "docs" / "screenshots"
WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 400, "height": 860}
STORED_SECONDS = 180  # a decision to a stored record: the enrich and store activities


def launch(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make setup` installs Debian's chromium "
                    "(apt-get install chromium); elsewhere set CHROMIUM to a Chromium binary")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def screenshots_wanted() -> bool:
    return os.environ.get("SCREENSHOTS") == "1"


class ReviewPage:
    """One browser tab on the review page of one host."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.origin = origin
        self.errors: list[str] = []
        self.requests: list[tuple[str, str]] = []  # (method, URL) of every request it sent
        self.posts: list[tuple[str, str | None]] = []  # (URL, body) of every POST it sent
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", self._sending)

    def _sending(self, request) -> None:
        self.requests.append((request.method, request.url))
        if request.method == "POST":
            self.posts.append((request.url, request.post_data))

    @property
    def url(self) -> str:
        return f"{self.origin}/api/review"

    # -- signing in -------------------------------------------------------------------------

    def open(self, fragment: str = "") -> ReviewPage:
        self.page.goto(self.url + fragment)
        return self

    def log_in(self, key: str) -> ReviewPage:
        """Type the key into the page's form, as a reviewer does the first time."""
        self.open()
        self.page.get_by_label("Function key").fill(key)
        self.page.get_by_label("Function key").press("Enter")
        return self

    def login_error(self) -> Locator:
        return self.page.locator("#login-error")

    # -- the queue --------------------------------------------------------------------------

    def queue(self) -> Locator:
        return self.page.locator("#queue-view")

    def row(self, call_id: str) -> Locator:
        return self.page.locator(f"#queue-view tr[data-call-id='{call_id}']")

    def cell(self, call_id: str, label: str) -> Locator:
        return self.row(call_id).locator(f"td[data-label='{label}']")

    def awaiting_ids(self) -> list[str]:
        return self.page.locator("#awaiting-table tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.callId)")

    def filter_status(self, status: str) -> None:
        self.page.get_by_label("Status").select_option(status)

    def search(self, filters: dict[str, str], flagged: bool = False) -> None:
        """Fill the search form (`customer`, `city`, `product`, `from`, `to`) and press Search."""
        for name, text in filters.items():
            self.page.locator(f"#{name}-filter").fill(text)
        self.page.get_by_label("Flagged only").set_checked(flagged)
        self.page.get_by_role("button", name="Search").click()

    def search_form(self) -> dict[str, str | bool]:
        return self.page.locator("#queue-filter").evaluate("""form => Object.fromEntries(
            [...form.elements].filter(e => e.name).map(
                e => [e.name, e.type === 'checkbox' ? e.checked : e.value]))""")

    def queue_message(self) -> Locator:
        return self.page.locator("#queue-message")

    def listed_ids(self) -> list[str]:
        return self.page.locator("#queue-view tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.callId)")

    def sent(self, method: str, path_part: str) -> list[str]:
        """The URLs of the requests with this method whose URL holds `path_part`."""
        return [url for m, url in self.requests if m == method and path_part in url]

    def posted(self, path_part: str) -> list:
        """The JSON bodies of the POSTs whose URL holds `path_part`, in the order sent."""
        return [json.loads(body or "null") for url, body in self.posts if path_part in url]

    # -- the batch re-extraction ------------------------------------------------------------

    def batch_button(self) -> Locator:
        return self.page.get_by_role("button", name="Extract matching calls again…")

    def batch_dialog(self) -> Locator:
        return self.page.get_by_role("dialog", name="Extract matching calls again?")

    def batch_progress(self) -> Locator:
        return self.page.locator("#batch-progress")

    def batch_skipped(self) -> Locator:
        return self.page.locator("#batch-skipped li")

    # -- a call -----------------------------------------------------------------------------

    def open_call(self, call_id: str) -> ReviewPage:
        self.row(call_id).get_by_role("link").click()
        expect(self.page.locator("#call-view")).to_be_visible()
        expect(self.page.locator("#call-facts")).to_contain_text(call_id)
        return self

    def form(self) -> Locator:
        return self.page.locator("#decision-form")

    def field(self, name: str) -> Locator:
        return self.page.locator(f"#field-{name}")

    def flagged_names(self) -> list[str]:
        return self.page.locator("#flagged-fields .field").evaluate_all(
            "cards => cards.map(c => c.id.replace('field-', ''))")

    def quote(self, name: str) -> Locator:
        return self.field(name).locator("button.quote")

    def player_state(self) -> dict:
        return self.page.evaluate("""() => { const a = document.getElementById('player');
            return {time: a.currentTime, paused: a.paused, error: a.error && a.error.code,
                    seekable: a.seekable.length ? [a.seekable.start(0), a.seekable.end(0)] : null};
        }""")

    def wait_playing_from(self, start: float) -> None:
        """The audio element plays from `start` on (it seeked there: the route serves ranges)."""
        self.page.wait_for_function(
            """start => { const a = document.getElementById('player');
                return !a.paused && a.currentTime >= start - 0.05; }""", arg=start)

    def current_quote_words(self) -> list[str]:
        return self.page.locator("#transcript .w.current").all_inner_texts()

    def input(self, element_id: str) -> Locator:
        return self.page.locator(f"#{element_id}")

    def set_reviewer(self, name: str) -> None:
        self.page.get_by_label("Your name").fill(name)

    def approve_button(self) -> Locator:
        return self.page.locator("#approve-button")

    def reject(self, comment: str) -> None:
        self.page.get_by_label("Comment").fill(comment)
        self.page.get_by_role("button", name="Reject").click()

    def field_error(self, name: str) -> Locator:
        return self.page.locator(f"#field-{name}-error")

    def message(self) -> Locator:
        return self.page.locator("#call-message")

    # -- a call's lifecycle: Extract again, Process again, Delete call ----------------------

    def action(self, name: str) -> Locator:
        return self.page.locator("#call-actions").get_by_role("button", name=name, exact=True)

    def delete_dialog(self) -> Locator:
        return self.page.get_by_role("dialog", name="Delete this call?")

    def fact(self, name: str) -> Locator:
        return self.page.locator("#call-facts div").filter(
            has=self.page.get_by_text(name, exact=True)).locator("dd")

    def record_section(self) -> Locator:
        return self.page.locator("#record-section")

    def wait_stored(self) -> None:
        expect(self.record_section()).to_be_visible(timeout=STORED_SECONDS * 1000)

    def audit_rows(self) -> list[dict[str, str]]:
        return self.page.locator("#audit-table tbody tr").evaluate_all(
            """rows => rows.map(r => Object.fromEntries([...r.cells].map(
                c => [c.dataset.label, c.textContent])))""")

    def unlabelled_controls(self) -> list[str]:
        """Inputs, selects and textareas of the form with no accessible label."""
        return self.form().evaluate("""form => [...form.querySelectorAll('input, select, textarea')]
            .filter(c => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')
                         && !c.getAttribute('aria-labelledby'))
            .map(c => c.outerHTML)""")

    def overflows_horizontally(self) -> bool:
        return self.page.evaluate(
            "() => document.documentElement.scrollWidth > window.innerWidth + 1")

    def screenshot(self, name: str, *, full_page: bool = False) -> None:
        """`docs/screenshots/<name>.png` when SCREENSHOTS=1."""
        if screenshots_wanted():
            SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS_DIR / f"{name}.png"), full_page=full_page)
