"""PII redaction on the local stack (`REDACT_PII=true`): a caller gives a phone number, an
e-mail address and a budget; no stored transcript or record holds the number or the address,
the budget stays, and the masks keep their place in time."""

from __future__ import annotations

import json
import re

import pytest
from azure.storage.blob import BlobServiceClient

from stack.session import LocalStack
from tests.e2e.helpers import settle
from tests.matching import amount_heard
from tests.speech import rendered

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TURNS = [["A", "Brightline heating, how can I help?"],
         ["C", "Hi, I want a quote for a new furnace. My budget is about twenty thousand "
               "dollars."],
         ["A", "Sure. What is the best number to reach you?"],
         ["C", "My number is five five five, eight six seven, five three oh nine."],
         ["A", "And an e-mail address?"],
         ["C", "It is rosa dot diaz at gmail dot com."],
         ["A", "Thank you, I will send the quote today."]]


@pytest.fixture(scope="module")
def stack(make_stack) -> LocalStack:
    return make_stack({"REDACT_PII": "true"})


def transcripts(stack: LocalStack, call_id: str) -> dict[str, str]:
    with BlobServiceClient.from_connection_string(stack.cfg.storage_connection) as service:
        box = service.get_container_client("transcripts")
        return {b.name: box.download_blob(b.name).readall().decode()
                for b in box.list_blobs(name_starts_with=f"{call_id}/")}


def said(doc: dict) -> list[str]:
    """Every text a transcript document holds: segment texts and words."""
    transcript = doc.get("transcript", doc)
    return [t for s in transcript.get("segments", [])
            for t in [s["text"], *(w["word"] for w in s.get("words", []))]]


def test_no_stored_transcript_or_record_holds_the_number_or_the_address(stack, audio_dir):
    sub = stack.submit(rendered(TURNS, audio_dir, "pii_furnace"))
    record = settle(stack, sub)["record"]
    text = record["transcript"]["text"]
    assert "[redacted:phone]" in text, text
    assert not re.search(r"\d{3}\D?\d{4}", text) and "gmail" not in text.lower(), text
    assert amount_heard("20000", text) or "twenty thousand" in text.lower(), text
    blobs = transcripts(stack, sub.call_id)
    for name, raw in blobs.items():
        if name.endswith("record.json"):
            assert "gmail" not in raw.lower() and "5309" not in raw, name
            continue
        texts = said(json.loads(raw))
        assert texts, name
        assert not any(re.search(r"\d{3}\D?\d{4}|gmail", t.lower()) for t in texts), (name, texts)
    merged = json.loads(blobs[f"{sub.call_id}/transcript.json"])
    masks = [w for s in merged["segments"] for w in s["words"] if "[redacted:" in w["word"]]
    assert masks and all(0 < w["start"] < w["end"] <= merged["duration"] for w in masks)
