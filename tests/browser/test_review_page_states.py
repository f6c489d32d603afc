"""The review page in states a real call reaches slowly or rarely, on the scripted app.

The host runs the app's own routes over the scripted `process_call` (tests/apps/calls), which
holds a call in whatever custom status a test gives it: a running call's progress that then
finishes, a decision sent after the deadline, more stored calls than one page, the queue's
search over stored records (their `search` keys as `build_record` writes them), Easy Auth.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from callinsights.blobs import BlobStore
from callinsights.merge import interleave
from callinsights.search import MAX_TERM, search_keys
from callinsights.settings import Settings
from callinsights.stages.merge_transcript import transcript_name
from callinsights.transcript import Roles, Transcript
from tests import test_calls_on_devhost
from tests.browser.review_page import NARROW, ReviewPage
from tests.test_calls_on_devhost import (
    APP_DIR,
    AWAITING,
    KEY,
    finish,
    fresh_id,
    record,
    start,
)
from tests.text_calls import segment

pytestmark = [pytest.mark.browser]

host = test_calls_on_devhost.host  # the scripted app's host, for this module
RUNNING = {"stage": "transcribing", "chunks_total": 4, "chunks_done": 1}


@pytest.fixture
def review(host, new_page) -> ReviewPage:
    page = ReviewPage(new_page(), host.origin).log_in(KEY)
    expect(page.queue()).to_be_visible()
    return page


def test_a_running_call_shows_its_progress_and_its_end_without_a_reload(host, review):
    call_id = start(host, fresh_id("live"), RUNNING)
    review.page.get_by_role("button", name="Refresh").click()
    expect(review.cell(call_id, "Stage")).to_contain_text("1 of 4 chunks")
    review.open_call(call_id)
    expect(review.page.locator("#call-progress")).to_contain_text("1 of 4 chunks")
    host.records.upsert(record(call_id))
    finish(host, call_id, {"status": "Completed"})
    expect(review.page.locator("#call-status")).to_have_text("Completed")  # polled, no reload
    expect(review.record_section()).to_be_visible()
    expect(review.page.locator("#call-progress")).to_be_hidden()
    assert not review.errors


def test_a_stereo_call_shows_who_says_each_line(host, review, azurite):
    """A transcript with speakers (as a stereo call's merge writes it): each line is labelled
    Agent or Customer, and the page says where the labels come from and how sure they are."""
    call_id = start(host, fresh_id("speakers"), {**AWAITING, "deadline": "2099-01-01T00:00:00Z"})
    agent = Transcript(segments=[segment(0.0, "Thanks for calling Northwind, this is Megan."),
                                 segment(6.0, "Where is the shop?")])
    customer = Transcript(segments=[segment(3.0, "Hi, my name is Dana Whitfield."),
                                    segment(8.0, "In Boise.")])
    merged = interleave([("agent", agent), ("customer", customer)], call_id=call_id,
                        duration=10.0).model_copy(update={"roles": Roles(
                            source="channels-auto", certainty=0.5, sure=False, rule="auto",
                            margin=0)})
    BlobStore(azurite).write_bytes(Settings().transcripts_container, transcript_name(call_id),
                                   merged.model_dump_json().encode())
    review.page.get_by_role("button", name="Refresh").click()
    review.open_call(call_id)
    labels = review.page.locator("#transcript li .speaker")
    expect(labels).to_have_text(["Agent", "Customer", "Agent", "Customer"])
    expect(review.page.locator("#transcript li .speaker.customer").first).to_be_visible()
    expect(review.page.locator("#transcript-message")).to_contain_text(
        "speakers: from channels (auto, unsure")  # a close decision: shown, not relied on
    assert not review.errors
    finish(host, call_id)


def test_a_decision_after_the_deadline_says_so(host, review):
    past = (datetime.now(UTC) - timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    call_id = start(host, fresh_id("late"), {**AWAITING, "deadline": past})
    review.page.get_by_role("button", name="Refresh").click()
    expect(review.cell(call_id, "Deadline")).to_contain_text("passed")
    review.open_call(call_id)
    review.set_reviewer("dana")
    review.approve_button().click()
    expect(review.message()).to_contain_text("deadline passed")
    expect(review.form()).to_be_visible()  # the call still shows as waiting: nothing hidden
    finish(host, call_id)


def focused(review: ReviewPage) -> str:
    return review.page.evaluate("""() => { const e = document.activeElement;
        return e.id || e.className || e.tagName; }""")


def test_a_decision_takes_only_the_keyboard(host, review):
    """Enter opens the call from the queue; Tab reaches the quote before the decision; typing
    the name and Enter approves."""
    call_id = start(host, fresh_id("keys"), {**AWAITING, "deadline": "2099-01-01T00:00:00Z"})
    review.page.get_by_role("button", name="Refresh").click()
    review.row(call_id).get_by_role("link").focus()
    review.page.keyboard.press("Enter")
    expect(review.form()).to_be_visible()
    assert focused(review) == "call-title"
    visited = []
    while "reviewer" not in visited:
        assert len(visited) < 60, f"Tab never reached the reviewer's name: {visited}"
        review.page.keyboard.press("Tab")
        visited.append(focused(review))
    assert visited.index("quote") < visited.index("reviewer")
    review.page.keyboard.type("dana")
    review.page.keyboard.press("Enter")
    expect(review.message()).to_contain_text("accepted")
    finish(host, call_id)


def test_the_queue_pages_through_the_listing_and_filters_by_status(host, review):
    stored = [fresh_id(f"page-{i}") for i in range(30)]
    for call_id in stored:
        host.records.upsert(record(call_id, "Rejected", "2030-01-01"))  # the newest call dates
    review.filter_status("Rejected")
    rows = review.page.locator("#recent-table tbody tr")
    expect(rows).to_have_count(25)  # one page
    more = review.page.get_by_role("button", name="Load more calls")
    while more.is_visible():
        shown = rows.count()
        more.click()
        expect(rows).not_to_have_count(shown)  # the next page is in
    listed = rows.evaluate_all("rows => rows.map(r => r.dataset.callId)")
    assert set(stored) <= set(listed)
    statuses = set(review.page.locator("#recent-table .badge").all_inner_texts())
    assert statuses == {"Rejected"}
    expect(review.page.locator("#awaiting-section")).to_be_hidden()


def searchable(call_id: str, customer: str, city: str, products: list[str], flagged: list[str],
               call_date: str) -> dict:
    """A stored record with these fields and the search keys a run's record carries."""
    fields = {"customer_name": {"value": customer}, "city": {"value": city},
              "products_of_interest": {"value": products}}
    return {**record(call_id, "Completed", call_date), "extraction": fields,
            "metadata": {"blob_name": f"{customer.split()[0].lower()}.wav"},
            "review": {"outcome": "approved", "flagged": flagged},
            "search": search_keys(fields, flagged)}


def last_listing(review: ReviewPage) -> dict[str, str]:
    """The filters of the page's latest `GET /api/calls` for its recent calls (not the page:
    `limit`, `continuation`)."""
    url = [u for u in review.sent("GET", "/api/calls?") if "AwaitingApproval" not in u][-1]
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()
            if name not in ("limit", "continuation")}


