"""The queue's "Extract matching calls again…": the batch re-extraction from the review page.

On the scripted app (tests/apps/calls), which serves the app's own `POST /api/reextractions`
over a scripted `reextract_call` (it holds each run until `Finish`), with real Azurite and the
SQLite records store; stored calls as `test_review_page_actions.stored_call` leaves them. Each
test has its own call dates, so the batches of one test never reach the calls of another, and
deletes its calls after (the app's own delete), so no later host's blob trigger finds their
recordings in the shared Azurite and starts them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Route, expect

from api.review_page import BATCH_PAGE
from tests import test_calls_on_devhost
from tests.browser import test_review_page_states
from tests.browser.review_page import NARROW, ReviewPage
from tests.browser.test_review_page_actions import stored_call
from tests.test_calls_on_devhost import fresh_id, record

pytestmark = [pytest.mark.browser]

host = test_calls_on_devhost.host  # the scripted app's host, for this module
review = test_review_page_states.review  # a reviewer's tab on it, signed in with the key
BATCH_ROUTE = "/api/reextractions"
NO_TRANSCRIPT = "the call has no stored merged transcript"


@pytest.fixture
def calls(host, azurite) -> Iterator[Callable[[str, str], tuple[str, str]]]:
    """`calls(tag, call_date)`: a stored call as `stored_call` makes it, deleted after the
    test with its recording, transcript, record and runs."""
    made: list[str] = []

    def make(tag: str, call_date: str) -> tuple[str, str]:
        call_id, file = stored_call(host, azurite, tag, call_date)
        made.append(call_id)
        return call_id, file

    yield make
    for call_id in made:
        code, body = test_calls_on_devhost.get(host, f"/api/calls/{call_id}?force=true",
                                               key=True, method="DELETE")
        assert code == 200, body


def untranscribed_call(host, tag: str, call_date: str) -> tuple[str, str]:
    """(call id, file) of a stored call without a merged transcript: the batch skips it."""
    call_id = fresh_id(tag)
    file = f"{tag}-{call_id[:6]}.wav"
    host.records.upsert({**record(call_id, call_date=call_date),
                         "metadata": {"blob_name": file}})
    return call_id, file


def searched(review: ReviewPage, filters: dict[str, str], call_ids: list[str]) -> None:
    """The queue shows these filters' calls (so it knows their file names)."""
    review.search(filters)
    for call_id in call_ids:
        expect(review.row(call_id)).to_be_visible()


def confirmed(review: ReviewPage) -> None:
    review.batch_button().click()
    review.batch_dialog().get_by_role("button", name="Extract again", exact=True).click()
    expect(review.batch_dialog()).to_be_hidden()


def watch_progress(review: ReviewPage) -> None:
    """Keep every text the progress region shows, in `window.batchTexts`."""
    review.page.evaluate("""() => { window.batchTexts = [];
        const region = document.getElementById('batch-progress');
        new MutationObserver(() => window.batchTexts.push(region.textContent))
            .observe(region, {childList: true, characterData: true, subtree: true}); }""")


def get_status(host, call_id: str) -> str:
    code, body = test_calls_on_devhost.get(host, f"/api/calls/{call_id}", key=True)
    assert code == 200
    return body["status"]


def test_a_batch_posts_the_queues_dates_page_after_page_and_lists_what_it_skipped(
        host, calls, review):
    dates = {"from": "2031-03-01", "to": "2031-03-03"}
    stored = [calls(f"batch{n}", "2031-03-02") for n in range(BATCH_PAGE + 1)]
    bare, bare_file = untranscribed_call(host, "bare", "2031-03-01")  # the oldest: page 2
    outside, _ = calls("outside", "2031-03-05")
    searched(review, dates, [call_id for call_id, _ in stored] + [bare])

    review.batch_button().click()
    dialog = review.batch_dialog()
    expect(dialog).to_contain_text("every stored call from 2031-03-01 to 2031-03-03")
    expect(dialog).to_contain_text("reviewed again when a field is doubtful")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    review.screenshot("batch-dialog")
    watch_progress(review)
    dialog.get_by_role("button", name="Extract again", exact=True).click()

    total = len(stored) + 1
    expect(review.batch_progress()).to_have_text(
        f"Done: {total} of {total} calls seen: {len(stored)} started, 1 skipped. The calls "
        "started are listed live in the queue.")
    expect(review.batch_skipped()).to_have_text([f"{bare_file}: {NO_TRANSCRIPT}"])
    first, second = review.posted(BATCH_ROUTE)  # two pages, the range once
    assert first == {**dates, "limit": BATCH_PAGE}
    assert set(second) == {"continuation", "limit"} and second["continuation"]
    texts = review.page.evaluate("window.batchTexts")
    assert f"{BATCH_PAGE} of {total} calls seen: {BATCH_PAGE} started, 0 skipped." in texts
    expect(review.batch_button()).to_be_enabled()
    expect(review.cell(stored[0][0], "Status")).to_have_text("Running")  # refreshed: live
    review.screenshot("batch-summary")
    review.page.set_viewport_size(NARROW)
    assert not review.overflows_horizontally()  # the bar and the summary wrap at 400 px
    assert get_status(host, outside) == "Completed"  # another date: not extracted again
    assert not review.errors


