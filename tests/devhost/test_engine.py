"""devhost's engine (SDK replay + the extension's shim + DTFx endings) one episode at a time, on
a test clock (tests/durable_history.py): the cases that need days or exact message order."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from devhost.indexing import AppIndex, load_app
from devhost.provider import provider_for
from tests.durable_history import START, OrchestrationRun

APP = Path(__file__).parent / "apps" / "fidelity"
DAY = timedelta(days=1)
GATED = {"db": "unused.sqlite", "gates": "unused"}


@pytest.fixture(scope="module")
def app() -> AppIndex:
    return load_app(APP)


def run_of(app: AppIndex, name: str, value: object, **options) -> OrchestrationRun:
    found = app.orchestrator(name)
    assert found is not None
    return OrchestrationRun(found[1], value, name=name, **options)


def fire_times(run: OrchestrationRun) -> list[str]:
    return [t.fire_at for t in sorted(run.tasks.values(), key=lambda t: t.id)
            if t.kind == "timer"]


def stamp(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_a_seven_day_timer_is_a_chain_of_sub_timers_on_azure_storage(app: AppIndex) -> None:
    """With the Azure Storage limits sent (6 days / 3 days) the SDK splits the timer: 3 days,
    then (4 days left, within the 6-day maximum) the rest. Each sub-timer is its own DTFx timer
    with its own id, created only once the previous one has fired."""
    run = run_of(app, "sleeper", 7 * 86400)
    assert fire_times(run) == [stamp(START + 3 * DAY)]
    run.fire_timer(run.timers()[0])
    assert fire_times(run) == [stamp(START + 3 * DAY), stamp(START + 7 * DAY)]
    assert run.status == "Running" and not run.is_done
    run.fire_timer(run.timers()[0])
    assert (run.status, run.output) == ("Completed", "woke")
    assert [t.id for t in run.tasks.values()] == [0, 1]


def test_a_fourteen_day_timer_takes_three_day_steps_until_six_days_are_left(app: AppIndex
                                                                           ) -> None:
    run = run_of(app, "sleeper", 14 * 86400)
    while run.timers():
        run.fire_timer(run.timers()[0])
    assert fire_times(run) == [stamp(START + n * DAY) for n in (3, 6, 9, 14)]
    assert run.status == "Completed"


def test_a_short_timer_and_a_provider_without_limits_make_one_timer(app: AppIndex) -> None:
    short = run_of(app, "sleeper", 5)
    assert fire_times(short) == [stamp(START + timedelta(seconds=5))]
    scheduler = run_of(app, "sleeper", 7 * 86400, provider=provider_for("azureManaged"))
    assert fire_times(scheduler) == [stamp(START + 7 * DAY)]
    scheduler.fire_timer(scheduler.timers()[0])
    assert scheduler.status == "Completed"


def test_a_retry_interval_past_the_provider_limit_fails_the_orchestration(app: AppIndex
                                                                          ) -> None:
    run = run_of(app, "long_retry", None)
    assert run.status == "Failed" and not run.tasks
    limited = run.history[-2]["Result"]
    assert limited == ("Orchestrator function 'long_retry' failed: The Azure Storage provider "
                       "supports a maximum of 6 days for time-based delays")


def waiting_approval(app: AppIndex, name: str) -> OrchestrationRun:
    run = run_of(app, name, {**GATED, "seconds": 3600})
    run.complete(run.only("gated"), 0)
    assert len(run.timers()) == 1 and run.status == "Running"
    return run


def test_approval_loop_reusing_its_timer_stays_running_past_the_deadline(app: AppIndex
                                                                         ) -> None:
    """After an invalid decision the loop yields WhenAny[new wait] (the timer was scheduled by
    the first yield). At the deadline the SDK returns "timeout", but the extension is awaiting
    that new wait: the instance stays Running, and the next event completes it with the stale
    "timeout" instead of the decision."""
    run = waiting_approval(app, "approval_same_timer")
    run.raise_event("Approval", {"decision": "maybe"})
    assert run.state["actions"][0][-1] == {"actionType": 11, "compoundActions": [
        {"actionType": 6, "externalEventName": "Approval", "reason": "ExternalEvent"}]}
    run.fire_timer(run.timers()[0])
    assert run.is_done and run.output == "timeout"
    assert run.status == "Running"
    run.raise_event("Approval", {"decision": "approve"})
    assert (run.status, run.output) == ("Completed", "timeout")


def test_approval_loop_with_a_fresh_timer_completes_at_the_deadline(app: AppIndex) -> None:
    run = waiting_approval(app, "approval_fresh_timer")
    run.raise_event("Approval", {"decision": "maybe"})
    assert len(run.timers()) == 1  # the first timer was cancelled, a second one waits
    run.fire_timer(run.timers()[0])
    assert (run.status, run.output) == ("Completed", "timeout")
    fresh = waiting_approval(app, "approval_fresh_timer")
    fresh.raise_event("Approval", {"decision": "maybe"})
    fresh.raise_event("Approval", {"decision": "approve"})
    assert (fresh.status, fresh.output) == ("Completed", "approve")


def test_an_event_raised_before_its_wait_answers_every_later_wait(app: AppIndex) -> None:
    """SDK 1.7.0 keeps an early event in `deferred_tasks` and applies it again to each later
    wait of that name; the extension queues events and gives each wait its own. So here the
    SDK returns the first event twice while the extension still awaits the second wait."""
    run = run_of(app, "two_waits", GATED)
    run.raise_event("Approval", "first")  # arrives while the first step runs
    run.complete(run.only("gated"), 0)
    assert run.is_done and run.output == ["first", "first"]
    assert run.status == "Running"
    run.raise_event("Approval", "second")
    assert (run.status, run.output) == ("Completed", ["first", "first"])


@pytest.mark.parametrize("name", ["approval_same_timer", "approval_fresh_timer"])
def test_an_invalid_event_before_a_validating_loop_hangs_it(app: AppIndex, name: str) -> None:
    """The same SDK behaviour in a loop that waits again after an invalid event: every new wait
    gets the early invalid event at once, so the SDK's replay loops until Python's recursion
    limit and answers with that error, while the extension waits for an event that never comes:
    the instance stays Running, past its deadline too."""
    run = run_of(app, name, {**GATED, "seconds": 3600})
    run.raise_event("Approval", {"decision": "maybe"})  # arrives while the first step runs
    run.complete(run.only("gated"), 0)
    assert (run.error or "").startswith("maximum recursion depth exceeded")
    assert run.status == "Running"
    for timer in run.timers():
        run.fire_timer(timer)
    assert run.status == "Running"
    assert (run.error or "").startswith("maximum recursion depth exceeded")
