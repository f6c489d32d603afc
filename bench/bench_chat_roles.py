"""Can the chat model label a mono call's speakers better than the heuristic? (issue 14)

One cheap pass per call: the call's sentences as numbered lines (`merge.sentences`, as the
heuristic cuts them), the local chat model asked through the `openai` SDK to label each line
AGENT or CUSTOMER, its answer held to a strict JSON schema (one key per line, each one of the
two labels; the local server turns it into a grammar). Scored like `bench/bench_roles.py`:
the share of recognised words given the speaker who really said them (the rendered turns'
times), next to the heuristic (`callinsights/mono_roles.py`) on the same calls. Replies are
cached under `.data/eval/chat_roles/`.

    python bench/bench_chat_roles.py [--sets frozen] [--limit 10] [--base-url URL] [-v]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_extraction as ev  # noqa: E402
from bench_roles import truth_of  # noqa: E402

from callinsights.ai import openai_client  # noqa: E402
from callinsights.merge import sentences, with_speaker  # noqa: E402
from callinsights.mono_roles import label_roles, word_accuracy  # noqa: E402
from callinsights.timed_words import TimedWords  # noqa: E402
from callinsights.transcript import Transcript  # noqa: E402

LABELS = {"AGENT": "agent", "CUSTOMER": "customer"}
SYSTEM = """\
You read the transcript of a recorded sales phone call between an AGENT (works for the \
company) and a CUSTOMER. The speakers are not marked. The lines are numbered, one sentence \
each; say who says each line. The agent usually answers with the company's name, introduces \
themself, asks for details (name, place, budget, timeline) and promises next steps; the \
customer says what they want, where they are and what they can spend. A question is often \
followed by the other speaker's answer. Answer JSON: every line number with AGENT or CUSTOMER."""
CACHE = ev.CACHE / "chat_roles"
MAX_TOKENS_PER_LINE = 8


def schema(n: int) -> dict:
    keys = [f"L{i}" for i in range(1, n + 1)]
    return {"type": "json_schema", "json_schema": {"name": "speakers", "strict": True, "schema": {
        "type": "object", "additionalProperties": False, "required": keys,
        "properties": {k: {"type": "string", "enum": list(LABELS)} for k in keys}}}}


def label_by_chat(client, model: str, transcript: Transcript) -> tuple[Transcript, float]:
    """The transcript cut into sentences, each with the speaker the chat model gave it."""
    parts = [p for s in transcript.segments for p in sentences(s)]
    lines = "\n".join(f"L{i}: {p.text.strip()}" for i, p in enumerate(parts, start=1))
    key = hashlib.sha256(json.dumps([model, SYSTEM, lines]).encode()).hexdigest()[:20]
    path = CACHE / f"{transcript.call_id or 'call'}-{key}.json"
    if path.exists():
        cached = json.loads(path.read_text())
    else:
        started = time.perf_counter()
        response = client.chat.completions.create(
            model=model, temperature=0, response_format=schema(len(parts)),
            max_tokens=MAX_TOKENS_PER_LINE * len(parts) + 16,
            messages=[{"role": "system", "content": SYSTEM},
                      {"role": "user", "content": "Transcript:\n" + lines}])
        cached = {"content": response.choices[0].message.content or "{}",
                  "seconds": round(time.perf_counter() - started, 2)}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(cached))
    try:
        answer = json.loads(cached["content"])
    except json.JSONDecodeError:
        answer = {}
    labelled = [with_speaker(p, LABELS[answer[f"L{i}"]]) if answer.get(f"L{i}") in LABELS
                else p for i, p in enumerate(parts, start=1)]
    return transcript.model_copy(update={"segments": labelled}), cached["seconds"]


def accuracy(transcript: Transcript, spans: list) -> float | None:
    doc = TimedWords.from_segments(transcript.segments)
    return word_accuracy(doc.speakers, truth_of(doc, spans))


def main(argv: list[str] | None = None) -> int:
    from tests.speech import turn_spans

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="frozen")
    parser.add_argument("--limit", type=int, default=10, help="the first N calls of each set")
    parser.add_argument("--base-url", help="OpenAI-compatible /v1 URL (default: start one)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every call")
    args = parser.parse_args(argv)
    with ev.model_server(args.base_url) as base_url:
        settings = ev.served_settings(base_url)
        client = openai_client(settings)
        for name in args.sets.split(","):
            scores: dict[str, list[tuple[str, float]]] = {"chat model": [], "heuristic": []}
            seconds = []
            for call in ev.script_calls(name)[:args.limit or None]:
                transcript, _ = ev.transcribe(client, settings, call)
                transcript = transcript.model_copy(update={"call_id": call.id})
                spans = turn_spans(call.turns)
                chat, took = label_by_chat(client, settings.chat_model, transcript)
                seconds.append(took)
                for method, labelled in (("chat model", chat),
                                         ("heuristic", label_roles(transcript))):
                    if (score := accuracy(labelled, spans)) is not None:
                        scores[method].append((call.id, score))
                if args.verbose:
                    print(f"  {call.id}: chat {scores['chat model'][-1][1]:.3f} "
                          f"heuristic {scores['heuristic'][-1][1]:.3f} ({took:.1f} s)",
                          file=sys.stderr)
            print(f"{name} ({len(seconds)} calls), share of words with the right speaker; "
                  f"chat seconds per call {sum(seconds) / max(1, len(seconds)):.1f}:")
            for method, rows in scores.items():
                worst = min(rows, key=lambda r: r[1])
                print(f"  {method:11s} mean {sum(s for _, s in rows) / len(rows):.3f}   "
                      f"worst {worst[1]:.3f} ({worst[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
