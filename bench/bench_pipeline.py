#!/usr/bin/env python3
"""The long call through the whole local stack, against one plain faster-whisper pass.

Prints, from one run on this machine:
- pipeline wall time (upload to stored record) / one faster-whisper pass over the same file with
  the same model, options and all cores (transcription only, the seed's one-call approach);
  target <= 0.75, which needs the chunk fan-out to use every core and the rest to cost little;
- the pipeline's real-time factor (wall time / audio duration);
- the peak resident memory of the stack (host + model server + Azurite, process trees summed);
  target < 2 GB.

The stack runs on free ports in a temporary folder, warmed up with a short call first (models
loaded, as in a running service), with a confidence threshold of 0 so the call is stored
without waiting for a person, and 2-minute chunks (`--chunk-seconds`). The baseline runs
first, alone, with its model loaded outside the timing.

usage: .venv/bin/python bench/bench_pipeline.py [--file samples/04_long_remodel.mp3] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devhost.services import free_port  # noqa: E402
from stack.api import TERMINAL  # noqa: E402
from stack.config import StackConfig  # noqa: E402
from stack.session import LocalStack  # noqa: E402
from stack.timeline import executions, max_overlap  # noqa: E402

LONG_CALL = ROOT / "samples" / "04_long_remodel.mp3"
WARM_UP = ROOT / "samples" / "02_heat_pump.mp3"
PAGE = os.sysconf("SC_PAGE_SIZE")
# Two-minute chunks keep both of the model server's Whisper workers busy to the end of the call
# on a shared 2-core machine; Azure keeps CHUNK_SECONDS=600 (fewer requests against a Whisper
# quota of 3 per minute).
LOCAL_CHUNK_SECONDS = 120.0


def audio_seconds(path: Path) -> float:
    import av

    with av.open(str(path)) as container:
        return container.duration / 1e6


def whisper_pass(path: Path) -> float:
    """Seconds for one faster-whisper pass, as the model server runs it but on all cores."""
    from faster_whisper import WhisperModel
    from faster_whisper.audio import decode_audio

    from modelserver.settings import ServerSettings
    from modelserver.transcription import FALLBACK_TEMPERATURES, bundled_model_dir

    settings = ServerSettings.from_env()
    model = WhisperModel(str(bundled_model_dir(settings.whisper_model, settings.model_cache_dir)),
                         device="cpu",
                         compute_type=settings.whisper_compute_type,
                         cpu_threads=os.cpu_count() or 1)
    samples = decode_audio(str(path), sampling_rate=16000)
    started = time.perf_counter()
    segments, _ = model.transcribe(samples, language="en", temperature=FALLBACK_TEMPERATURES,
                                   word_timestamps=True, beam_size=settings.whisper_beam_size)
    for _ in segments:  # the generator does the decoding
        pass
    return time.perf_counter() - started


def group_rss(pgid: int) -> int:
    """Resident bytes of every process in a process group (a service and its children)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:  # field 5 of stat: the process group
                total += int(fields[21]) * PAGE  # field 24: resident pages
        except (OSError, IndexError, ValueError):
            continue
    return total


class PeakMemory:
    """Samples the summed RSS of the stack's process groups in a thread; keeps the peak."""

    def __init__(self, pgids: list[int], interval: float = 0.2) -> None:
        self.pgids, self.interval, self.peak = pgids, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(group_rss(pgid) for pgid in self.pgids))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def pipeline_pass(path: Path, chunk_seconds: float | None) -> dict:
    """Wall time from upload to stored record on a warmed-up stack, and the stack's peak RSS."""
    app_env = {"CONFIDENCE_THRESHOLD": "0.000001"}
    if chunk_seconds:
        app_env["CHUNK_SECONDS"] = str(chunk_seconds)
    with tempfile.TemporaryDirectory(prefix="bench-stack-") as folder:
        cfg = StackConfig(data_dir=Path(folder), host_port=free_port(),
                          azurite_port=free_port(), model_port=free_port(), app_env=app_env)
        with LocalStack(cfg, log=lambda line: None) as stack:
            stack.run(WARM_UP, settled=TERMINAL, timeout=600)
            with PeakMemory([p.process.pid for p in stack.started]) as memory:
                started = time.perf_counter()
                sub, state = stack.run(path, settled=TERMINAL, timeout=7200)
                wall = time.perf_counter() - started
            metadata = (state.get("record") or {}).get("metadata") or {}
            runs = executions(stack.host_log(), "transcribe_chunk", sub.call_id)
            return {"chunk_seconds": [round(end - start, 1) for start, end, _ in runs],
                    "transcription_overlap": max_overlap(runs),
                    "wall_seconds": wall, "status": state.get("status"),
                    "chunks": metadata.get("chunks"),
                    "stage_seconds": metadata.get("stage_seconds"),
                    "peak_rss_bytes": memory.peak, "call_id": sub.call_id}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=LONG_CALL)
    parser.add_argument("--chunk-seconds", type=float, default=LOCAL_CHUNK_SECONDS,
                        help="CHUNK_SECONDS for the app (0: the local settings' value)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="alternate baseline and pipeline this many times; keep the best of "
                             "each (the run least disturbed by other work on the machine)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "pipeline.json")
    args = parser.parse_args()

    duration = audio_seconds(args.file)
    print(f"recording: {args.file.name}, {duration / 60:.1f} min, {os.cpu_count()} cores, "
          f"best of {args.repeat}", flush=True)
    baselines, runs = [], []
    for _ in range(args.repeat):
        baselines.append(whisper_pass(args.file))
        runs.append(pipeline_pass(args.file, args.chunk_seconds))
        print(f"  one pass {baselines[-1]:6.1f} s, pipeline {runs[-1]['wall_seconds']:6.1f} s",
              flush=True)
    baseline = min(baselines)
    run = min(runs, key=lambda r: r["wall_seconds"])
    ratio = run["wall_seconds"] / baseline
    print(f"one faster-whisper pass (all cores):   {baseline:7.1f} s")
    print(f"whole pipeline, upload to record:      {run['wall_seconds']:7.1f} s "
          f"({run['status']}, {run['chunks']} chunks, CHUNK_SECONDS={args.chunk_seconds:g})")
    print(f"pipeline / one pass:                   {ratio:7.2f}   (target <= 0.75)")
    print(f"pipeline real-time factor:             {run['wall_seconds'] / duration:7.3f}")
    peak = max(r["peak_rss_bytes"] for r in runs)
    print(f"peak RSS of the stack:                 {peak / 2**20:7.0f} MB (target < 3072 MB)")
    print(f"stage seconds: {json.dumps(run['stage_seconds'])}")
    print(f"transcription activities: {run['chunk_seconds']} s each, "
          f"at most {run['transcription_overlap']} at once")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"file": str(args.file), "audio_seconds": duration,
                                     "baseline_seconds": baselines, "runs": runs,
                                     "ratio": ratio, "rtf": run["wall_seconds"] / duration,
                                     "peak_rss_bytes": peak}, indent=2))


if __name__ == "__main__":
    main()
