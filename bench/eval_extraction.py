"""Extraction quality end to end: audio -> model server -> the app's extract step, per call set.

Sets (reported apart; only `calibration` and `tuning` are ever tuned or fitted on):
- `fixtures`: the four committed fixture calls (`tests/data/fixtures`);
- `frozen`: 36 calls written apart and never tuned on (`tests/data/frozen_calls.json`); its
  first-run figures are kept in docs/extraction.md;
- `calibration`: 56 calls the confidence is fitted on (`tests/data/calibration_calls.json`);
- `tuning`: the 22 older scripted calls (`tests/data/extraction_calls.json`).

Each call is rendered with Piper (cached by a hash of its script), transcribed through
`/v1/audio/transcriptions` and read by the chat model through the `openai` SDK, exactly as the
activities do; transcripts and the model's replies are cached under `.data/eval/` (keyed by the
audio, the models and the prompt), so analysis variants cost no model time. Printed per set:
accuracy per field and overall, the precision and share of auto-accepted fields (confidence >=
the threshold), the share of calls sent to review, the expected calibration error and a
reliability table, each for the plain model (its own token probability as confidence), with the
verifiers, and with verifiers and the second reading (both calibrated). `--fit` refits the
shipped calibration on `calibration` + `tuning` first. Matching rules: `tests/matching.py`.

`--roles` also reads each scripted call with speaker labels: guessed by the mono heuristic
(`callinsights/mono_roles.py`) and the true ones (each word's speaker from the rendered turns'
times, as a stereo recording would give), and prints the full variant's figures for each, next
to the unlabelled reading the pipeline does for a mono call.

    python bench/eval_extraction.py [--sets frozen,fixtures] [--fit] [--roles] [--limit N] [-v]
                                    [--base-url URL]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
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

from callinsights import calibration, extraction, transcription  # noqa: E402
from callinsights.ai import openai_client  # noqa: E402
from callinsights.extraction_prompt import build_messages  # noqa: E402
from callinsights.settings import Settings  # noqa: E402
from callinsights.transcript import Transcript  # noqa: E402
from tests.matching import EXTRACTED_AS, correct  # noqa: E402

DATA = ROOT / "tests" / "data"
CACHE = ROOT / ".data" / "eval"
SCRIPT_SETS = {"frozen": DATA / "frozen_calls.json", "calibration": DATA / "calibration_calls.json",
               "tuning": DATA / "extraction_calls.json"}
FIT_SETS = ("calibration", "tuning")
REPORT_SETS = ("fixtures", "frozen")
VARIANTS = {
    "plain": extraction.Options(verify=False, second_reading=False, fill_empty=False),
    "verified": extraction.Options(verify=True, second_reading=False, fill_empty=False),
    "full": extraction.Options(verify=True, second_reading=True),
}


@dataclasses.dataclass
class Call:
    id: str
    set: str
    audio: Path
    truth: dict
    turns: list | None = None  # the script, for scripted calls


def fixture_calls(folder: Path) -> list[Call]:
    return [Call(p.name.removesuffix(".truth.json"), "fixtures",
                 p.with_name(p.name.replace(".truth.json", ".wav")), json.loads(p.read_text()))
            for p in sorted(folder.glob("*.truth.json"))]


def script_calls(name: str) -> list[Call]:
    """A set of scripted calls, rendered with Piper the first time (kept by a script hash)."""
    from tests.speech import rendered

    folder = CACHE / "audio"
    return [Call(s["id"], name, rendered(s["turns"], folder, s["id"]), s["truth"], s["turns"])
            for s in json.loads(SCRIPT_SETS[name].read_text())]


def calls_of(name: str, fixtures: Path) -> list[Call]:
    return fixture_calls(fixtures) if name == "fixtures" else script_calls(name)


# --- cached model work --------------------------------------------------------------------

def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()
                          ).hexdigest()[:20]


def transcribe(client: Any, settings: Settings, call: Call) -> tuple[Transcript, float]:
    key = _digest(settings.transcription_model, hashlib.sha256(call.audio.read_bytes()).hexdigest())
    path = CACHE / "transcripts" / f"{call.id}-{key}.json"
    if path.exists():
        cached = json.loads(path.read_text())
        return Transcript.model_validate(cached["transcript"]), cached["seconds"]
    started = time.perf_counter()
    payload = transcription.request(client, settings.transcription_model, call.audio.read_bytes(),
                                    call.audio.name, language=settings.language)
    transcript = transcription.parse(payload)
    seconds = round(time.perf_counter() - started, 2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"transcript": transcript.model_dump(), "seconds": seconds}))
    return transcript, seconds


def ask(client: Any, settings: Settings, call: Call, transcript: Transcript
        ) -> tuple[list[extraction.Reply], float]:
    key = _digest(settings.chat_model, build_messages("", labelled=False),
                  transcript.model_dump(), extraction.WINDOW_CHARS)
    path = CACHE / "replies" / f"{call.id}-{key}.json"
    if path.exists():
        cached = json.loads(path.read_text())
        return [_reply(r) for r in cached["replies"]], cached["seconds"]
    started = time.perf_counter()
    replies = extraction.ask(client, settings.chat_model, transcript)
    seconds = round(time.perf_counter() - started, 2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"replies": [_cached(r) for r in replies], "seconds": seconds}))
    return replies, seconds


def _cached(reply: extraction.Reply) -> dict:
    """A reply as JSON: token bytes as lists of ints."""
    tokens = [[list(t) if isinstance(t, bytes) else t, lp] for t, lp in reply.tokens]
    return {**dataclasses.asdict(reply), "tokens": tokens}


def _reply(cached: dict) -> extraction.Reply:
    tokens = [(bytes(t) if isinstance(t, list) else t, lp) for t, lp in cached["tokens"]]
    return extraction.Reply(**{**cached, "tokens": tokens})


# --- scoring ------------------------------------------------------------------------------

def score(call: Call, fields: dict[str, dict]) -> dict[str, dict]:
    """Per truth field: value, confidence, right."""
    out = {}
    for truth_key, name in EXTRACTED_AS.items():
        if truth_key not in call.truth:
            continue
        got = fields[name]
        out[truth_key] = {"value": got["value"], "confidence": got["confidence"],
                          "right": correct(truth_key, call.truth[truth_key], got["value"]),
                          "truth": call.truth[truth_key], "checks": got.get("checks", []),
                          "signals": got.get("signals")}
    return out


def summarize(scored: list[dict[str, dict]], threshold: float) -> dict:
    cells = [f for call in scored for f in call.values()]
    accepted = [f for f in cells if f["confidence"] >= threshold]
    fields = sorted({k for call in scored for k in call})
    ece, table = calibration.reliability([(f["confidence"], f["right"]) for f in cells])
    return {
        "calls": len(scored), "fields": len(cells),
        "accuracy": {k: round(sum(c[k]["right"] for c in scored if k in c)
                              / max(1, sum(k in c for c in scored)), 3) for k in fields},
        "overall": round(sum(f["right"] for f in cells) / max(1, len(cells)), 3),
        "auto_accepted_precision": round(sum(f["right"] for f in accepted)
                                         / max(1, len(accepted)), 3),
        "auto_accepted_share": round(len(accepted) / max(1, len(cells)), 3),
        "review_share": round(sum(any(f["confidence"] < threshold for f in c.values())
                                  for c in scored) / max(1, len(scored)), 3),
        "ece": ece, "reliability": table,
    }


SWEEP = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def threshold_curve(scored: list[dict[str, dict]]) -> list[dict]:
    """Per threshold: precision of the fields it accepts, and the share of calls it sends to a
    person (a call goes to review when any of its lead fields is below the threshold)."""
    rows = []
    for t in SWEEP:
        s = summarize(scored, t)
        rows.append({"threshold": t, "precision": s["auto_accepted_precision"],
                     "accepted_share": s["auto_accepted_share"], "review_share": s["review_share"]})
    return rows


def plain_confidences(scored: list[dict[str, dict]]) -> list[dict[str, dict]]:
    """The plain model's own word: its token probability of what it wrote, uncalibrated."""
    return [{k: {**f, "confidence": (f["signals"] or {}).get("p_model") or 0.0}
             for k, f in call.items()} for call in scored]


