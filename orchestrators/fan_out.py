"""Transcription fan-out: waves of at most `max_parallel_transcriptions` chunks, each a `task_all`.

Why waves: the Durable extension replays an out-of-proc orchestrator's actions one top-level
action at a time and awaits each on its own children only (durable-local-host-spec.md §2.3). A
sliding window (`task_any` over tasks earlier yields scheduled) therefore waits for the wrong
tasks on Azure. A wave is one `task_all` over fresh tasks, so the extension awaits exactly what
the SDK awaits. A failed chunk still lets its wave finish before the call moves on (`settle`),
so the SDK schedules nothing the extension would schedule later (which would shift task ids).
Chunks are near-equal pieces of one call, so a wave loses little to its slowest chunk. Each
chunk retries with exponential back-off (`Run.transcribe_retry`), which is what absorbs 429s.
"""

from __future__ import annotations

import contextlib
from typing import Any

from orchestrators.run import MAX_REASON, Run, StageFailed, Steps, activity_reason

ACTIVITY = "transcribe_chunk"


def cap_of(run: Run) -> int:
    return max(1, int(run.policy.get("max_parallel_transcriptions", 3)))


def chunk_payload(run: Run, chunk: dict) -> dict:
    """One chunk's transcription input; a stereo call's chunk also names its `channel` (a mono
    chunk's payload is exactly what instances of version 2.0 sent)."""
    payload = {"call_id": run.call["call_id"], "index": chunk["index"], "blob": chunk["blob"],
               "start": chunk["start"], "end": chunk["end"]}
    return {**payload, "channel": chunk["channel"]} if chunk.get("channel") else payload


def transcribed(chunk: dict, result: Any) -> dict:
    """The merge's entry for one chunk, or StageFailed naming the chunk."""
    reason = (activity_reason(result) if isinstance(result, Exception)
              else isinstance(result, dict) and result.get("error"))
    if reason:
        raise StageFailed("transcribing", f"chunk {chunk['index']}: {reason}"[:MAX_REASON])
    return {**chunk, **result, "audio_blob": chunk["blob"]}


def settle(run: Run, tasks: list) -> Steps:
    """Wait until every task has finished, successfully or not.

    `task_all` fails at the first failure; waiting again on the still-open tasks (already
    scheduled, so no new action is emitted) keeps the SDK where the extension is: on this wave.
    """
    pending = tasks
    while pending:
        with contextlib.suppress(Exception):  # a failure is read from the task below
            yield run.context.task_all(pending)
        pending = [task for task in tasks if not task.is_completed]


def transcribe_in_waves(run: Run, chunks: list[dict]) -> Steps:
    """Every chunk's transcript entry in chunk order; progress published after each wave."""
    cap = cap_of(run)
    done: list[dict] = []
    for first in range(0, len(chunks), cap):
        wave = chunks[first:first + cap]
        tasks = [run.context.call_activity_with_retry(ACTIVITY, run.transcribe_retry,
                                                      chunk_payload(run, chunk))
                 for chunk in wave]
        yield from settle(run, tasks)
        done.extend(transcribed(chunk, task.result) for chunk, task in zip(wave, tasks,
                                                                            strict=True))
        run.publish("transcribing", chunks_total=len(chunks), chunks_done=len(done))
    return done
