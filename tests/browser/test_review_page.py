"""A reviewer's whole job in headless Chromium, on the local stack with the real models.

Three sample calls go through the real pipeline (Whisper, the chat model) with the confidence
threshold at 0.99, so all three await approval. In the browser: sign in with the key, find the
call in the queue, play a quote (the audio element seeks to the quote's start through the
app's Range-serving route), correct a field (a bad budget first: the 400 shows at the field),
approve with Enter, and read the stored record with the change in its audit trail; reject a
call with a comment; a second reviewer's decision answered 409; a stored call extracted again
by the real `reextract_call`, then stopped and deleted from the page. Extracted values differ from
run to run, so the tests check what the page shows for whatever the call holds.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from stack.api import TERMINAL
from stack.calls import Submitted
from stack.commands import SAMPLES_DIR
from stack.session import LocalStack
from tests.browser.review_page import NARROW, STORED_SECONDS, ReviewPage
from tests.e2e.helpers import settle, value

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]

SAMPLES = {"approve": "03_windows_noname.m4a", "reject": "01_solar.wav",
           "conflict": "02_heat_pump.mp3"}
CORRECTED_NAME = "Dana Whitfield"


@pytest.fixture(scope="module")
def stack(make_stack) -> LocalStack:
    return make_stack({"CONFIDENCE_THRESHOLD": "0.99"})


@pytest.fixture(scope="module")
def waiting(stack: LocalStack) -> dict[str, Submitted]:
    """The three sample calls, processed by the real models, all awaiting approval."""
    subs = {name: stack.submit(SAMPLES_DIR / sample) for name, sample in SAMPLES.items()}
    states = stack.follow(subs.values())
    for sub in subs.values():
        assert states[sub.call_id]["status"] == "AwaitingApproval", states[sub.call_id]
    return subs


@pytest.fixture
def review(stack, waiting, new_page) -> ReviewPage:
    """A reviewer's tab, signed in with the function key through the page's own form."""
    page = ReviewPage(new_page(), stack.cfg.host_url).log_in(stack.cfg.function_key)
    expect(page.queue()).to_be_visible()
    return page


def wait_decided(stack: LocalStack, sub: Submitted) -> dict:
    return stack.follow([sub], settled=TERMINAL, timeout=600)[sub.call_id]


def test_a_wrong_key_shows_no_call(stack, waiting, new_page):
    page = ReviewPage(new_page(), stack.cfg.host_url).log_in("not-the-key")
    expect(page.login_error()).to_contain_text("refused")
    expect(page.queue()).to_be_hidden()
    for sub in waiting.values():
        expect(page.page.get_by_text(sub.blob)).to_have_count(0)


def test_the_queue_lists_the_waiting_calls_oldest_deadline_first(stack, waiting, review):
    ids = [sub.call_id for sub in waiting.values()]
    for sub in waiting.values():
        expect(review.row(sub.call_id)).to_be_visible()
    listed = [c for c in review.awaiting_ids() if c in ids]
    deadlines = {c: stack.api.status(c)["deadline"] for c in ids}
    assert listed == sorted(ids, key=deadlines.get)
    for sub in waiting.values():
        flagged = stack.api.status(sub.call_id)["flagged"]
        expect(review.cell(sub.call_id, "File")).to_contain_text(sub.blob)
        expect(review.cell(sub.call_id, "Status")).to_have_text("AwaitingApproval")
        expect(review.cell(sub.call_id, "Flagged")).to_have_text(str(len(flagged)))
        expect(review.cell(sub.call_id, "Deadline")).to_contain_text("in ")
        expect(review.cell(sub.call_id, "Call date")).to_have_text(
            stack.api.status(sub.call_id)["call_date"])
    review.screenshot("queue")
    review.page.set_viewport_size(NARROW)
    expect(review.cell(ids[0], "File")).to_be_visible()
    assert not review.overflows_horizontally(), "a narrow window scrolls sideways"
    review.screenshot("queue-narrow", full_page=True)


def test_play_a_quote_correct_a_field_and_approve(stack, waiting, review):
    sub = waiting["approve"]
    status = stack.api.status(sub.call_id)
    review.open_call(sub.call_id)
    expect(review.form()).to_be_visible()
    expect(review.page.locator("#flagged-fields .field")).to_have_count(len(status["flagged"]))
    assert set(review.flagged_names()) == set(status["flagged"])
    assert review.unlabelled_controls() == []

    # every field with a quote in time: click the first, hear it from its start
    fields = stack.api.request("GET", f"/api/calls/{sub.call_id}/fields", keyed=True).body
    quoted = [name for name, f in fields["fields"].items()
              if (f.get("evidence") or {}).get("start") is not None]
    assert quoted, f"the call's fields quote nothing: {fields}"
    name = quoted[0]
    start = fields["fields"][name]["evidence"]["start"]
    review.quote(name).click()
    review.wait_playing_from(start)
    player = review.player_state()
    assert player["error"] is None
    assert player["seekable"][0] <= start < player["seekable"][1], "the route lets it seek"
    assert review.current_quote_words(), "the quote's words are highlighted in the transcript"
    review.page.locator("#player").evaluate("a => a.pause()")
    review.screenshot("call")

    # a budget the schema refuses: the 400 is shown at the budget, nothing is decided
    amount = review.input("edit-budget-amount")
    before = amount.input_value()
    amount.fill("-5")
    review.set_reviewer("dana")
    review.approve_button().click()
    expect(review.field_error("budget")).to_contain_text("amount")
    expect(amount).to_have_attribute("aria-invalid", "true")
    assert stack.api.status(sub.call_id)["status"] == "AwaitingApproval"

    # correct the customer's name and approve with Enter
    amount.fill(before)
    name_input = review.input("edit-customer_name")
    name_input.fill(CORRECTED_NAME)
    expect(review.approve_button()).to_have_text("Approve with 1 correction")
    name_input.press("Enter")
    review.wait_stored()
    expect(review.message()).to_contain_text("Stored: Completed")
    rows = review.audit_rows()
    change = next(r for r in rows if r["Field"] == "Customer name")
    assert change["After"] == CORRECTED_NAME and change["By"] == "dana"
    expect(review.page.locator("#record-facts")).to_contain_text("approved")
    expect(review.form()).to_be_hidden()
    review.screenshot("record")

    record = wait_decided(stack, sub)["record"]
    assert value(record, "customer_name") == CORRECTED_NAME
    assert [c["field"] for c in record["review"]["changes"]] == ["customer_name"]
    assert not review.errors


def test_reject_with_a_comment(stack, waiting, review):
    sub = waiting["reject"]
    review.open_call(sub.call_id)
    review.set_reviewer("sam")
    review.reject("Wrong number: not a sales call")
    review.wait_stored()
    expect(review.page.locator("#call-status")).to_have_text("Rejected")
    expect(review.page.locator("#record-facts")).to_contain_text("Wrong number")
    expect(review.page.locator("#audit-empty")).to_be_visible()
    review_block = wait_decided(stack, sub)["record"]["review"]
    assert review_block["outcome"] == "rejected"
    assert review_block["comment"] == "Wrong number: not a sales call"


def test_a_second_decision_is_answered_409(stack, waiting, new_page):
    sub = waiting["conflict"]
    first, second = (ReviewPage(new_page(), stack.cfg.host_url).log_in(stack.cfg.function_key)
                     for _ in range(2))
    for page in (first, second):
        page.open_call(sub.call_id)
        expect(page.form()).to_be_visible()
    second.set_reviewer("lee")
    second.page.get_by_label("Comment").fill("Not interested, I think")
    first.set_reviewer("kim")
    first.approve_button().click()
    first.wait_stored()  # stored: the call no longer awaits approval
    second.page.get_by_role("button", name="Reject").click()
    expect(second.message()).to_contain_text("Already decided")
    expect(second.record_section()).to_be_visible()
    expect(second.page.locator("#record-facts")).to_contain_text("kim")
    stored = wait_decided(stack, sub)["record"]["review"]
    assert stored["outcome"] == "approved" and stored["reviewer"] == "kim"


def test_extract_again_with_the_real_models_then_stop_and_delete(stack, waiting, review):
    sub = waiting["conflict"]
    settle(stack, sub)  # stored, whichever test decided it (or none)
    review.page.get_by_role("button", name="Refresh").click()
    review.open_call(sub.call_id)
    expect(review.record_section()).to_be_visible()
    review.action("Extract again").click()
    run = f"{sub.call_id}-x1"
    expect(review.fact("Re-extraction")).to_have_text(run)
    state = stack.follow([sub])[sub.call_id]  # the chat model extracts the stored transcript
    assert state["status"] == "AwaitingApproval" and state["extraction_id"] == run, state
    expect(review.form()).to_be_visible(timeout=STORED_SECONDS * 1000)  # the view follows it
    review.action("Delete call").click()
    review.delete_dialog().get_by_role("button", name="Stop and delete").click()
    expect(review.queue_message()).to_contain_text("deleted", timeout=STORED_SECONDS * 1000)
    expect(review.row(sub.call_id)).to_have_count(0)
    assert stack.api.status(sub.call_id) is None  # GET /api/calls/{id}: 404
    assert not review.errors
