"""PII masking (`callinsights.redaction`): what is masked, what must stay, and word timings kept.

The merged-transcript test runs the real merge stage against Azurite with `REDACT_PII` on, on
chunk transcripts written the way `transcribe_chunk` writes them.
"""

from __future__ import annotations

import re
import uuid

import pytest

from callinsights.blobs import BlobStore
from callinsights.redaction import find_spans, luhn_ok, redact_text, redact_transcript
from callinsights.settings import Settings
from callinsights.stages import merge_transcript
from callinsights.stages.transcribe_chunk import chunk_transcript_name
from callinsights.transcript import Segment, Transcript, Word

MASKED = [
    # phone numbers, written
    ("Call me at 555-867-5309.", "phone"),
    ("my cell is (614) 555-0199 after five", "phone"),
    ("it's 614.555.0199", "phone"),
    ("reach me on 1-800-555-1212 anytime", "phone"),
    ("the number is 555 0199", "phone"),
    # phone numbers, spoken
    ("my number is seven one five, one three nine, two two oh four", "phone"),
    ("it's double five five, eight six seven, fifty three oh nine", "phone"),
    ("one eight hundred five five five one two one two", "phone"),
    ("six one four, triple five, oh one nine nine", "phone"),
    ("call six-one-four five-five-five oh-one-nine-nine", "phone"),
    ("it's five five five, uh, eight six seven, five three oh nine.", "phone"),
    ("Seven. One. Five. Five five five. Zero one nine nine.", "phone"),
    # cards (Luhn)
    ("card 4111 1111 1111 1111 expires", "card"),
    ("the visa is 4111-1111-1111-1111", "card"),
    ("four one one one, one one one one, one one one one, one one one one", "card"),
    ("it's 5500 0000 0000 0004", "card"),
    # social security numbers
    ("my social is 123-45-6789", "ssn"),
    ("social security number one two three four five six seven eight nine", "ssn"),
    ("my SSN is 123 45 6789", "ssn"),
    # bank accounts
    ("account number 000123456789", "account"),
    ("routing 021000021 and", "account"),
    ("the account is one two three four five six seven eight", "account"),
    # e-mail
    ("email john.smith@example.com please", "email"),
    ("send it to Rosa_Delgado+quotes@mail.example.co.uk.", "email"),
    ("it's john dot smith at gmail dot com thanks", "email"),
    ("write to rosa at clearview windows dot com", "email"),
    ("at jsmith at example.org for the quote", "email"),
    ("It is rosa.die as a gmail.com. Thank you.", "email"),  # "at" misheard (Whisper base)
]

KEPT = [
    "my budget is twenty thousand dollars",
    "around $1,250,000 total",
    "somewhere between 15,000 and 20,000",
    "about 12.5 thousand, maybe 12k",
    "by 12/25/2025 or sometime in 2024",
    "we bought it in 2019, 2020 and 2024",
    "back in nineteen ninety five",
    "twenty twenty four was a slow year",
    "Oh, five five five is the area code",
    "the zip is 43215",
    "the house is at 1234 Main Street",
    "the last four are 1234",
    "two hundred fifty thousand dollars, give or take",
    "next March, on the twenty third, at 10:30",
    "I'm at home, I'm at work",
    "we have three kids, two dogs and one cat",
    "a budget of eighteen thousand five hundred",
    "double glazing for two windows",
    "see clearview.com for the catalog",
    "Mr. Smith said it costs 2.5 million",
]


@pytest.mark.parametrize(("text", "kind"), MASKED)
def test_pii_is_masked(text: str, kind: str) -> None:
    masked = redact_text(text)
    assert f"[redacted:{kind}]" in masked, masked
    assert not re.search(r"\d{3}", masked.replace("[redacted", "")), masked


@pytest.mark.parametrize("text", KEPT)
def test_amounts_years_dates_and_small_numbers_stay(text: str) -> None:
    assert redact_text(text) == text


def test_the_words_around_a_mask_stay() -> None:
    assert redact_text("Sure, it's 555-867-5309. Thanks!") == "Sure, it's [redacted:phone]. Thanks!"
    assert redact_text("my budget is twenty thousand dollars and my number is 555-867-5309") == \
        "my budget is twenty thousand dollars and my number is [redacted:phone]"


def test_luhn() -> None:
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


def test_spans_do_not_overlap() -> None:
    tokens = ["mail", "me", "at", "5558675309@example.com", "or", "555-867-5309"]
    spans = find_spans(tokens)
    assert [(s.kind, s.start, s.end) for s in spans] == [("email", 3, 4), ("phone", 5, 6)]


def _word(text: str, start: float) -> Word:
    return Word(start=start, end=start + 0.4, word=text, probability=0.9, speaker="customer")


