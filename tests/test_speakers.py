"""Two-channel calls, pure parts: the channel check, who the agent is, the interleaved merge."""

from __future__ import annotations

import numpy as np
import pytest

from callinsights import audio
from callinsights.call_context import CallContext
from callinsights.channels import ChannelMeter
from callinsights.merge import interleave, sentences
from callinsights.mono_roles import label_roles, word_accuracy
from callinsights.role_certainty import (
    MARGIN_CERTAINTY,
    SURE_CERTAINTY,
    UNLABELLED,
    certainty_of,
    for_reading,
    from_decision,
    margin_of,
    relied_on,
)
from callinsights.roles import decide_agent_channel, opening
from callinsights.timed_words import TimedWords
from callinsights.transcript import Roles, Transcript
from callinsights.transcript_lines import render, split_lines
from tests.text_calls import ROLES, segment

RATE = audio.SAMPLE_RATE
RNG = np.random.default_rng(7)


def bursts(seconds: float, on: list[tuple[float, float]]) -> np.ndarray:
    """Noise at speech level inside the `on` spans, digital silence elsewhere."""
    out = np.zeros(int(seconds * RATE), dtype=np.float32)
    for a, b in on:
        out[int(a * RATE):int(b * RATE)] = RNG.normal(0, 0.1, int(b * RATE) - int(a * RATE))
    return out


def layout_of(*channels: np.ndarray, block: int = 1600):
    meter = ChannelMeter(RATE)
    both = np.vstack(channels)
    for first in range(0, both.shape[1], block):
        meter.feed(both[:, first:first + block])
    return meter.layout()


AGENT_SPANS = [(0.5, 3.0), (6.0, 8.0), (11.0, 13.0)]
CUSTOMER_SPANS = [(3.5, 5.5), (8.5, 10.5), (12.5, 14.0)]


def test_two_sides_apart_are_stereo():
    layout = layout_of(bursts(15, AGENT_SPANS), bursts(15, CUSTOMER_SPANS))
    assert layout.kind == "stereo" and layout.apart and layout.channel is None
    assert abs(layout.correlation) < 0.1
    assert layout.to_dict()["layout"] == "stereo"


@pytest.mark.parametrize("make_right", [
    lambda left: left,  # the same signal twice
    lambda left: 0.5 * left,  # the same signal, quieter
    lambda left: left + RNG.normal(0, 0.005, left.size).astype(np.float32),  # and a little hiss
], ids=["identical", "quieter", "hiss"])
def test_one_signal_twice_is_mono(make_right):
    left = bursts(15, AGENT_SPANS + CUSTOMER_SPANS)
    layout = layout_of(left, make_right(left))
    assert layout.kind == "mono" and not layout.apart and layout.channel is None


@pytest.mark.parametrize("live, kind, channel", [(0, "left", 0), (1, "right", 1)])
def test_a_silent_channel_leaves_the_other_as_mono(live, kind, channel):
    speech, silence = bursts(15, AGENT_SPANS + CUSTOMER_SPANS), np.zeros(15 * RATE, np.float32)
    layout = layout_of(*((speech, silence) if live == 0 else (silence, speech)))
    assert layout.kind == kind and layout.channel == channel and not layout.apart


def test_one_channel_is_mono():
    meter = ChannelMeter(RATE)
    meter.feed(bursts(5, [(1, 3)]))
    assert meter.layout().kind == "mono" and meter.levels().size == 250


def side(turns: list[tuple[float, str]]) -> list:
    return [segment(start, text) for start, text in turns]


INBOUND_AGENT = side([(0.0, "Thanks for calling Summit Roofing, this is Tyler."),
                      (6.0, "Sure, where is the house?")])
INBOUND_CUSTOMER = side([(3.0, "Hi Tyler, my name is Ana Lopez, I am calling about a new roof."),
                         (8.0, "It is in Denver.")])
