"""Timer triggers: the NCRONTAB parser (pure), runs on schedule, the schedule monitor's past-due
run after downtime, and the host's admin endpoint that runs a function now."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from devhost import Host, services
from devhost.ncrontab import Cron, Interval, ScheduleError, parse_schedule

from .conftest import FIDELITY_APP, fidelity_settings, wait_until
from .test_http import http

T = datetime(2026, 3, 14, 10, 30, 15, tzinfo=UTC)  # a Saturday


@pytest.mark.parametrize(("expression", "after", "expected"), [
    ("0 */5 * * * *", T, datetime(2026, 3, 14, 10, 35, 0, tzinfo=UTC)),
    ("*/10 * * * * *", T, datetime(2026, 3, 14, 10, 30, 20, tzinfo=UTC)),
    ("0 0 3 * * *", T, datetime(2026, 3, 15, 3, 0, 0, tzinfo=UTC)),
    ("0 30 9 * * 1-5", T, datetime(2026, 3, 16, 9, 30, 0, tzinfo=UTC)),  # next weekday
    ("0 0 0 1 Jan *", T, datetime(2027, 1, 1, tzinfo=UTC)),
    ("0 0 12 * * Sun", T, datetime(2026, 3, 15, 12, 0, 0, tzinfo=UTC)),
    ("15 30 10 14 3 *", T, datetime(2027, 3, 14, 10, 30, 15, tzinfo=UTC)),  # strictly after
    ("0 0 0 29 2 *", T, datetime(2028, 2, 29, tzinfo=UTC)),
    ("0 0 0 13 * 5", T, datetime(2026, 11, 13, tzinfo=UTC)),  # day AND weekday: Friday 13th
    ("0 5,10-12 8 * * *", T, datetime(2026, 3, 15, 8, 5, 0, tzinfo=UTC)),
    ("0 10/20 * * * *", T, datetime(2026, 3, 14, 10, 50, 0, tzinfo=UTC)),
])
def test_next_occurrence(expression: str, after: datetime, expected: datetime) -> None:
    assert Cron.parse(expression).next_after(after) == expected


def test_cron_fields_expand_as_listed() -> None:
    cron = Cron.parse("0 0-30/10 1,2 * Jan-Mar Mon-Fri")
    assert cron.minutes == {0, 10, 20, 30} and cron.hours == {1, 2}
    assert cron.months == {1, 2, 3} and cron.weekdays == {1, 2, 3, 4, 5}


@pytest.mark.parametrize("bad", ["* * * * *", "60 * * * * *", "0 0 0 0 * *", "0 0 0 * 13 *",
                                 "0 0 0 * * 7", "x * * * * *", "0 */0 * * * *", "0 5-1 * * * *"])
def test_bad_expressions_are_refused(bad: str) -> None:
    with pytest.raises(ScheduleError):
        parse_schedule(bad)


def test_timespan_schedules_are_intervals() -> None:
    assert parse_schedule("00:05:00") == Interval(timedelta(minutes=5))
    assert parse_schedule("1.00:00:00").next_after(T) == T + timedelta(days=1)
    assert parse_schedule("0 0 3 * * *") == Cron.parse("0 0 3 * * *")
    assert Cron.parse("0 0 0 31 2 *").next_after(T) is None  # never


def runs(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_a_timer_function_runs_on_its_schedule(tmp_path: Path) -> None:
    settings = fidelity_settings(tmp_path, schedule="* * * * * *")
    with Host(FIDELITY_APP, services.free_port(), tmp_path, start_azurite=False,
              start_model_server=False, settings=settings) as host:
        wait_until(lambda: len(runs(tmp_path / "purge.log")) >= 2, what="two scheduled runs")
        lines = (tmp_path / "devhost.log").read_text()
    assert not any(run["past_due"] for run in runs(tmp_path / "purge.log"))
    assert "Executed function=nightly" in lines
    assert host.store is None  # stopped cleanly


def test_a_missed_occurrence_runs_once_past_due_at_start_up(tmp_path: Path) -> None:
    """use_monitor keeps the next occurrence in the task hub; a host that was down when it was
    due runs the function once at start-up with `past_due` set."""
    def host() -> Host:
        return Host(FIDELITY_APP, services.free_port(), tmp_path, start_azurite=False,
                    start_model_server=False, settings=fidelity_settings(tmp_path))

    with host() as first:
        status = wait_until(lambda: first.store.timer_status("nightly"), what="the monitor")
        assert datetime.fromisoformat(status["next"]).hour == 3
        missed = datetime.now(UTC) - timedelta(hours=1)  # as if the host slept through it
        first.store.put_timer_status("nightly", {**status, "next": missed.isoformat()})
    assert runs(tmp_path / "purge.log") == []
    with host():
        wait_until(lambda: runs(tmp_path / "purge.log"), what="the past-due run")
    assert [run["past_due"] for run in runs(tmp_path / "purge.log")] == [True]


def test_the_admin_endpoint_runs_a_timer_function_now(fidelity_host: Host, tmp_path: Path
                                                      ) -> None:
    host, keys = fidelity_host, fidelity_host.keys
    url = f"{host.origin}/admin/functions/nightly"
    body = json.dumps({"input": ""}).encode()
    json_type = {"Content-Type": "application/json"}
    assert http("POST", url, body, json_type)[0] == 401
    assert http("POST", url, body, {**json_type, "x-functions-key": keys.function})[0] == 401
    assert http("POST", url, body, {**json_type, "x-functions-key": keys.system})[0] == 401
    master = {**json_type, "x-functions-key": keys.master}
    assert http("POST", f"{host.origin}/admin/functions/nope", body, master)[0] == 404
    assert http("POST", f"{host.origin}/admin/functions/noop", body, master)[0] == 400
    assert http("POST", url, b"not json", master)[0] == 400
    log = Path(host.settings["PURGE_LOG"])
    before = len(runs(log))
    status, _, reply = http("POST", url, body, master)
    assert (status, reply) == (202, b"")
    wait_until(lambda: len(runs(log)) > before, what="the on-demand run")
    latest = runs(log)[-1]
    assert latest["past_due"] is False and latest["next"].endswith("03:00:00+00:00")
