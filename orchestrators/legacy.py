"""The code path of instances started before orchestration versioning (no version stamped).

A replay must schedule exactly what the instance's first run scheduled, so these two steps are
kept as that code had them: a sliding window of transcriptions (`task_any` over tasks earlier
yields scheduled) and an approval loop that re-yields one timer. Both are patterns the
extension's out-of-proc replay mishandles (see `fan_out` and `approval`); new instances never
take this path. Delete this module once no unversioned instance is left (docs/deploy.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from callinsights import review
from orchestrators.approval import APPROVAL_EVENT, decided
from orchestrators.fan_out import ACTIVITY, cap_of, chunk_payload, transcribed
from orchestrators.run import Run, Steps


def sliding_window(run: Run, chunks: list[dict]) -> Steps:
    waiting = list(chunks)
    in_flight: dict[Any, dict] = {}
    done: dict[int, dict] = {}
    while waiting or in_flight:
        while waiting and len(in_flight) < cap_of(run):
            chunk = waiting.pop(0)
            task = run.context.call_activity_with_retry(ACTIVITY, run.transcribe_retry,
                                                        chunk_payload(run, chunk))
            in_flight[task] = chunk
        finished = yield run.context.task_any(list(in_flight))
        chunk = in_flight.pop(finished)
        done[chunk["index"]] = transcribed(chunk, finished.result)
        run.publish("transcribing", chunks_total=len(chunks), chunks_done=len(done))
    return [done[index] for index in sorted(done)]


def await_decision(run: Run, flagged: dict, deadline: datetime) -> Steps:
    timer = run.context.create_timer(deadline)
    while True:
        event = run.context.wait_for_external_event(APPROVAL_EVENT)
        winner = yield run.context.task_any([event, timer])
        if winner is timer:
            run.log("approval deadline passed; storing unreviewed")
            return review.review_input(review.Outcome.UNREVIEWED, flagged)
        try:
            decision = review.parse_decision(event.result)
        except ValueError as exc:
            run.log("ignoring an invalid approval: %s", exc)
            continue
        timer.cancel()
        return decided(run, flagged, decision)
