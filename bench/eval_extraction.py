"""Extraction quality, measured end to end: audio -> model server -> `extract_fields`.

Two call sets, reported apart: the shared fixtures (`tests/data/fixtures/*.wav` with
`*.truth.json`) and the project's own scripted calls (`tests/data/extraction_calls.json`,
rendered with Piper on first use into `.data/extraction_calls/`). Each call is transcribed and
extracted through the real `openai` SDK, exactly as the app's activities do.

Printed: per-field accuracy over customer name, city, region, products, budget and timeline
(null is right when the call does not say it), the precision of auto-accepted fields
(confidence >= CONFIDENCE_THRESHOLD), their share, whether every value's quote occurs in the
transcript, and the time per call. Matching rules: `tests/matching.py` (docs/extraction.md).

    python bench/eval_extraction.py                      # starts its own model server
    python bench/eval_extraction.py --base-url http://127.0.0.1:8008/v1
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callinsights import transcription  # noqa: E402
from callinsights.ai import openai_client  # noqa: E402
from callinsights.confidence import words  # noqa: E402
from callinsights.extraction import extract_fields  # noqa: E402
from callinsights.settings import Settings  # noqa: E402
from callinsights.transcript import Transcript  # noqa: E402
from tests.matching import EXTRACTED_AS, correct  # noqa: E402

FIELDS = EXTRACTED_AS
OWN_CALLS = ROOT / "tests" / "data" / "extraction_calls.json"
RENDERED = ROOT / ".data" / "extraction_calls"


# --- grounding (the matching rules are the tests' own: tests/matching.py) -------------------

def quote_in_transcript(evidence: dict | None, transcript: Transcript) -> bool:
    """The evidence quote's words occur, in order and contiguous, in the transcript."""
    if not evidence:
        return False
    q, doc = words(evidence["quote"]), words(transcript.text)
    return any(doc[i:i + len(q)] == q for i in range(len(doc) - len(q) + 1))


# --- the calls ------------------------------------------------------------------------------

@dataclasses.dataclass
class Call:
    id: str
    audio: Path
    truth: dict


def fixture_calls(folder: Path) -> list[Call]:
    return [Call(p.stem.removesuffix(".truth"), p.with_name(p.name.replace(".truth.json", ".wav")),
                 json.loads(p.read_text())) for p in sorted(folder.glob("*.truth.json"))]


def own_sets(path: Path = OWN_CALLS) -> list[str]:
    """The groups of our scripted calls: "own" (written while building the engine), then the
    holdout groups, each written later without being tuned against first."""
    names = [script.get("set", "own") for script in json.loads(path.read_text())]
    return list(dict.fromkeys(names))


def own_calls(group: str = "own", path: Path = OWN_CALLS, folder: Path = RENDERED) -> list[Call]:
    """One group of our scripted calls, rendered with Piper the first time (fixtures' style)."""
    from tests.speech import rendered

    calls = []
    for script in json.loads(path.read_text()):
        if script.get("set", "own") != group:
            continue
        audio = rendered(script["turns"], folder, script["id"])  # a changed script re-renders
        calls.append(Call(script["id"], audio, script["truth"]))
    return calls


# --- running --------------------------------------------------------------------------------

@contextmanager
def model_server(base_url: str | None) -> Iterator[str]:
    """The given server, or a fresh `python -m modelserver serve` on a free port."""
    if base_url:
        yield base_url
        return
    from devhost import services

    with tempfile.TemporaryDirectory() as logs, \
            services.start_model_server(services.free_port(), Path(logs)) as proc:
        yield f"http://127.0.0.1:{proc.port}/v1"


def evaluate(client: Any, settings: Settings, call: Call) -> dict:
    """Transcribe and extract one call; per field: value, confidence, right, grounded."""
    started = time.perf_counter()
    payload = transcription.request(client, settings.transcription_model,
                                    call.audio.read_bytes(), call.audio.name,
                                    language=settings.language)
    transcript = transcription.parse(payload)
    heard = time.perf_counter()
    result = extract_fields(client, settings.chat_model, transcript)
    done = time.perf_counter()
    out = {"id": call.id, "seconds": round(done - heard, 2),
           "transcription_seconds": round(heard - started, 2), "fields": {}}
    for field, name in FIELDS.items():
        got = result["fields"][name]
        out["fields"][field] = {
            "truth": call.truth.get(field), "value": got["value"],
            "confidence": got["confidence"],
            "right": correct(field, call.truth.get(field), got["value"]),
            "grounded": got["value"] in (None, []) or quote_in_transcript(got["evidence"],
                                                                            transcript)}
    return out


def summarize(results: list[dict], threshold: float) -> dict:
    cells = [f for r in results for f in r["fields"].values()]
    accepted = [f for f in cells if f["confidence"] >= threshold]
    return {
        "calls": len(results),
        "accuracy": {field: round(sum(r["fields"][field]["right"] for r in results)
                                  / max(1, len(results)), 3) for field in FIELDS},
        "overall": round(sum(f["right"] for f in cells) / max(1, len(cells)), 3),
        "auto_accepted_share": round(len(accepted) / max(1, len(cells)), 3),
        "auto_accepted_precision": round(sum(f["right"] for f in accepted)
                                         / max(1, len(accepted)), 3),
        "grounded": all(f["grounded"] for f in cells),
        "seconds_per_call": round(sum(r["seconds"] for r in results) / max(1, len(results)), 2),
        "transcription_seconds_per_call": round(
            sum(r.get("transcription_seconds", 0) for r in results) / max(1, len(results)), 2),
    }


def _print(name: str, results: list[dict], summary: dict, verbose: bool) -> None:
    print(f"\n== {name}: {summary['calls']} calls")
    if verbose:
        for r in results:
            for field, f in r["fields"].items():
                mark = "ok " if f["right"] else "BAD"
                print(f"  {r['id']:28s} {field:14s} {mark} {f['confidence']:.2f} "
                      f"{json.dumps(f['value'])[:40]:40s} truth={json.dumps(f['truth'])}")
    for field, accuracy in summary["accuracy"].items():
        print(f"  accuracy {field:14s} {accuracy:.2f}")
    print(f"  accuracy overall        {summary['overall']:.2f}")
    print(f"  auto-accepted precision {summary['auto_accepted_precision']:.2f} "
          f"(share {summary['auto_accepted_share']:.2f})")
    print(f"  every value grounded    {summary['grounded']}")
    print(f"  extraction s/call       {summary['seconds_per_call']:.2f}")
    print(f"  transcription s/call    {summary['transcription_seconds_per_call']:.2f}")


def main(argv: list[str] | None = None) -> int:
    from tests.conftest import fixtures_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="OpenAI-compatible /v1 URL (default: start one)")
    parser.add_argument("--fixtures", type=Path, default=fixtures_path())
    parser.add_argument("--only", choices=["fixtures", *own_sets()], help="one call set")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every field")
    args = parser.parse_args(argv)
    sets = {"fixtures": lambda: fixture_calls(args.fixtures)}
    sets |= {group: functools.partial(own_calls, group) for group in own_sets()}
    chosen = [args.only] if args.only else list(sets)
    report = {}
    with model_server(args.base_url) as base_url:
        settings = dataclasses.replace(Settings.from_env(), openai_base_url=base_url,
                                       azure_openai_endpoint="")
        client = openai_client(settings)
        for name in chosen:
            results = [evaluate(client, settings, call) for call in sets[name]()]
            summary = summarize(results, settings.confidence_threshold)
            _print(name, results, summary, args.verbose)
            report[name] = {"summary": summary, "results": results}
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