def test_the_queue_searches_by_customer_city_product_flag_and_dates(host, review):
    calls = {"dana": ("Dana Ostrander", "Boise", ["solar panels"], ["budget"], "2032-03-01"),
             "lee": ("Lee Ostrander", "Plano", ["heat pump"], [], "2032-03-02"),
             "kim": ("Kim O'Strander", "Boise", ["heat pump", "solar battery"], ["city"],
                     "2032-03-03")}
    ids = {name: fresh_id(f"search-{name}") for name in calls}
    for name, facts in calls.items():
        host.records.upsert(searchable(ids[name], *facts))

    def listed(*names: str) -> None:
        """The queue shows these of the three calls and not the others (once it has listed)."""
        for name, call_id in ids.items():
            expect(review.row(call_id)).to_have_count(1 if name in names else 0)
        expect(review.queue_message()).to_be_empty()

    expect(review.page.get_by_label("Customer")).to_have_attribute("maxlength", str(MAX_TERM))
    review.search({"customer": "ostrander", "city": "BOISE"})
    listed("dana")  # "O'Strander" is "o strander": no part "ostrander"
    assert last_listing(review) == {"customer": "ostrander", "city": "BOISE"}
    assert "customer=ostrander&city=BOISE" in review.page.url

    review.page.reload()  # the route keeps the search
    listed("dana")
    form = review.search_form()
    assert (form["customer"], form["city"], form["flagged"]) == ("ostrander", "BOISE", False)

    review.page.get_by_role("button", name="Clear").click()
    review.search({"product": "heat pump", "from": "2032-03-03", "to": "2032-03-31"})
    listed("kim")
    assert last_listing(review) == {"product": "heat pump", "from": "2032-03-03",
                                    "to": "2032-03-31"}

    review.page.get_by_role("button", name="Clear").click()
    review.search({"product": "solar"}, flagged=True)
    listed("dana", "kim")
    assert last_listing(review)["flagged"] == "true"
    review.screenshot("queue-search")
    review.page.set_viewport_size(NARROW)
    expect(review.page.get_by_label("Flagged only")).to_be_visible()
    assert not review.overflows_horizontally(), "the search form scrolls sideways at 400 px"
    assert not review.errors