def samples(scored: list[dict[str, dict]]) -> list[tuple[calibration.Signals, bool]]:
    out = []
    for call in scored:
        for truth_key, f in call.items():
            s = f["signals"]
            out.append((calibration.Signals(field=EXTRACTED_AS[truth_key],
                                            is_null=f["value"] in (None, []),
                                            p_model=s["p_model"], grounded=s["grounded"],
                                            in_line=s["in_line"], p_asr=s["p_asr"],
                                            doubts=s["doubts"], dropped=s["dropped"],
                                            corrected=s["corrected"], agreement=s["agreement"],
                                            from_reader=s.get("from_reader", False),
                                            findings=tuple(s.get("findings", ()))),
                        f["right"]))
    return out


# --- running ------------------------------------------------------------------------------

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


def served_settings(base_url: str) -> Settings:
    """The app's settings pointed at this server, with the models it serves."""
    settings = dataclasses.replace(Settings.from_env(), openai_base_url=base_url,
                                   azure_openai_endpoint="")
    served = {m.kind: m.id for m in openai_client(settings).models.list()
              if getattr(m, "kind", None)}
    return dataclasses.replace(settings, transcription_model=served["transcription"],
                               chat_model=served["chat"])


def run_set(client: Any, settings: Settings, calls: list[Call], verbose: bool
            ) -> list[tuple[Call, Transcript, list[extraction.Reply], dict]]:
    out = []
    for call in calls:
        transcript, heard = transcribe(client, settings, call)
        replies, read = ask(client, settings, call, transcript)
        if verbose:
            print(f"  {call.id}: transcription {heard:.1f} s, extraction {read:.1f} s",
                  file=sys.stderr)
        out.append((call, transcript, replies, {"transcription": heard, "extraction": read}))
    return out


