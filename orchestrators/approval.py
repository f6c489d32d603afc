"""Waiting for a reviewer's `Approval` event, or the deadline, whichever comes first.

Every wait is a fresh `task_any([event, timer])`: a fresh event wait and a fresh timer for the
same deadline, the previous timer cancelled. Re-yielding a timer an earlier yield scheduled
would make the extension await only the new event (durable-local-host-spec.md §2.3), so the
deadline would never end the wait on Azure. A malformed decision (only possible when raised
around the API, which validates first) is logged and ignored; the first valid one wins.
"""

from __future__ import annotations

from datetime import datetime

from callinsights import review
from orchestrators.run import Run, Steps, iso

APPROVAL_EVENT = "Approval"


def await_decision(run: Run, flagged: dict, deadline: datetime) -> Steps:
    """The review input (`review.review_input`) for a decision, or `unreviewed` at the deadline."""
    while True:
        timer = run.context.create_timer(deadline)
        event = run.context.wait_for_external_event(APPROVAL_EVENT)
        winner = yield run.context.task_any([event, timer])
        if winner is timer:
            run.log("approval deadline passed; storing unreviewed")
            return review.review_input(review.Outcome.UNREVIEWED, flagged)
        timer.cancel()  # a cancelled timer no longer keeps the instance open
        try:
            decision = review.parse_decision(event.result)
        except ValueError as exc:
            run.log("ignoring an invalid approval: %s", exc)
            continue
        return decided(run, flagged, decision)


def decided(run: Run, flagged: dict, decision: dict) -> dict:
    decision["decided_at"] = decision.get("decided_at") or iso(run.now)
    outcome = (review.Outcome.APPROVED if decision["decision"] == "approve"
               else review.Outcome.REJECTED)
    return review.review_input(outcome, flagged, decision)
