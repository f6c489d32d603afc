"""Would the Durable extension replay these actions as the SDK did? (spec §2.3, corrected)

The extension replays an out-of-proc orchestrator's V2/V3 actions sequentially: for each
top-level action of `actions[0]` it invokes it and awaits it, a compound only on its own
children, and stops at the first that is not complete. The SDK, replaying the whole history,
may already be further along. So an orchestration is safe on Azure only if, after every
episode, no top-level action but the last is still incomplete: otherwise the extension would
never schedule what follows it while the SDK believes it has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.durable_history import (
    CALL_ACTIVITY,
    CALL_ACTIVITY_WITH_RETRY,
    CREATE_TIMER,
    WAIT_FOR_EVENT,
    WHEN_ALL,
    WHEN_ANY,
)

if TYPE_CHECKING:
    from tests.durable_history import OrchestrationRun


class _Walk:
    """Completion of each action in DFS order, leaves matched to the run's ids by position."""

    def __init__(self, run: OrchestrationRun) -> None:
        self.run = run
        self.position = 0
        self.waits_seen: dict[str, int] = {}

    def complete(self, action: dict) -> bool:
        kind = action["actionType"]
        if kind in (WHEN_ALL, WHEN_ANY):
            done = [self.complete(child) for child in action["compoundActions"]]
            return all(done) if kind == WHEN_ALL else any(done)
        task_id = self.run.leaf_ids[self.position]
        self.position += 1
        if kind == WAIT_FOR_EVENT:
            name = action["externalEventName"]
            self.waits_seen[name] = self.waits_seen.get(name, 0) + 1
            return self.run.raised.get(name, 0) >= self.waits_seen[name]
        if kind == CALL_ACTIVITY_WITH_RETRY:
            return self.run.groups[task_id].finished
        if kind in (CALL_ACTIVITY, CREATE_TIMER):
            task = self.run.tasks[task_id]
            return task.done or task.cancelled or bool(action.get("isCanceled"))
        raise AssertionError(f"action type {kind} is not modelled here: {action}")


def stalled_actions(run: OrchestrationRun) -> list[int]:
    """Indexes of incomplete top-level actions that are followed by another action."""
    actions = (run.state.get("actions") or [[]])[0]
    walk = _Walk(run)
    done = [walk.complete(action) for action in actions]
    return [i for i, complete in enumerate(done[:-1]) if not complete]


def assert_extension_order(run: OrchestrationRun) -> None:
    stalled = stalled_actions(run)
    assert not stalled, (
        f"top-level actions {stalled} are incomplete but followed by others: the extension "
        f"would stop at action {stalled[0]} and never schedule what the SDK scheduled after it")
