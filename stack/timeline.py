"""When each activity of a call ran: from the durable history and from the host's log.

The end-to-end tests check the transcription fan-out and its cap with this, and the pipeline
benchmark reports how much of the transcription ran in parallel.
"""

from __future__ import annotations

import re
from datetime import datetime

_EXECUTED = re.compile(r"^(?P<at>\S+ \S+) \w+ Executed function=(?P<fn>\S+) id=(?P<id>\S+) "
                       r"duration=(?P<secs>[\d.]+)s outcome=(?P<outcome>\S+)")


def _when(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def task_windows(history: list[dict], function: str) -> list[tuple[float, float]]:
    """(scheduled, finished) times of each finished activity of that name, from the history."""
    return [(_when(e["ScheduledTime"]), _when(e["Timestamp"])) for e in history
            if e.get("FunctionName") == function and e.get("EventType") in
            ("TaskCompleted", "TaskFailed") and e.get("ScheduledTime")]


def executions(log: str, function: str, instance: str) -> list[tuple[float, float, str]]:
    """(start, end, outcome) of each execution the host logged for that function and instance."""
    runs = []
    for line in log.splitlines():
        match = _EXECUTED.match(line)
        if match and match["fn"] == function and match["id"] == instance:
            end = datetime.strptime(match["at"], "%Y-%m-%d %H:%M:%S,%f").timestamp()
            runs.append((end - float(match["secs"]), end, match["outcome"]))
    return runs


def max_overlap(windows: list[tuple[float, ...]]) -> int:
    """The most windows open at one instant (an end and a start at the same time don't overlap)."""
    edges = sorted([(w[0], 1) for w in windows] + [(w[1], -1) for w in windows])
    most = current = 0
    for _, step in edges:
        current += step
        most = max(most, current)
    return most
