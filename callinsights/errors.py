"""Failures that retrying cannot fix, marked so the orchestrator can stop retrying them.

Durable Functions hands an activity's exception to the orchestrator as text, so the type itself
does not cross the boundary; the message does. Every permanent failure's message therefore starts
with `PERMANENT_MARKER`, and `is_permanent(text)` is the check the orchestrator uses.
"""

from __future__ import annotations

PERMANENT_MARKER = "PermanentError:"


class PermanentError(Exception):
    """Input or configuration that will fail the same way however often it is retried.

    `code` is a short machine-readable reason (`audio.empty`, `transcription.bad_request`, ...);
    `reason` is the sentence a user sees in the call's status.
    """

    def __init__(self, reason: str, code: str = "permanent") -> None:
        self.reason = reason
        self.code = code
        super().__init__(f"{PERMANENT_MARKER} [{code}] {reason}")


class TransientError(Exception):
    """A failure worth retrying later (throttling, a server error, a timeout, a dropped link)."""


def is_permanent(message: str) -> bool:
    """True when an activity failure's text says that retrying cannot help."""
    return PERMANENT_MARKER in (message or "")
