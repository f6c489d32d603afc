"""Speed of the local model server on this machine, measured in one run over HTTP.

Transcription: real-time factor (seconds of compute per second of audio) of each fixture, one
request at a time and two at a time, and one long recording (the fixtures joined) in one pass
against the same recording cut in two halves transcribed concurrently (what the app does).
Chat: tokens per second, plain and JSON-schema-constrained, and prompt tokens per second.

    .venv/bin/python bench/bench_models.py [--url http://127.0.0.1:8008/v1] [--fixtures DIR]

Without --url it starts its own server on a free port (rate limits off).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import io
import statistics
import sys
import tempfile
import time
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from openai import OpenAI

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devhost import services  # noqa: E402

FIXTURES = ROOT / "tests" / "data" / "fixtures"
RATE = 16000
SCHEMA = {"type": "object", "additionalProperties": False,
          "required": ["customer_name", "city", "products", "budget_usd"],
          "properties": {"customer_name": {"type": ["string", "null"]},
                         "city": {"type": ["string", "null"]},
                         "products": {"type": "array", "items": {"type": "string"}},
                         "budget_usd": {"type": ["number", "null"]}}}


@contextmanager
def server(url: str | None) -> Iterator[str]:
    """The given server, or a fresh one for this run."""
    if url:
        yield url
        return
    env = {"MODELSERVER_RATE_LIMITS": ""}
    with tempfile.TemporaryDirectory() as logs, \
            services.start_model_server(services.free_port(), Path(logs), env=env) as proc:
        yield f"http://127.0.0.1:{proc.port}/v1"


def wav_bytes(samples: np.ndarray) -> bytes:
    """16 kHz mono 16-bit WAV of float samples."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


def read_samples(path: Path) -> np.ndarray:
    from faster_whisper.audio import decode_audio

    return decode_audio(str(path), sampling_rate=RATE)


REPEATS = 3  # the machine is shared: each figure is the median of this many runs


def timed(fn: Callable[[], object]) -> float:
    """Median wall time of REPEATS runs of fn."""
    return statistics.median(timed_once(fn) for _ in range(REPEATS))