ROLE_SOURCES = ("heuristic", "truth")


def labelled(call: Call, transcript: Transcript, source: str) -> Transcript:
    """The transcript with speakers: guessed by the mono heuristic, or the true ones."""
    from bench_roles import true_roles

    from callinsights.mono_roles import label_roles

    return label_roles(transcript) if source == "heuristic" else true_roles(transcript,
                                                                            call.turns)


def run_roles(client: Any, settings: Settings, runs: list, verbose: bool) -> dict[str, list]:
    """Each scripted call read again with speaker labels, per source (`ROLE_SOURCES`)."""
    out: dict[str, list] = {}
    for source in ROLE_SOURCES:
        out[source] = []
        for call, transcript, _, times in runs:
            if call.turns is None:
                continue
            roles = labelled(call, transcript, source)
            replies, read = ask(client, settings, call, roles)
            if verbose:
                print(f"  {call.id} ({source} roles): extraction {read:.1f} s", file=sys.stderr)
            out[source].append((call, roles, replies, {**times, "extraction": read}))
    return out


def analysed(runs: list, options: extraction.Options) -> list[dict[str, dict]]:
    return [score(call, extraction.analyse(replies, transcript, options))
            for call, transcript, replies, _ in runs]


def fit_variants(runs_by_set: dict[str, list]) -> dict[str, calibration.Calibrator]:
    """One calibrator per variant, fitted on the fit sets' calls only."""
    fitted = {}
    fit_runs = [r for name in FIT_SETS for r in runs_by_set.get(name, [])]
    for variant, options in VARIANTS.items():
        if variant == "plain":
            continue
        data = samples(analysed(fit_runs, options))
        fitted[variant] = calibration.fit(data, use_agreement=options.second_reading)
    return fitted


def _print(name: str, variant: str, summary: dict, times: dict | None) -> None:
    acc = " ".join(f"{k}={v:.2f}" for k, v in summary["accuracy"].items())
    print(f"  {variant:9s} overall {summary['overall']:.3f}  auto-accepted precision "
          f"{summary['auto_accepted_precision']:.3f} (share {summary['auto_accepted_share']:.2f})"
          f"  calls to review {summary['review_share']:.2f}  ECE {summary['ece']:.3f}")
    print(f"            {acc}")
    if variant == "full":
        for row in summary.get("curve", []):
            print(f"            threshold {row['threshold']:.2f}: precision {row['precision']:.3f}"
                  f" (fields accepted {row['accepted_share']:.2f}), calls to review "
                  f"{row['review_share']:.2f}")
        for row in summary["reliability"]:
            print(f"            bin {row['bin']}: n={row['n']:3d} confidence "
                  f"{row['confidence']:.2f} accuracy {row['accuracy']:.2f}")
    if times:
        print(f"            seconds per call: transcription {times['transcription']:.1f}, "
              f"extraction {times['extraction']:.1f}")


