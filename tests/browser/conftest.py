"""Browser tests: headless Chromium on the review page of a local host.

`make_stack` is the end-to-end tests' fixture (a whole local stack per module, on free ports);
the browser is started once per module and each test gets fresh tabs (no shared session
storage, so every test signs in as a reviewer would).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.review_page import WIDE, launch
from tests.e2e import conftest as e2e

make_stack = e2e.make_stack  # the e2e tests' local stack per module
audio_dir = e2e.audio_dir

PageFactory = Callable[..., Page]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        running = launch(playwright)
        yield running
        running.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[PageFactory]:
    """Open a tab in a fresh browser context (its own session storage); closed after."""
    contexts = []

    def open_page(viewport: dict | None = None, headers: dict | None = None) -> Page:
        context = browser.new_context(viewport=viewport or WIDE, extra_http_headers=headers)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