def timed_once(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def concurrently(jobs: list[Callable[[], object]]) -> float:
    """Median wall time of running all jobs at once."""
    def once() -> None:
        with concurrent.futures.ThreadPoolExecutor(len(jobs)) as pool:
            for future in [pool.submit(job) for job in jobs]:
                future.result()

    return timed(once)


def bench_transcription(client: OpenAI, fixtures: list[Path]) -> None:
    def transcribe(data: bytes) -> Callable[[], object]:
        return lambda: client.audio.transcriptions.create(model=served(client, "transcription"),
                                                          file=("a.wav", data))

    audio = {path.name: read_samples(path) for path in fixtures}
    payload = {name: wav_bytes(samples) for name, samples in audio.items()}
    transcribe(next(iter(payload.values())))()  # load the model
    print("\n## Transcription (whisper-tiny.en int8), real-time factor = compute s / audio s")
    total_audio = sum(len(s) for s in audio.values()) / RATE
    sequential = 0.0
    for name, data in payload.items():
        seconds = timed(transcribe(data))
        sequential += seconds
        print(f"{name:28s} {len(audio[name]) / RATE:6.1f} s audio  {seconds:6.2f} s  "
              f"RTF {seconds / (len(audio[name]) / RATE):.3f}")
    print(f"{'all, one at a time':28s} {total_audio:6.1f} s audio  {sequential:6.2f} s  "
          f"RTF {sequential / total_audio:.3f}")
    names = list(payload)
    pairs = [names[i:i + 2] for i in range(0, len(names), 2)]
    parallel = sum(concurrently([transcribe(payload[n]) for n in pair]) for pair in pairs)
    print(f"{'all, two at a time':28s} {total_audio:6.1f} s audio  {parallel:6.2f} s  "
          f"RTF {parallel / total_audio:.3f}  (x{sequential / parallel:.2f} throughput)")

    joined = np.concatenate(list(audio.values()))
    half = len(joined) // 2
    one_pass = timed(transcribe(wav_bytes(joined)))
    halves = concurrently([transcribe(wav_bytes(joined[:half])),
                           transcribe(wav_bytes(joined[half:]))])
    print(f"{'joined, one pass':28s} {len(joined) / RATE:6.1f} s audio  {one_pass:6.2f} s  "
          f"RTF {one_pass / (len(joined) / RATE):.3f}")
    print(f"{'joined, 2 halves at once':28s} {len(joined) / RATE:6.1f} s audio  {halves:6.2f} s  "
          f"RTF {halves / (len(joined) / RATE):.3f}  (x{one_pass / halves:.2f} faster)")


def served(client: OpenAI, kind: str) -> str:
    """The served model of a kind (transcription or chat), by its real name."""
    return next(m.id for m in client.models.list() if m.model_extra.get("kind") == kind)


def bench_chat(client: OpenAI, transcript: str) -> None:
    chat = served(client, "chat")
    print(f"\n## Chat ({chat})")
    messages = [{"role": "system", "content": "Extract the sales lead from the call."},
                {"role": "user", "content": transcript}]
    client.chat.completions.create(model=chat, max_tokens=1, messages=messages)  # load
    cases = {
        "plain text": {"max_tokens": 128, "temperature": 0.8, "seed": 1,
                       "messages": [{"role": "user", "content": "Count from 1 to 100: 1, 2, 3,"}]},
        "JSON schema (grammar)": {"max_tokens": 300, "temperature": 0, "logprobs": True,
                                  "top_logprobs": 3, "messages": messages,
                                  "response_format": {"type": "json_schema", "json_schema": {
                                      "name": "lead", "schema": SCHEMA, "strict": True}}},
    }
    for label, request in cases.items():
        response = client.chat.completions.with_raw_response.create(model=chat, **request)
        seconds = timed(lambda r=request: client.chat.completions.create(model=chat, **r))
        usage = response.parse().usage
        print(f"{label:28s} prompt {usage.prompt_tokens:5d}  completion "
              f"{usage.completion_tokens:4d}  {seconds:6.2f} s  "
              f"{usage.completion_tokens / seconds:5.1f} tok/s  "
              f"(path {response.headers.get('x-modelserver-path')})")
    # prompt processing: a prompt not in the KV cache (it differs from the start), one token
    runs = [[{"role": "user", "content": f"Call {i}.\n{transcript}\nSummary:"}]
            for i in range(REPEATS + 1)]
    tokens = client.chat.completions.create(model=chat, max_tokens=1,
                                            messages=runs[0]).usage.prompt_tokens
    seconds = statistics.median(
        timed_once(lambda m=m: client.chat.completions.create(model=chat, max_tokens=1,
                                                              messages=m))
        for m in runs[1:])
    print(f"{'prompt processing':28s} prompt {tokens:5d}  {seconds:6.2f} s  "
          f"{tokens / seconds:5.1f} prompt tok/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server's /v1 URL (default: start one)")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--skip-chat", action="store_true")
    args = parser.parse_args()
    fixtures = sorted(args.fixtures.glob("*.wav"))
    if not fixtures:
        sys.exit(f"no *.wav fixtures in {args.fixtures}")
    with server(args.url) as url:
        client = OpenAI(base_url=url, api_key="local", max_retries=0, timeout=600)
        print(f"server {url}")
        bench_transcription(client, fixtures)
        if not args.skip_chat:
            first = client.audio.transcriptions.create(
                model=served(client, "transcription"), file=fixtures[0].open("rb"),
                response_format="verbose_json")
            transcript = "\n".join(f"[{s.start:.1f}-{s.end:.1f}] {s.text.strip()}"
                                   for s in first.segments)
            bench_chat(client, transcript)


if __name__ == "__main__":
    main()
