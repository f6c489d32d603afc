"""`RetryOptions` with exponential back-off for SDK 1.7.0, which only sends a fixed interval.

azure-functions-durable 1.7.0's `RetryOptions.to_json` emits `firstRetryIntervalInMilliseconds`
and `maxNumberOfAttempts`; the Durable extension's `RetryOptionsConverter` also reads
`backoffCoefficient` and `maxRetryIntervalInMilliseconds` when present. This subclass adds them,
so Azure backs off exponentially (a host that ignores them retries at the first interval).
"""

from __future__ import annotations

import azure.durable_functions as df

BACKOFF_COEFFICIENT = 2.0
MAX_RETRY_INTERVAL_SECONDS = 300.0


class BackoffRetryOptions(df.RetryOptions):
    def __init__(self, first_retry_interval_in_milliseconds: int, max_number_of_attempts: int, *,
                 backoff_coefficient: float = BACKOFF_COEFFICIENT,
                 max_retry_interval_in_milliseconds: int = int(MAX_RETRY_INTERVAL_SECONDS * 1000),
                 ) -> None:
        super().__init__(first_retry_interval_in_milliseconds, max_number_of_attempts)
        if backoff_coefficient < 1:
            raise ValueError("backoff_coefficient must be at least 1")
        self.backoff_coefficient = backoff_coefficient
        self.max_retry_interval_in_milliseconds = max(max_retry_interval_in_milliseconds,
                                                      first_retry_interval_in_milliseconds)

    def to_json(self) -> dict:
        return {**super().to_json(), "backoffCoefficient": self.backoff_coefficient,
                "maxRetryIntervalInMilliseconds": self.max_retry_interval_in_milliseconds}


def retry_options(first_retry_seconds: float, max_attempts: int) -> BackoffRetryOptions:
    """Back-off starting at `first_retry_seconds`, doubling, for at most `max_attempts` tries."""
    return BackoffRetryOptions(max(1, int(first_retry_seconds * 1000)), max(1, max_attempts))
