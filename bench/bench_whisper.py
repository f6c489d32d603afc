"""Whisper base against tiny.en on our own scripted calls: word error rate, names, speed.

Both bundled CTranslate2 models run in this process with the model server's decoding options
(int8, beam 5, Whisper's temperature fallback, English), alternating call by call so a busy
neighbour slows both alike. Printed per model: word error rate against the script, the share of
customer names heard (tests/matching.py's tolerant rule) and of every truth value's words heard,
and the real-time factor; then the ratios base / tiny.en measured in this run.

    python bench/bench_whisper.py [--sets calibration,tuning] [--limit N] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.eval_extraction import CACHE, SCRIPT_SETS  # noqa: E402
from callinsights.text_match import words  # noqa: E402
from modelserver.audio import SAMPLE_RATE, decode  # noqa: E402
from modelserver.settings import ServerSettings  # noqa: E402
from modelserver.transcription import FALLBACK_TEMPERATURES, bundled_model_dir  # noqa: E402
from tests.matching import heard  # noqa: E402

MODELS = ("base", "tiny.en")


def word_errors(reference: list[str], hypothesis: list[str]) -> int:
    """Levenshtein distance over words (substitutions, insertions, deletions)."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, start=1):
        current = [i]
        for j, hyp in enumerate(hypothesis, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]


def truth_values(truth: dict) -> list[str]:
    """The truth's words a recogniser must hear for extraction to have a chance."""
    out = [v for k, v in truth.items() if isinstance(v, str) and k != "budget"]
    return out + [p for p in truth.get("products") or []]


def main(argv: list[str] | None = None) -> int:
    from faster_whisper import WhisperModel

    from tests.speech import rendered

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="calibration,tuning")
    parser.add_argument("--limit", type=int, default=0, help="at most this many calls")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    settings = ServerSettings()
    models = {name: WhisperModel(str(bundled_model_dir(name, settings.model_cache_dir)),
                                 device="cpu", compute_type="int8", cpu_threads=args.threads)
              for name in MODELS}
    scripts = [s for name in args.sets.split(",") for s in json.loads(SCRIPT_SETS[name]
                                                                      .read_text())]
    scripts = scripts[:args.limit] if args.limit else scripts
    totals = {name: {"errors": 0, "words": 0, "names": 0, "named": 0, "values": 0,
                     "heard": 0, "audio": 0.0, "seconds": 0.0} for name in MODELS}
    for script in scripts:
        samples = decode(rendered(script["turns"], CACHE / "audio", script["id"]).read_bytes())
        reference = words(" ".join(text for _, text in script["turns"]))
        for name, model in models.items():
            started = time.perf_counter()
            segments, _ = model.transcribe(samples, language="en", beam_size=5,
                                           temperature=FALLBACK_TEMPERATURES)
            text = " ".join(s.text for s in segments)
            t = totals[name]
            t["seconds"] += time.perf_counter() - started
            t["audio"] += samples.size / SAMPLE_RATE
            t["errors"] += word_errors(reference, words(text))
            t["words"] += len(reference)
            customer = script["truth"].get("customer_name")
            if customer:
                t["named"] += 1
                t["names"] += heard(customer, text)
            for value in truth_values(script["truth"]):
                t["values"] += 1
                t["heard"] += heard(value, text)
    print(f"{len(scripts)} calls, {totals['base']['audio'] / 60:.1f} minutes of audio, "
          f"{args.threads} threads")
    figures = {}
    for name, t in totals.items():
        figures[name] = {"wer": t["errors"] / max(1, t["words"]),
                         "names": t["names"] / max(1, t["named"]),
                         "values": t["heard"] / max(1, t["values"]),
                         "rtf": t["seconds"] / max(1e-9, t["audio"])}
        f = figures[name]
        print(f"  whisper {name:8s} WER {f['wer']:.3f}  names heard {f['names']:.2f}  "
              f"truth values heard {f['values']:.2f}  real-time factor {f['rtf']:.3f}")
    b, s = figures["base"], figures["tiny.en"]
    print(f"  base / tiny.en: WER {b['wer'] / max(1e-9, s['wer']):.2f}x, time "
          f"{b['rtf'] / max(1e-9, s['rtf']):.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
