"""The local stack under stress: Whisper throttled to 3 requests a minute, and a crash mid-call."""

from __future__ import annotations

import os
import signal
import time

import pytest

from stack.session import LocalStack
from stack.timeline import executions, max_overlap, task_windows
from tests.e2e.helpers import settle
from tests.speech import long_turns, rendered

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CAP = 2
THROTTLED = '"POST /v1/audio/transcriptions HTTP/1.1" 429'


def chunked(cap: int) -> dict[str, str]:
    """Half-minute chunks, so a few minutes of audio make many transcription requests."""
    return {"CHUNK_SECONDS": "30", "MAX_PARALLEL_TRANSCRIPTIONS": str(cap),
            "TRANSCRIPTION_MAX_ATTEMPTS": "8", "CONFIDENCE_THRESHOLD": "0.5"}


def test_throttled_whisper_still_completes_within_the_cap(make_stack, audio_dir):
    stack = make_stack(chunked(CAP), {"MODELSERVER_RATE_LIMITS": "whisper=3"})
    path = rendered(long_turns(3), audio_dir, "throttled", ".mp3", rate=16000)

    sub = stack.submit(path)
    state = settle(stack, sub)

    assert state["status"] == "Completed", state.get("error")
    windows = task_windows(stack.api.history(sub.call_id), "transcribe_chunk")
    runs = executions(stack.host_log(), "transcribe_chunk", sub.call_id)
    assert len(windows) >= 4, "a few minutes in 30-second chunks"
    assert stack.service_log("modelserver").count(THROTTLED) >= 1, "Whisper never throttled"
    assert max_overlap(runs) <= CAP, "more transcriptions ran at once than the cap"
    assert max_overlap(windows) <= CAP, "more transcriptions were scheduled at once than the cap"


def wait_for_chunks(stack: LocalStack, call_id: str, done: int, timeout: float = 300) -> dict:
    """Poll until at least `done` chunks are transcribed; the status at that moment."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = stack.api.status(call_id) or {}
        if ((status.get("progress") or {}).get("chunks_done") or 0) >= done:
            return status
        assert status.get("status") in (None, "Pending", "Running"), status
        time.sleep(0.3)
    raise AssertionError(f"fewer than {done} chunks done after {timeout}s")


def test_restart_mid_call_finishes_without_redoing_finished_chunks(make_stack, audio_dir):
    stack = make_stack(chunked(1))  # one chunk at a time: a crash always finds some done
    path = rendered(long_turns(6), audio_dir, "restart", ".mp3", rate=16000)
    sub = stack.submit(path)
    before = wait_for_chunks(stack, sub.call_id, done=2)
    assert before["progress"]["chunks_done"] < before["progress"]["chunks_total"]

    os.killpg(stack.process("devhost").process.pid, signal.SIGKILL)  # the host crashes
    stack.restart()  # and the whole stack comes back on the same folders and ports
    state = settle(stack, sub)

    assert state["status"] == "Completed", state.get("error")
    total = before["progress"]["chunks_total"]
    succeeded = [r for r in executions(stack.host_log(), "transcribe_chunk", sub.call_id)
                 if r[2] == "Succeeded"]
    assert len(succeeded) == total, "a finished chunk was transcribed again after the restart"
    completed = [e for e in stack.api.history(sub.call_id)
                 if e.get("FunctionName") == "transcribe_chunk"
                 and e["EventType"] == "TaskCompleted"]
    assert len(completed) == total