def _segment(words: list[Word]) -> Segment:
    return Segment(start=words[0].start, end=words[-1].end, words=words,
                   text=" ".join(w.word.strip() for w in words))


SPOKEN = "Sure, my number is seven one five, one three nine, two two oh four. Thanks.".split()  # noqa: SIM905


def _spoken_transcript() -> Transcript:
    words = [_word(f" {w}", 10.0 + i * 0.5) for i, w in enumerate(SPOKEN)]
    return Transcript(call_id="c", language="en", duration=30.0,
                      segments=[_segment(words[:6]), _segment(words[6:])])


def test_transcript_words_keep_their_times_across_segments() -> None:
    before = _spoken_transcript()
    after = redact_transcript(before)
    first, second = after.segments
    # the number starts in the first segment and ends in the second: one mask in each
    assert first.text == "Sure, my number is [redacted:phone]"
    assert second.text == "[redacted:phone]. Thanks."
    mask_a, mask_b = first.words[-1], second.words[0]
    assert (mask_a.start, mask_a.end) == (before.segments[0].words[4].start,
                                          before.segments[0].words[5].end)
    assert (mask_b.start, mask_b.end) == (before.segments[1].words[0].start,
                                          before.segments[1].words[-2].end)
    assert mask_a.word == " [redacted:phone]" and mask_a.speaker == "customer"
    assert (first.start, first.end, second.start, second.end) == (
        before.segments[0].start, before.segments[0].end, before.segments[1].start,
        before.segments[1].end)
    assert not re.search(r"\b(one|two|three|five|seven|nine|oh)\b", after.text)


def test_words_split_at_dots_are_read_as_one_address() -> None:
    """Whisper's words for "rosa.die as a gmail.com." (the "at" misheard)."""
    pieces = ["It", "is", "rosa", ".die", "as", "a", "gmail", ".com.", "Thank", "you."]
    words = [Word(start=i, end=i + 0.5, word=p) for i, p in enumerate(pieces)]
    [segment] = redact_transcript(Transcript(segments=[_segment(words)])).segments
    assert segment.text == "It is [redacted:email]. Thank you."
    mask = segment.words[2]
    assert (mask.start, mask.end) == (2, 7.5)


def test_a_rebuilt_segment_keeps_amounts_written_in_pieces() -> None:
    pieces = ["about", "$20", ",000.", "Call", "555", "-867", "-5309."]
    words = [Word(start=i, end=i + 0.5, word=p) for i, p in enumerate(pieces)]
    [segment] = redact_transcript(Transcript(segments=[_segment(words)])).segments
    assert segment.text == "about $20,000. Call [redacted:phone]."


def test_transcript_without_words_masks_segment_text() -> None:
    transcript = Transcript(segments=[Segment(start=0, end=3, text="Card 4111 1111 1111 1111.")])
    assert redact_transcript(transcript).text == "Card [redacted:card]."


def test_merged_transcript_blob_holds_no_pii(store: BlobStore, azurite: str) -> None:
    """Chunk transcripts with raw numbers (a number cut by a chunk boundary is never masked in
    either chunk) -> the merged blob written with REDACT_PII on holds none."""
    settings = Settings(storage_connection=azurite, redact_pii=True)
    call_id = uuid.uuid4().hex
    said = [("my number is 555-867-", 0.0, 60.0),
            ("5309 and the card is 4111 1111 1111 1111,", 59.0, 120.0),
            ("mail rosa at clearview dot com, budget twenty thousand dollars", 119.0, 180.0)]
    for index, (text, start, end) in enumerate(said):
        words = [_word(f" {w}", 5.0 + i) for i, w in enumerate(text.split())]
        doc = {"call_id": call_id, "index": index, "start": start, "end": end,
               "transcript": Transcript(language="en", segments=[_segment(words)]).model_dump(
                   mode="json")}
        store.write_json(settings.transcripts_container, chunk_transcript_name(call_id, index), doc)
    merged = merge_transcript(store, settings, {"call_id": call_id, "chunks": [
        {"index": i} for i in range(len(said))], "duration": 180.0})
    raw = store.read_bytes(settings.transcripts_container, merged["blob"]).decode()
    transcript = Transcript.model_validate_json(raw)
    said_words = [transcript.text] + [w.word for s in transcript.segments for w in s.words]
    assert not any(re.search(r"\d{3}", text) for text in said_words), said_words
    assert "clearview" not in raw and "rosa" not in raw
    assert "twenty thousand dollars" in transcript.text
    assert {"[redacted:phone]", "[redacted:card],", "[redacted:email],"} <= {
        w.word.strip() for s in transcript.segments for w in s.words}
