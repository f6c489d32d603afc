"""What the task hub's storage provider (host.json `storageProvider.type`) changes for the app.

The extension sends two of its provider's limits with every orchestration call
(`OrchestrationContextToString`): `maximumShortTimerDuration` (the provider's `MaximumDelayTime`)
and `longRunningTimerIntervalDuration` (`LongRunningTimerIntervalLength`). With both set and
non-zero, SDK 1.7.0 turns a timer longer than the first into a chain of sub-timers of the second
(`LongTimerTask`). The same maximum also bounds retry intervals (`ValidateDelayTime`).

Values, from the extension's providers: Azure Storage 6 days / 3 days; Netherite and MSSQL
`TimeSpan.MaxValue` / zero (the base class default). The Durable Task Scheduler
(`azureManaged`, or `durabletask-scheduler` in some docs) provider was not in the sources
available here; the SDK's own comment says its values are not provided, so devhost sends the
base class default (zero) for both, which gives the same SDK behaviour: one timer of any length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from devhost.shim import Limits

AZURE_STORAGE = "azurestorage"
TIMESPAN_MAX = timedelta(days=10675199, hours=2, minutes=48, seconds=5, microseconds=477580)
TIMESPAN_MAX_TEXT = "10675199.02:48:05.4775807"  # .NET TimeSpan.MaxValue, to the tick


@dataclass(frozen=True)
class Provider:
    """One storage provider's timer limits, as the extension reports them."""

    name: str
    maximum_delay: timedelta  # TimeSpan.MaxValue for "no limit"
    long_timer_interval: timedelta

    @property
    def limits(self) -> Limits:
        unlimited = self.maximum_delay in (TIMESPAN_MAX, timedelta(0))
        return Limits(None if unlimited else self.maximum_delay, self.name)

    def context_fields(self) -> dict[str, str]:
        """The two context JSON fields, as Newtonsoft writes a TimeSpan (`"c"` format)."""
        return {"longRunningTimerIntervalDuration": timespan(self.long_timer_interval),
                "maximumShortTimerDuration": timespan(self.maximum_delay)}


_PROVIDERS = {
    AZURE_STORAGE: Provider("Azure Storage", timedelta(days=6), timedelta(days=3)),
    "netherite": Provider("Netherite", TIMESPAN_MAX, timedelta(0)),
    "mssql": Provider("MSSQL", TIMESPAN_MAX, timedelta(0)),
    "azuremanaged": Provider("Durable Task Scheduler", timedelta(0), timedelta(0)),
    "durabletask-scheduler": Provider("Durable Task Scheduler", timedelta(0), timedelta(0)),
}


class ProviderError(ValueError):
    """host.json names a storage provider devhost does not know."""


def provider_for(storage_type: str | None) -> Provider:
    """The provider for host.json's `storageProvider.type` (absent means Azure Storage)."""
    key = (storage_type or AZURE_STORAGE).strip().lower()
    if key not in _PROVIDERS:
        known = ", ".join(sorted(_PROVIDERS))
        raise ProviderError(f"unknown durableTask storageProvider type '{storage_type}' "
                            f"(known: {known})")
    return _PROVIDERS[key]


def timespan(value: timedelta) -> str:
    """.NET `TimeSpan.ToString("c")`: `[-][d.]hh:mm:ss[.fffffff]`."""
    if value == TIMESPAN_MAX:
        return TIMESPAN_MAX_TEXT
    sign = "-" if value < timedelta(0) else ""
    value = abs(value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    if value.days:
        text = f"{value.days}.{text}"
    if value.microseconds:
        text += f".{value.microseconds * 10:07d}"
    return sign + text