def test_the_dialog_says_what_the_batch_covers_and_cancel_sends_nothing(host, review):
    review.search({"from": "2031-04-01", "to": "2031-04-02", "city": "Boise"})
    review.batch_button().click()
    dialog = review.batch_dialog()
    expect(dialog).to_contain_text("every stored call from 2031-04-01 to 2031-04-02 again")
    expect(dialog).to_contain_text("The city filter does not narrow it")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(review.batch_button()).to_be_focused()  # back where the reviewer was

    review.page.get_by_role("button", name="Clear").click()
    review.filter_status("Rejected")
    expect(review.page.locator("#recent-title")).to_have_text("Calls: Rejected")
    review.batch_button().click()
    expect(dialog).to_contain_text("This extracts every stored Rejected call again.")
    expect(dialog).not_to_contain_text("does not narrow")
    review.page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    review.filter_status("Failed")
    expect(review.page.locator("#recent-title")).to_have_text("Calls: Failed")
    review.batch_button().click()
    expect(dialog).to_contain_text("This extracts every stored call again.")
    expect(dialog).to_contain_text("The status filter (Failed) does not apply")
    dialog.get_by_role("button", name="Cancel").click()
    assert review.posted(BATCH_ROUTE) == []
    expect(review.batch_progress()).to_have_text("")


def test_a_400_is_shown_in_the_routes_words(host, review):
    review.search({"from": "2031-05-03", "to": "2031-05-01"})
    expect(review.queue_message()).to_contain_text("The search was refused")
    confirmed(review)
    expect(review.queue_message()).to_have_text("The batch re-extraction was not started "
                                                 "(HTTP 400): from must not be after to")
    expect(review.batch_progress()).to_have_text("The batch started nothing.")
    expect(review.batch_button()).to_be_enabled()
    assert len(review.posted(BATCH_ROUTE)) == 1


def test_a_batch_request_that_never_reaches_the_app_is_reported(host, review):
    review.search({"from": "2031-05-10", "to": "2031-05-10"})
    review.page.route(f"**{BATCH_ROUTE}", lambda route: route.abort("internetdisconnected"))
    confirmed(review)
    expect(review.queue_message()).to_contain_text("(no answer): the request did not reach "
                                                   "the app")
    expect(review.batch_button()).to_be_enabled()  # free to try again


def test_stop_ends_the_batch_after_the_current_page(host, calls, review):
    """The first page is held back until Stop was clicked (the route still answers it): the
    batch ends with that page, and no second page is asked for."""
    day = {"from": "2031-06-01", "to": "2031-06-01"}
    stored = [calls(f"stop{n}", day["from"]) for n in range(BATCH_PAGE + 1)]
    searched(review, day, [call_id for call_id, _ in stored])
    held: list[Route] = []

    def hold_the_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    review.page.route(f"**{BATCH_ROUTE}", hold_the_first)
    confirmed(review)
    stop = review.page.get_by_role("button", name="Stop after this page")
    expect(stop).to_be_focused()
    expect(review.batch_button()).to_be_disabled()  # one batch at a time
    stop.click()
    expect(review.page.get_by_role("button", name="Stopping after this page…")).to_be_disabled()
    for _ in range(600):  # until the page's request reaches the handler
        if held:
            break
        review.page.wait_for_timeout(50)
    held[0].continue_()
    expect(review.batch_progress()).to_contain_text(
        f"Stopped: {BATCH_PAGE} of {len(stored)} calls seen: {BATCH_PAGE} started, 0 skipped.")
    assert len(review.posted(BATCH_ROUTE)) == 1
    expect(review.batch_button()).to_be_enabled()
    expect(review.batch_button()).to_be_focused()
    expect(stop).to_be_hidden()
    assert not review.errors