# Outbound: the customer answers first; the agent names the company after "from".
OUTBOUND_CUSTOMER = side([(0.0, "Hello?"), (5.0, "Yes, this is Ana.")])
OUTBOUND_AGENT = side([(1.0, "Hi, this is Dev from Brightline, am I speaking with Ana?")])


@pytest.mark.parametrize("left, right, agent", [
    (INBOUND_AGENT, INBOUND_CUSTOMER, "left"),
    (INBOUND_CUSTOMER, INBOUND_AGENT, "right"),
    (OUTBOUND_CUSTOMER, OUTBOUND_AGENT, "right"),
    (OUTBOUND_AGENT, OUTBOUND_CUSTOMER, "left"),
], ids=["inbound-left", "inbound-right", "outbound-right", "outbound-left"])
def test_auto_finds_the_agent_from_the_opening(left, right, agent):
    found, why = decide_agent_channel({"left": left, "right": right})
    assert found == agent, why
    assert why["rule"] == "auto" and set(why["points"]) == {"left", "right"}


def test_the_setting_wins_over_the_opening():
    found, why = decide_agent_channel({"left": INBOUND_CUSTOMER, "right": INBOUND_AGENT},
                                      "left")
    assert (found, why) == ("left", {"rule": "setting"})


def test_both_introduce_themselves_the_company_decides():
    assert opening(INBOUND_AGENT).points > opening(INBOUND_CUSTOMER).points
    assert opening([]).points == 0


def test_a_silent_side_or_a_tie_goes_to_who_spoke_first_then_left():
    assert decide_agent_channel({"left": [], "right": side([(1.0, "Okay.")])})[0] == "right"
    same = side([(1.0, "Okay.")])
    assert decide_agent_channel({"left": same, "right": same})[0] == "left"


def test_segments_are_cut_at_sentence_ends():
    parts = sentences(segment(0.0, "Hi there. How are you? Fine"))
    assert [p.text for p in parts] == ["Hi there.", "How are you?", "Fine"]
    assert parts[1].start == parts[1].words[0].start and parts[0].end == parts[0].words[-1].end


def test_interleave_orders_sentences_by_time_and_tags_every_word():
    agent = Transcript(language="en", duration=20, segments=[
        segment(0.0, "Hello, this is Megan. What is your name?"),  # two sentences, 0-2.4 s
        segment(6.0, "Perfect, that works.")])  # starts inside the customer's sentence
    customer = Transcript(language="en", duration=20, segments=[
        segment(1.0, "Hi."), segment(5.0, "My name is Dan Okafor, thanks.")])
    merged = interleave([("agent", agent), ("customer", customer)], call_id="c", duration=20)
    order = [(s.speaker, s.text.strip()) for s in merged.segments]
    assert order == [("agent", "Hello, this is Megan."), ("customer", "Hi."),
                     ("agent", "What is your name?"),
                     ("customer", "My name is Dan Okafor, thanks."),
                     ("agent", "Perfect, that works.")]
    assert all(w.speaker == s.speaker for s in merged.segments for w in s.words)
    overlap = merged.segments[3:]
    assert overlap[1].start < overlap[0].end  # both speakers keep their own times
    assert (merged.call_id, merged.language, merged.duration) == ("c", "en", 20)
    ctx = CallContext.of(TimedWords.from_segments(merged.segments))
    assert ctx.roles_known
    megan = next(i for i, w in enumerate(ctx.doc.norm) if w == "megan")
    dan = ctx.doc.norm.index("dan")
    assert ctx.speaker_of(megan) == "agent" and ctx.is_agent_word(megan)
    assert ctx.speaker_of(dan) == "customer" and not ctx.is_agent_word(dan)
    assert ctx.agent_names == {"megan"}