@pytest.mark.parametrize("filters,reason", [
    ({"from": "2032-03-03", "to": "2032-03-01"}, "from must not be after to"),
    ({"city": "!!"}, "city must hold a letter or a digit"),
])
def test_a_search_the_listing_refuses_shows_its_reason(host, review, filters, reason):
    host.records.upsert(record(fresh_id("refused")))
    review.search(filters)
    expect(review.queue_message()).to_have_text(f"The search was refused: {reason}")
    expect(review.page.locator("#recent-table tbody tr")).to_have_count(0)  # nothing stale
    expect(review.page.locator("#queue-filter input:focus, #queue-filter button:focus")
           ).to_have_count(1)  # the focus stays in the form
    review.page.get_by_role("button", name="Clear").click()
    expect(review.queue_message()).to_be_empty()


def test_a_wrong_key_opens_nothing(host, new_page):
    page = ReviewPage(new_page(), host.origin).log_in("not-the-key")
    expect(page.login_error()).to_contain_text("refused")
    expect(page.queue()).to_be_hidden()
    page.page.get_by_label("Function key").fill(KEY)
    page.page.get_by_label("Function key").press("Enter")
    expect(page.queue()).to_be_visible()


def principal(*roles: str) -> str:
    """What App Service Authentication injects for a signed-in Entra ID user."""
    claims = [{"typ": "name", "val": "Kim"}, *({"typ": "roles", "val": r} for r in roles)]
    return base64.b64encode(json.dumps({"auth_typ": "aad", "claims": claims}).encode()).decode()


def test_with_easy_auth_the_page_needs_a_sign_in_and_no_key(tmp_path, azurite, new_page):
    from devhost import HostProcess

    env = {"AzureWebJobsStorage": azurite, "DEVHOST_FUNCTION_KEY": KEY, "AUTH_MODE": "easyauth",
           "WEBSITE_AUTH_ENABLED": "true", "AUTH_REQUIRED_ROLE": "Reviewer",
           "RECORDS_SQLITE_PATH": str(tmp_path / "records.sqlite")}
    with HostProcess(APP_DIR, tmp_path / "host", env=env,
                     extra_args=["--no-azurite", "--no-model-server"]) as process:
        anonymous = ReviewPage(new_page(), process.origin).open()
        expect(anonymous.page.get_by_role("link", name="Sign in")).to_be_visible()
        signed_in = ReviewPage(new_page(headers={"X-MS-CLIENT-PRINCIPAL": principal("Reviewer")}),
                               process.origin).open()
        expect(signed_in.queue()).to_be_visible()
        expect(signed_in.page.locator("#login")).to_be_hidden()
        expect(signed_in.page.locator("#session-note")).to_contain_text("Entra ID")
        no_role = ReviewPage(new_page(headers={"X-MS-CLIENT-PRINCIPAL": principal()}),
                             process.origin).open()
        expect(no_role.page.locator("body")).to_contain_text("Reviewer")
