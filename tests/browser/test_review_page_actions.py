"""A call's lifecycle from the review page: Extract again, Process again, Delete call.

On the scripted app (tests/apps/calls), which serves the app's own lifecycle routes over a
scripted `process_call` and `reextract_call` (they hold a run until `Finish`), with real Azurite
and the SQLite records store: a stored call gets its recording, its merged transcript blob and
its record, so the routes find what they check for; nothing answers in their place.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from callinsights.blobs import BlobStore
from callinsights.call_ids import call_id_from_digest, digest_of_bytes, reextraction_id
from callinsights.settings import Settings
from callinsights.stages.merge_transcript import transcript_name
from devhost import Host
from tests import test_calls_on_devhost
from tests.browser import test_review_page_states
from tests.browser.review_page import ReviewPage
from tests.test_calls_on_devhost import AWAITING, finish, get, record, start, wait_until

pytestmark = [pytest.mark.browser]

host = test_calls_on_devhost.host  # the scripted app's host, for this module
review = test_review_page_states.review  # a reviewer's tab on it, signed in with the key
LATER = "2099-01-01T00:00:00Z"


def stored_call(host: Host, azurite: str, tag: str, call_date: str = "2026-01-05"
                ) -> tuple[str, str]:
    """(call id, file) of a Completed call as a run leaves it: record, recording, transcript."""
    settings, store = Settings(), BlobStore(azurite)
    content = f"recording {tag} {datetime.now(UTC).isoformat()}".encode()
    call_id = call_id_from_digest(digest_of_bytes(content))
    file = f"{tag}-{call_id[:6]}.wav"
    transcript = {"blob": transcript_name(call_id), "text": "hello there", "words": 2}
    host.records.upsert({**record(call_id, call_date=call_date), "transcript": transcript,
                         "metadata": {"blob_name": file, "container": settings.calls_container,
                                      "uploaded_at": f"{call_date}T09:00:00Z"}})
    # the record first: the blob trigger finds the call done and starts nothing
    store.write_bytes(settings.calls_container, file, content)
    store.write_bytes(settings.transcripts_container, transcript["blob"], b"{}")
    return call_id, file


def opened(review: ReviewPage, call_id: str) -> ReviewPage:
    review.page.get_by_role("button", name="Refresh").click()
    review.open_call(call_id)
    expect(review.page.locator("#call-actions")).to_be_visible()
    return review


def test_extract_again_shows_the_new_run_and_a_double_click_sends_one_request(
        host, azurite, review):
    call_id, _ = stored_call(host, azurite, "again")
    opened(review, call_id)
    expect(review.page.locator("#call-status")).to_have_text("Completed")
    review.action("Extract again").dblclick()
    run = reextraction_id(call_id, 1)
    expect(review.message()).to_contain_text(f"from the stored transcript (run {run})")
    expect(review.page.locator("#call-status")).to_have_text("Running")  # the new run's status
    expect(review.fact("Re-extraction")).to_have_text(run)
    expect(review.fact("Stage")).to_have_text("extracting")
    assert len(review.sent("POST", "/reextract")) == 1
    expect(review.action("Extract again")).to_be_disabled()  # live: only delete is offered
    expect(review.action("Process again")).to_be_disabled()
    expect(review.page.locator("#call-actions-hint")).to_contain_text("stopped and deleted")
    finish(host, run)
    expect(review.page.locator("#call-status")).to_have_text("Completed")  # polled back
    expect(review.action("Extract again")).to_be_enabled()
    assert not review.errors


def test_process_again_runs_the_pipeline_from_the_recording(host, azurite, review):
    call_id, _ = stored_call(host, azurite, "anew")
    opened(review, call_id)
    review.action("Process again").click()
    expect(review.message()).to_contain_text("Processing again from the recording")
    expect(review.page.locator("#call-status")).to_have_text("Running")
    expect(review.fact("Stage")).to_have_text("splitting")
    assert len(review.sent("POST", "/reprocess")) == 1
    wait_until(host, call_id, lambda inst: inst.custom_status)
    finish(host, call_id)
    assert not review.errors


def test_delete_after_confirming_goes_back_to_the_queue_and_the_call_is_gone(
        host, azurite, review):
    call_id, file = stored_call(host, azurite, "gone")
    opened(review, call_id)
    review.action("Delete call").click()
    dialog = review.delete_dialog()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(file)
    expect(dialog).to_contain_text("the recording")
    expect(dialog).to_contain_text("the stored record")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    review.screenshot("delete-dialog")
    dialog.get_by_role("button", name="Delete", exact=True).click()
    expect(review.queue()).to_be_visible()
    expect(review.queue_message()).to_have_text(f"Call “{file}” deleted.")
    expect(review.row(call_id)).to_have_count(0)
    assert get(host, f"/api/calls/{call_id}", key=True)[0] == 404
    [sent] = review.sent("DELETE", f"/calls/{call_id}")
    assert "force" not in sent
    assert not review.errors


def test_a_call_opened_from_a_search_goes_back_to_that_search(host, azurite, review):
    call_id, file = stored_call(host, azurite, "searched", call_date="2031-05-05")
    review.open("#/?from=2031-05-05&to=2031-05-05")
    review.open_call(call_id)
    back = review.page.locator("#back-link")
    expect(back).to_have_attribute("href", "#/?from=2031-05-05&to=2031-05-05")
    review.action("Delete call").click()
    review.delete_dialog().get_by_role("button", name="Delete", exact=True).click()
    expect(review.queue_message()).to_have_text(f"Call “{file}” deleted.")
    assert review.page.evaluate("location.hash") == "#/?from=2031-05-05&to=2031-05-05"
    expect(review.page.locator("#from-filter")).to_have_value("2031-05-05")


def test_cancel_or_escape_in_the_dialog_sends_nothing(host, azurite, review):
    call_id, _ = stored_call(host, azurite, "kept")
    opened(review, call_id)
    review.action("Delete call").click()
    review.delete_dialog().get_by_role("button", name="Cancel").click()
    expect(review.delete_dialog()).to_be_hidden()
    expect(review.action("Delete call")).to_be_focused()  # back where the reviewer was
    review.action("Delete call").click()
    review.page.keyboard.press("Escape")
    expect(review.delete_dialog()).to_be_hidden()
    assert review.sent("DELETE", call_id) == []
    assert get(host, f"/api/calls/{call_id}", key=True)[0] == 200


def test_a_call_awaiting_approval_is_stopped_and_deleted(host, review):
    call_id = start(host, test_calls_on_devhost.fresh_id("stop"), {**AWAITING, "deadline": LATER})
    opened(review, call_id)
    expect(review.action("Extract again")).to_be_disabled()
    review.action("Delete call").click()
    expect(review.delete_dialog()).to_contain_text("It is AwaitingApproval: its run is stopped")
    review.delete_dialog().get_by_role("button", name="Stop and delete").click()
    expect(review.queue_message()).to_contain_text("deleted")
    [sent] = review.sent("DELETE", f"/calls/{call_id}")
    assert sent.endswith("?force=true")
    assert get(host, f"/api/calls/{call_id}", key=True)[0] == 404


def test_a_409_shows_the_routes_reason(host, review):
    """A failed call without a merged transcript cannot be extracted again: the route's reason
    is shown, and the call stays as it was."""
    call_id = test_calls_on_devhost.fresh_id("failed")
    host.records.upsert({**record(call_id, "Failed"),
                         "error": {"stage": "transcribing", "reason": "no speech model"}})
    opened(review, call_id)
    review.action("Extract again").click()
    expect(review.message()).to_contain_text("HTTP 409")
    expect(review.message()).to_contain_text("the call has no stored merged transcript "
                                             "(it failed while transcribing)")
    expect(review.message()).to_be_focused()
    expect(review.action("Extract again")).to_be_enabled()
    expect(review.page.locator("#call-status")).to_have_text("Failed")


def test_a_delete_refused_because_the_call_started_meanwhile(host, azurite, review):
    """Someone starts a re-extraction while the page still shows the call stored: the delete
    without force is answered 409 with the route's words, the view then shows the run, and
    the dialog offers Stop and delete."""
    call_id, _ = stored_call(host, azurite, "raced")
    opened(review, call_id)  # a stored call's view is not polled
    assert get(host, f"/api/calls/{call_id}/reextract", key=True, method="POST")[0] == 202
    review.action("Delete call").click()
    review.delete_dialog().get_by_role("button", name="Delete", exact=True).click()
    expect(review.message()).to_contain_text("still running or awaiting approval")
    expect(review.page.locator("#call-status")).to_have_text("Running")
    review.action("Delete call").click()
    review.delete_dialog().get_by_role("button", name="Stop and delete").click()
    expect(review.queue_message()).to_contain_text("deleted")
    assert get(host, f"/api/calls/{call_id}", key=True)[0] == 404


def test_a_delete_of_a_call_already_deleted_says_so(host, azurite, review):
    call_id, _ = stored_call(host, azurite, "twice")
    opened(review, call_id)
    gone = get(host, f"/api/calls/{call_id}", key=True, method="DELETE")
    assert gone[0] == 200  # another reviewer was first
    review.action("Delete call").click()
    review.delete_dialog().get_by_role("button", name="Delete", exact=True).click()
    expect(review.message()).to_contain_text("HTTP 404")
    expect(review.message()).to_contain_text("does not exist any more")
    expect(review.delete_dialog()).to_be_hidden()


def test_a_request_that_never_reaches_the_app_is_reported(host, azurite, review):
    call_id, _ = stored_call(host, azurite, "offline")
    opened(review, call_id)
    review.page.route("**/reprocess", lambda route: route.abort("internetdisconnected"))
    review.action("Process again").click()
    expect(review.message()).to_contain_text("did not reach the app")
    expect(review.action("Process again")).to_be_enabled()  # free to try again
