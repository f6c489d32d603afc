"""A host the stack starts runs with the environment over `local.settings.json`, as the README
promises ("all settings are environment variables"): `CONFIDENCE_THRESHOLD=0.5 make process`
uses 0.5. Seen where the app puts it: the policy in the orchestration's input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stack.config import COMMITTED_SETTINGS, local_values
from tests.e2e.helpers import orchestration_input
from tests.speech import write_audio

pytestmark = [pytest.mark.e2e]

RATE = 16000


def test_host_started_by_the_stack_uses_the_environment_over_the_file(
        make_stack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert local_values(names=COMMITTED_SETTINGS)["CONFIDENCE_THRESHOLD"] != "0.5"
    monkeypatch.setenv("CONFIDENCE_THRESHOLD", "0.5")  # as `CONFIDENCE_THRESHOLD=0.5 make ...`
    monkeypatch.setenv("MAX_PARALLEL_TRANSCRIPTIONS", "1")
    stack = make_stack({"MAX_PARALLEL_TRANSCRIPTIONS": "2"})  # the test's own setting wins
    silence = write_audio(np.zeros(RATE * 5, dtype=np.float32), tmp_path / "quiet.wav",
                          rate=RATE, source_rate=RATE)  # no speech: no model is needed

    sub, state = stack.run(silence, timeout=300)

    assert state["status"] == "Completed", state
    policy = orchestration_input(stack, sub.call_id)["policy"]
    assert policy["confidence_threshold"] == 0.5
    assert policy["max_parallel_transcriptions"] == 2
