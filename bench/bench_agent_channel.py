"""How often `AGENT_CHANNEL=auto` picks the agent's channel, by the decision's points margin.

The certainty a stereo record states for `auto` (`callinsights/role_certainty.py`) is this
measurement: each scripted call is rendered with Piper with the two sides on their own
channels (`tests.speech.speak_apart`, the agent's on the left), each channel is transcribed on
its own through `/v1/audio/transcriptions` (as the pipeline transcribes a stereo call's channel
chunks), and `decide_agent_channel` is asked twice, once with the channels as rendered and once
swapped (the agent on the right), since its tie-breaks are not symmetric. Printed per set and
for the sets together: per margin (the winner's points minus the other channel's), the number
of decisions and the share that named the agent's channel.

`calibration` and `tuning` are what the table is derived from; `frozen` is the check on calls
nobody tuned the opening rule on. Channel transcripts are cached under `.data/eval/channels/`.

    python bench/bench_agent_channel.py [--sets calibration,tuning,frozen] [--base-url URL]
                                        [--cached-only] [-v]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_extraction as ev  # noqa: E402

from callinsights import transcription  # noqa: E402
from callinsights.ai import openai_client  # noqa: E402
from callinsights.channels import CHANNEL_NAMES  # noqa: E402
from callinsights.role_certainty import margin_of  # noqa: E402
from callinsights.roles import decide_agent_channel  # noqa: E402
from callinsights.transcript import Transcript  # noqa: E402

CHANNELS = ev.CACHE / "channels"
RATE = 16_000  # what split_audio's chunks are


def channel_transcripts(client, settings, call_id: str, turns: list) -> dict[str, Transcript]:
    """{"agent": ..., "customer": ...}: each side's channel transcribed alone (cached)."""
    from tests.speech import render_key, speak_apart, write_audio

    key = hashlib.sha256(f"{render_key(turns)}{settings.transcription_model}".encode()
                         ).hexdigest()[:16]
    path = CHANNELS / f"{call_id}-{key}.json"
    if path.exists():
        return {k: Transcript.model_validate(v) for k, v in json.loads(path.read_text()).items()}
    both = speak_apart(turns, agent_channel=0)
    out = {}
    for role, row in (("agent", 0), ("customer", 1)):
        wav = CHANNELS / f"{call_id}-{role}.wav"
        write_audio(both[row], wav, rate=RATE)
        payload = transcription.request(client, settings.transcription_model, wav.read_bytes(),
                                        wav.name, language=settings.language)
        out[role] = transcription.parse(payload)
        wav.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({k: v.model_dump() for k, v in out.items()}))
    return out


def cached_transcripts(call_id: str) -> dict[str, Transcript] | None:
    """The call's channel transcripts if an earlier run left them (`--cached-only`)."""
    found = sorted(CHANNELS.glob(f"{call_id}-*.json"))
    if not found:
        return None
    return {k: Transcript.model_validate(v) for k, v in json.loads(found[0].read_text()).items()}


def decisions(sides: dict[str, Transcript]) -> list[tuple[int, bool]]:
    """(margin, right) with the agent on the left, then on the right."""
    out = []
    for agent_side in CHANNEL_NAMES:
        other = next(n for n in CHANNEL_NAMES if n != agent_side)
        channels = {agent_side: sides["agent"].segments, other: sides["customer"].segments}
        chosen, why = decide_agent_channel(channels, "auto")
        out.append((margin_of(why), chosen == agent_side))
    return out


def table(rows: list[tuple[int, bool]]) -> dict[int, tuple[int, int]]:
    """margin -> (decisions, right)."""
    by: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for margin, right in rows:
        by[margin][0] += 1
        by[margin][1] += right
    return {m: (n, r) for m, (n, r) in sorted(by.items())}


def _print(title: str, rows: list[tuple[int, bool]]) -> None:
    right = sum(r for _, r in rows)
    print(f"{title}: {len(rows)} decisions, {right / max(1, len(rows)):.3f} right")
    for margin, (n, r) in table(rows).items():
        print(f"  margin {margin:2d}: {n:3d} decisions, {r:3d} right ({r / n:.3f})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="calibration,tuning,frozen")
    parser.add_argument("--base-url", help="OpenAI-compatible /v1 URL (default: start one)")
    parser.add_argument("--cached-only", action="store_true",
                        help="only the calls an earlier run transcribed (no model server)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every call")
    args = parser.parse_args(argv)
    every: dict[str, list[tuple[int, bool]]] = {}
    with contextlib.ExitStack() as stack:
        if not args.cached_only:
            settings = ev.served_settings(stack.enter_context(ev.model_server(args.base_url)))
            client = openai_client(settings)
        for name in args.sets.split(","):
            every[name] = []
            for script in json.loads(ev.SCRIPT_SETS[name].read_text()):
                sides = (cached_transcripts(script["id"]) if args.cached_only else
                         channel_transcripts(client, settings, script["id"], script["turns"]))
                if sides is None:
                    continue
                rows = decisions(sides)
                every[name] += rows
                if args.verbose:
                    print(f"  {script['id']}: {rows}", file=sys.stderr)
            _print(name, every[name])
            sys.stdout.flush()
    fit = [r for name in ev.FIT_SETS if name in every for r in every[name]]
    if fit:
        _print(" + ".join(n for n in ev.FIT_SETS if n in every) + " (the table's source)", fit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
