"""One `process_call` run's context, input and stage bookkeeping, shared by its parts.

`Run` holds the policy from the input, publishes the stage in the custom status, keeps the stage
timings and calls activities with retries; `StageFailed` is how any part stops the call.
Deterministic: time only from `context.current_utc_datetime`, every setting from the input.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from datetime import datetime
from typing import Any

import azure.durable_functions as df

from orchestrators.retry import retry_options
from orchestrators.versions import is_legacy

STAGE_ATTEMPTS = 3  # the non-transcription stages: transient storage or model hiccups only
MAX_REASON = 1000

Steps = Generator[Any, Any, Any]


class StageFailed(Exception):
    """A stage failed for good; `reason` is what the call's status and record show."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"{stage} failed: {reason}")
        self.stage = stage
        self.reason = reason


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def activity_reason(exc: Exception) -> str:
    """The useful line of a failed task: SDK text is `"<Reason> \\n <Details>"`."""
    reason = str(exc).split(" \n ", 1)[0].strip() or type(exc).__name__
    return reason[:MAX_REASON]


class Run:
    """One run's context, input and stage bookkeeping (timings, custom status, retries)."""

    def __init__(self, context: df.DurableOrchestrationContext, job: dict) -> None:
        self.context = context
        self.legacy = is_legacy(context.version)  # started before orchestration versioning
        self.policy: dict = job.get("policy") or {}
        self.call = {k: v for k, v in job.items() if k != "policy"}
        self.call.setdefault("call_id", context.instance_id)  # the instance id is the call id
        self.call["started_at"] = iso(context.current_utc_datetime)
        self.stage: str | None = None
        self.stage_seconds: dict[str, float] = {}
        self._since = context.current_utc_datetime
        first = float(self.policy.get("transcription_first_retry_seconds", 5.0))
        attempts = int(self.policy.get("transcription_max_attempts", 6))
        self.transcribe_retry = retry_options(first, attempts)
        self.stage_retry = retry_options(first, min(STAGE_ATTEMPTS, attempts))

    @property
    def now(self) -> datetime:
        return self.context.current_utc_datetime

    def close_stage(self) -> None:
        if self.stage:
            self.stage_seconds[self.stage] = round((self.now - self._since).total_seconds(), 3)

    def enter(self, stage: str, **status: Any) -> None:
        """Close the current stage's timing, start `stage`, publish it."""
        self.close_stage()
        self.stage, self._since = stage, self.now
        self.publish(stage, **status)

    def publish(self, stage: str, **status: Any) -> None:
        self.context.set_custom_status({"stage": stage, **status})

    def call_activity(self, name: str, payload: dict, retry: df.RetryOptions | None = None
                      ) -> Steps:
        """Run one activity with retries; any failure for good becomes StageFailed."""
        try:
            result = yield self.context.call_activity_with_retry(
                name, retry or self.stage_retry, payload)
        except Exception as exc:  # retries exhausted: the SDK raises the last failure
            raise StageFailed(self.stage or "starting", activity_reason(exc)) from None
        return self.checked(result)

    def checked(self, result: Any) -> Any:
        """An activity answers `{"error": reason}` for input that can never work."""
        if isinstance(result, dict) and result.get("error"):
            raise StageFailed(self.stage or "starting", str(result["error"])[:MAX_REASON])
        return result

    def log(self, message: str, *args: Any) -> None:
        if not self.context.is_replaying:
            logging.info("process_call %s: " + message, self.call.get("call_id"), *args)
