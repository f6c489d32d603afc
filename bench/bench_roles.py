"""How well the mono role heuristic (`callinsights/mono_roles.py`) labels rendered calls.

Each scripted call is rendered with Piper in one channel (the same audio and transcript cache
as `bench/eval_extraction.py`), transcribed by the local Whisper, labelled by the heuristic,
and every recognised word is scored against who really said it: the turn whose time span holds
the word's middle (`tests.speech.turn_spans`). Printed per set: the share of words labelled
right by the heuristic and by three baselines (its boundary rule alone, flipping at every
strong boundary; every Whisper segment alternating, starting with the agent; everything the
agent), and the worst call. `tuning` is what the heuristic's points
were chosen on; `frozen` was never looked at while choosing them.

    python bench/bench_roles.py [--sets tuning,frozen] [--base-url URL] [-v]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_extraction as ev  # noqa: E402

from callinsights.ai import openai_client  # noqa: E402
from callinsights.mono_roles import AGENT, CUSTOMER, label_by_boundaries, label_roles, word_accuracy  # noqa: E402
from callinsights.timed_words import TimedWords  # noqa: E402
from callinsights.transcript import Transcript  # noqa: E402

ROLES = {"A": AGENT, "C": CUSTOMER}
SLACK_SECONDS = 0.5  # a word this close to a turn (recogniser timing drift) belongs to it


def truth_of(doc: TimedWords, spans: list[tuple[str, float, float]]) -> list[str | None]:
    """Who really said each word: the turn holding its middle, else the nearest one in reach."""
    out: list[str | None] = []
    for start, end in zip(doc.starts, doc.ends, strict=True):
        middle = (start + end) / 2
        distance, who = min(((max(a - middle, middle - b, 0.0), s) for s, a, b in spans),
                            default=(float("inf"), None))
        out.append(ROLES[who] if who and distance <= SLACK_SECONDS else None)
    return out


def true_roles(transcript: Transcript, turns: list[list[str]]) -> Transcript:
    """The transcript with each word's true speaker (from the rendered turns' times), cut into
    sentences of one speaker each: what a stereo recording of the call would give."""
    from callinsights.merge import sentences, with_speaker
    from tests.speech import turn_spans

    spans = turn_spans(turns)
    out = []
    for segment in transcript.segments:
        for part in sentences(segment):
            doc = TimedWords.from_segments([part])
            votes = [s for s in truth_of(doc, spans) if s]
            who = max(set(votes), key=votes.count) if votes else None
            out.append(with_speaker(part, who) if who else part)
    return transcript.model_copy(update={"segments": out})


def alternating(transcript: Transcript) -> Transcript:
    """Baseline: each recogniser segment the other speaker, the agent first."""
    from callinsights.merge import with_speaker

    return transcript.model_copy(update={"segments": [
        with_speaker(s, AGENT if i % 2 == 0 else CUSTOMER)
        for i, s in enumerate(transcript.segments)]})


def everything_agent(transcript: Transcript) -> Transcript:
    from callinsights.merge import with_speaker

    return transcript.model_copy(update={"segments": [with_speaker(s, AGENT)
                                                      for s in transcript.segments]})


METHODS = {"heuristic": label_roles, "boundaries only": label_by_boundaries,
           "alternating segments": alternating, "all agent": everything_agent}


def score_call(transcript: Transcript, turns: list[list[str]]) -> dict[str, float | None]:
    from tests.speech import turn_spans

    spans = turn_spans(turns)
    scores = {}
    for name, method in METHODS.items():
        doc = TimedWords.from_segments(method(transcript).segments)
        scores[name] = word_accuracy(doc.speakers, truth_of(doc, spans))
    return scores


def main(argv: list[str] | None = None) -> int:
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="tuning,frozen")
    parser.add_argument("--base-url", help="OpenAI-compatible /v1 URL (default: start one)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N calls of a set")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every call")
    args = parser.parse_args(argv)
    with ev.model_server(args.base_url) as base_url:
        settings = ev.served_settings(base_url)
        client = openai_client(settings)
        for name in args.sets.split(","):
            scripts = {s["id"]: s["turns"] for s in json.loads(ev.SCRIPT_SETS[name].read_text())}
            per_call = []
            for call in ev.script_calls(name)[:args.limit or None]:
                transcript, _ = ev.transcribe(client, settings, call)
                scores = score_call(transcript, scripts[call.id])
                per_call.append((call.id, scores))
                if args.verbose:
                    print(f"  {call.id}: " + ", ".join(f"{k} {v:.3f}" for k, v in scores.items()
                                                       if v is not None), file=sys.stderr)
            print(f"{name} ({len(per_call)} calls), share of words with the right speaker:")
            for method in METHODS:
                values = [s[method] for _, s in per_call if s[method] is not None]
                worst = min(per_call, key=lambda c: c[1][method] or 0.0)
                print(f"  {method:22s} mean {sum(values) / len(values):.3f}   "
                      f"worst {worst[1][method]:.3f} ({worst[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