def _verbose(scored: list[dict[str, dict]], runs: list) -> None:
    for (call, *_), fields in zip(runs, scored, strict=True):
        for key, f in fields.items():
            mark = "ok " if f["right"] else "BAD"
            checks = ",".join(c["check"] for c in f["checks"])
            print(f"    {call.id:30s} {key:14s} {mark} {f['confidence']:.2f} "
                  f"{json.dumps(f['value'])[:44]:44s} truth={json.dumps(f['truth'])[:40]} "
                  f"{checks}")


def main(argv: list[str] | None = None) -> int:
    from tests.conftest import fixtures_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="OpenAI-compatible /v1 URL (default: start one)")
    parser.add_argument("--sets", default=",".join(REPORT_SETS),
                        help="comma-separated: fixtures, frozen, calibration, tuning")
    parser.add_argument("--fit", action="store_true",
                        help="refit callinsights/calibration.json on calibration + tuning")
    parser.add_argument("--refit-variants", action="store_true",
                        help="fit the plain/verified variants' own calibration (runs the fit sets)")
    parser.add_argument("--fixtures", type=Path, default=fixtures_path())
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--roles", action="store_true",
                        help="also read the scripted calls with guessed and with true speakers")
    parser.add_argument("--limit", type=int, default=0,
                        help="only the first N calls of each set (as bench/bench_roles.py)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every field")
    args = parser.parse_args(argv)
    wanted = [s for s in args.sets.split(",") if s]
    needed = list(dict.fromkeys(wanted + (list(FIT_SETS) if args.fit or args.refit_variants
                                          else [])))
    with model_server(args.base_url) as base_url:
        settings = served_settings(base_url)
        client = openai_client(settings)
        runs = {name: run_set(client, settings,
                              calls_of(name, args.fixtures)[:args.limit or None], args.verbose)
                for name in needed}
        role_runs = {name: run_roles(client, settings, runs[name], args.verbose)
                     for name in wanted if args.roles}
    threshold = settings.confidence_threshold
    # each variant's own calibration, fitted on the fit sets (else the shipped one for all)
    calibrators = fit_variants(runs) if args.fit or args.refit_variants else {}
    if not args.fit:
        calibrators.pop("full", None)  # the shipped calibration: what the app uses
    else:
        calibration.WEIGHTS.write_text(calibrators["full"].to_json(
            fitted_on=list(FIT_SETS), calls=sum(len(runs[s]) for s in FIT_SETS),
            chat_model=settings.chat_model, transcription_model=settings.transcription_model))
        calibration.shipped.cache_clear()
        print(f"fitted {calibration.WEIGHTS} on {', '.join(FIT_SETS)}")
    report = {}
    for name in wanted:
        print(f"\n== {name}: {len(runs[name])} calls (threshold {threshold})")
        times = {k: sum(r[3][k] for r in runs[name]) / max(1, len(runs[name]))
                 for k in ("transcription", "extraction")}
        report[name] = {}
        for variant, options in VARIANTS.items():
            if variant in calibrators:
                options = dataclasses.replace(options, calibrator=calibrators[variant])
            scored = analysed(runs[name], options)
            if variant == "plain":
                scored = plain_confidences(scored)
            summary = summarize(scored, threshold)
            if variant == "full":
                summary["curve"] = threshold_curve(scored)
            _print(name, variant, summary, times if variant == "full" else None)
            if args.verbose and variant == "full":
                _verbose(scored, runs[name])
            report[name][variant] = {"summary": summary, "calls": [
                {"id": r[0].id, "fields": s} for r, s in zip(runs[name], scored, strict=True)]}
        for source, labelled_runs in role_runs.get(name, {}).items():
            if labelled_runs:
                summary = summarize(analysed(labelled_runs, VARIANTS["full"]), threshold)
                print(f"  with {source} speaker labels ({len(labelled_runs)} calls):")
                _print(name, "full", {**summary, "reliability": []}, None)
                report[name][f"full+{source}_roles"] = {"summary": summary}
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
