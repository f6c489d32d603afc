"""Extraction speed on 2 cores: a short call and the 10.7-minute sample, per chat setting.

For each setting (llama.cpp threads x n_batch) a fresh model server is started; the short call
(a fixture) is extracted twice (the first pays for the prompt's fixed part, the second reuses
its KV cache, as every later call does) and the long sample once, through the app's own
`extract_fields`. Transcripts come from one Whisper pass made first, so only extraction is
timed. Printed: seconds, prompt and completion tokens, prompt tokens per second, the model
server's peak memory, and the ratio of each setting's times to the first setting's, measured
in this run. Targets (issue 9): short call <= 15 s, long call <= 60 s.

    python bench/bench_extraction_speed.py [--settings 2x512,1x512,2x256]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_pipeline import PeakMemory  # noqa: E402
from bench.eval_extraction import served_settings  # noqa: E402
from callinsights import transcription  # noqa: E402
from callinsights.ai import openai_client  # noqa: E402
from callinsights.extraction import extract_fields  # noqa: E402
from devhost import services  # noqa: E402

SHORT = ROOT / "tests" / "data" / "fixtures" / "dev01_roofing.wav"
LONG = ROOT / "samples" / "04_long_remodel.mp3"


def transcripts(base_url: str) -> dict:
    settings = served_settings(base_url)
    client = openai_client(settings)
    out = {}
    for path in (SHORT, LONG):
        payload = transcription.request(client, settings.transcription_model, path.read_bytes(),
                                        path.name, language="en")
        out[path.name] = transcription.parse(payload)
    return out


def timed_extract(settings, transcript) -> tuple[float, dict]:
    started = time.perf_counter()
    result = extract_fields(openai_client(settings), settings.chat_model, transcript)
    return time.perf_counter() - started, result["usage"]


def run(threads: int, batch: int, heard: dict, logs: Path) -> dict:
    env = {"MODELSERVER_CHAT_THREADS": str(threads), "MODELSERVER_CHAT_BATCH": str(batch)}
    with services.start_model_server(services.free_port(), logs / f"{threads}x{batch}",
                                     env=env) as proc:
        settings = served_settings(f"http://127.0.0.1:{proc.port}/v1")
        with PeakMemory([proc.process.pid]) as memory:
            first, _ = timed_extract(settings, heard[SHORT.name])
            warm, usage = timed_extract(settings, heard[SHORT.name])
            long, long_usage = timed_extract(settings, heard[LONG.name])
    return {"first": first, "short": warm, "long": long, "usage": usage,
            "long_usage": long_usage, "rss_mb": memory.peak / 2**20}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="2x512,1x512,2x256",
                        help="threads x n_batch, comma-separated; the first is the reference")
    args = parser.parse_args(argv)
    choices = [tuple(int(v) for v in s.split("x")) for s in args.settings.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        logs = Path(folder)
        with services.start_model_server(services.free_port(), logs / "whisper") as proc:
            heard = transcripts(f"http://127.0.0.1:{proc.port}/v1")
        results = {f"{t}x{b}": run(t, b, heard, logs) for t, b in choices}
    reference = next(iter(results.values()))
    for name, r in results.items():
        u, lu = r["usage"], r["long_usage"]
        print(f"threads x n_batch {name}: short call {r['short']:.1f} s (first {r['first']:.1f} s,"
              f" prompt {u['prompt_tokens']} / completion {u['completion_tokens']} tokens), "
              f"10.7-min call {r['long']:.1f} s (prompt {lu['prompt_tokens']} / completion "
              f"{lu['completion_tokens']}, {lu['prompt_tokens'] / r['long']:.0f} prompt tok/s "
              f"incl. generation), model server peak {r['rss_mb']:.0f} MB; "
              f"ratio to {next(iter(results))}: short {r['short'] / reference['short']:.2f}, "
              f"long {r['long'] / reference['long']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
