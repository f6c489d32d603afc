"""How sure the speaker labels of a call are, said in its transcript and record (`roles`).

A stereo call's labels come from its channels: `AGENT_CHANNEL=left|right` is a setting that
cannot be wrong about this recorder (certainty 1.0); `auto` decides from each channel's opening
(`callinsights/roles.py`), and how often that is right depends on how clearly the opening
points decided. `MARGIN_CERTAINTY` is that measurement (`bench/bench_agent_channel.py`:
rendered two-channel calls, each channel through Whisper, the share of decisions that named
the agent's channel per points margin). A mono call has no labels (`source` "none").

Labels that are not sure (`SURE_CERTAINTY`) stay on the transcript for a person to see, marked
unsure, but the extraction reads the call as unlabelled (`for_reading`): a verifier that
trusts a wrong label drops the customer's own name as the agent's, which is worse than
working the roles out from the words as on a mono call.
"""

from __future__ import annotations

from callinsights.transcript import Roles, Transcript

# points margin -> share of auto decisions that were right, measured by
# bench/bench_agent_channel.py on the calibration + tuning sets (78 calls, 156 decisions,
# measured again 2026-12-03 13:25 UTC after the "Hi Megan" fix, docs/speakers.md), in three
# bands with one right and one wrong decision added (so a small band never claims 1.0):
# margin 0-1 38/42 right -> 0.886; 2-4 50/60 -> 0.823; 5 and more 54/54 -> 0.982. Not
# monotonic: a tie is decided by who speaks first, which is right on these calls; middling
# margins are where both sides' openings score. A margin above the last key reads as the last.
_LOW, _MIDDLE, _HIGH = 0.886, 0.823, 0.982
MARGIN_CERTAINTY = {0: _LOW, 1: _LOW, 2: _MIDDLE, 3: _MIDDLE, 4: _MIDDLE, 5: _HIGH}
SURE_CERTAINTY = 0.9  # at or above: the extraction and its verifiers rely on the labels


def margin_of(why: dict) -> int:
    """The auto decision's points margin (`decide_agent_channel`'s `why`)."""
    points = sorted((why.get("points") or {}).values(), reverse=True)
    return int(points[0] - points[1]) if len(points) == 2 else 0


def certainty_of(margin: int) -> float:
    """The measured share of auto decisions that were right at this margin."""
    return MARGIN_CERTAINTY[min(max(margin, 0), max(MARGIN_CERTAINTY))]


def from_decision(why: dict) -> Roles:
    """The labels of a stereo call, from how its agent channel was chosen."""
    if why.get("rule") != "auto":
        return Roles(source="channels-setting", certainty=1.0, sure=True, rule="setting")
    margin = margin_of(why)
    certainty = certainty_of(margin)
    return Roles(source="channels-auto", certainty=certainty, sure=certainty >= SURE_CERTAINTY,
                 rule="auto", margin=margin)


UNLABELLED = Roles(source="none")


def relied_on(transcript: Transcript) -> bool:
    """Whether the extraction may trust the transcript's labels (a transcript merged before
    `roles` existed: its labels came from channels, as they were trusted then)."""
    labelled = any(s.speaker for s in transcript.segments)
    return labelled and (transcript.roles is None or transcript.roles.sure)


def for_reading(transcript: Transcript) -> Transcript:
    """The transcript the extraction reads: as it is, or without labels it must not rely on."""
    if relied_on(transcript) or not any(s.speaker for s in transcript.segments):
        return transcript
    segments = [s.model_copy(update={"speaker": None, "words": [
        w.model_copy(update={"speaker": None}) for w in s.words]}) for s in transcript.segments]
    return transcript.model_copy(update={"segments": segments})