def test_mono_heuristic_labels_a_call_and_survives_a_missed_turn():
    """Turns as one-channel segments: the opening is the agent's, questions and answers turn
    the speaker, and phrase cues keep the call on track."""
    turns = [("A", "Thanks for calling Summit Roofing, this is Tyler. How can I help?"),
             ("C", "Hi, we need a new roof. We are in Denver."),
             ("A", "Sure. Can I get your name?"),
             ("C", "My name is Ana Lopez."),
             ("A", "Thanks Ana. I will send you a quote by Friday.")]
    t, segments = 0.0, []
    for _, text in turns:
        segments.append(segment(t, text))
        t = segments[-1].end + 0.5
    transcript = Transcript(segments=segments, duration=t)
    labelled = label_roles(transcript)
    truth = [who for who, text in turns for part in sentences(segment(0.0, text))]
    assert [s.speaker for s in labelled.segments] == [ROLES[w] for w in truth]
    doc = TimedWords.from_segments(labelled.segments)
    assert word_accuracy(doc.speakers, doc.speakers) == 1.0
    assert CallContext.of(doc).roles_known


def test_mono_heuristic_hears_an_outbound_pickup_as_the_customer():
    segments = [segment(0.0, "Hello?"), segment(1.5, "Hi, this is Dev from Brightline.")]
    labelled = label_roles(Transcript(segments=segments, duration=5.0))
    assert [s.speaker for s in labelled.segments] == ["customer", "agent"]


# -- how sure the labels are (callinsights/role_certainty.py) ------------------------------------

def test_a_setting_is_sure_and_auto_is_as_sure_as_its_margin_measured():
    assert from_decision({"rule": "setting"}) == Roles(
        source="channels-setting", certainty=1.0, sure=True, rule="setting")
    _, why = decide_agent_channel({"left": INBOUND_AGENT, "right": INBOUND_CUSTOMER})
    clear = from_decision(why)
    assert clear.source == "channels-auto" and clear.rule == "auto"
    assert clear.margin == margin_of(why) >= 3 and clear.sure
    assert clear.certainty == certainty_of(clear.margin) >= SURE_CERTAINTY
    same = side([(1.0, "Okay.")])
    _, tie = decide_agent_channel({"left": same, "right": same})
    assert from_decision(tie).margin == 0 and not from_decision(tie).sure
    assert certainty_of(99) == MARGIN_CERTAINTY[max(MARGIN_CERTAINTY)]
    assert all(0.0 <= c <= 1.0 for c in MARGIN_CERTAINTY.values())
    assert UNLABELLED.source == "none" and UNLABELLED.certainty is None and not UNLABELLED.sure


def _labelled(roles: Roles | None) -> Transcript:
    merged = interleave([("agent", Transcript(segments=INBOUND_AGENT)),
                         ("customer", Transcript(segments=INBOUND_CUSTOMER))])
    return merged.model_copy(update={"roles": roles})


def test_unsure_labels_stay_on_the_transcript_but_the_extraction_reads_none():
    unsure = _labelled(Roles(source="channels-auto", certainty=0.5, sure=False, rule="auto",
                             margin=0))
    read = for_reading(unsure)
    assert all(s.speaker for s in unsure.segments)  # shown, marked unsure by `roles`
    assert not any(s.speaker or any(w.speaker for w in s.words) for s in read.segments)
    assert [s.text for s in read.segments] == [s.text for s in unsure.segments]
    doc = TimedWords.from_segments(read.segments)
    assert not CallContext.of(doc).roles_known
    assert "AGENT" not in render(doc, split_lines(doc))  # the prompt's unlabelled lines
    sure = _labelled(from_decision({"rule": "setting"}))
    assert for_reading(sure) == sure and relied_on(sure)
    legacy = _labelled(None)  # merged before `roles`: its channel labels were trusted
    assert for_reading(legacy) == legacy and relied_on(legacy)
    assert not relied_on(Transcript(segments=INBOUND_AGENT, roles=UNLABELLED))


def test_a_transcript_without_roles_dumps_as_before():
    assert "roles" not in Transcript(call_id="c").model_dump()
    stated = Transcript(call_id="c", roles=UNLABELLED)
    assert Transcript.model_validate_json(stated.model_dump_json()).roles == UNLABELLED
