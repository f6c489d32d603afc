"""App settings as Core Tools provides them: `local.settings.json` Values under the environment.

Also what the host reads from `host.json` (task hub, activity concurrency, route prefix, storage
provider, start dedupe, versioning) and the connection string behind `UseDevelopmentStorage=true`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from devhost import services
from devhost.provider import Provider, ProviderError, provider_for
from devhost.versions import FAILURES, STRATEGIES, VersionPolicy

DEFAULT_HUB = "TestHubName"
OVERRIDABLE_STATES = ("AnyState", "NonRunningStates")
DEV_STORAGE = "UseDevelopmentStorage=true"
DEV_BLOB_PORT = 10000
STORAGE_SETTING = "AzureWebJobsStorage"


class SettingsError(RuntimeError):
    """The app folder or its settings files are unusable."""


def local_settings(app_dir: Path) -> dict[str, str]:
    """`Values` of `local.settings.json` (empty when the file is absent, as Core Tools allows)."""
    path = app_dir / "local.settings.json"
    if not path.exists():
        return {}
    try:
        values = json.loads(path.read_text(encoding="utf-8")).get("Values") or {}
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{path} is not valid JSON: {exc}") from exc
    return {str(k): "" if v is None else str(v) for k, v in values.items()}


def apply_settings(app_dir: Path, overrides: dict[str, str] | None = None
                   ) -> dict[str, str | None]:
    """Put settings into os.environ before the app is imported: environment wins over the file,
    explicit overrides (tests, the CLI) win over both. Returns what to restore afterwards."""
    previous: dict[str, str | None] = {}
    wanted = {k: v for k, v in local_settings(app_dir).items() if k not in os.environ}
    wanted.update(overrides or {})
    for key, value in wanted.items():
        previous[key] = os.environ.get(key)
        os.environ[key] = value
    return previous


def restore_settings(previous: dict[str, str | None]) -> None:
    """Undo `apply_settings`, so an in-process host leaves the environment as it found it."""
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@dataclass(frozen=True)
class HostJson:
    """The parts of host.json the local host honours."""

    hub_name: str = DEFAULT_HUB
    max_activities: int | None = None
    route_prefix: str = "api"
    provider: Provider = field(default_factory=lambda: provider_for(None))
    overridable_states: str = "NonRunningStates"  # the extension's default (DurableTaskOptions)
    versions: VersionPolicy = field(default_factory=VersionPolicy)


def read_host_json(app_dir: Path) -> HostJson:
    path = app_dir / "host.json"
    if not path.exists():
        return HostJson()
    try:
        extensions = json.loads(path.read_text(encoding="utf-8")).get("extensions", {})
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{path} is not valid JSON: {exc}") from exc
    durable = extensions.get("durableTask", {})
    prefix = extensions.get("http", {}).get("routePrefix", "api")
    states = durable.get("overridableExistingInstanceStates") or "NonRunningStates"
    matched = [s for s in OVERRIDABLE_STATES if s.lower() == str(states).lower()]
    if not matched:
        raise SettingsError(f"{path}: overridableExistingInstanceStates must be one of "
                            f"{', '.join(OVERRIDABLE_STATES)}, not {states!r}")
    try:
        provider = provider_for((durable.get("storageProvider") or {}).get("type"))
        versions = VersionPolicy(str(durable.get("defaultVersion") or ""),
                                 _choice(durable.get("versionMatchStrategy"), STRATEGIES),
                                 _choice(durable.get("versionFailureStrategy"), FAILURES))
    except (ProviderError, ValueError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    return HostJson(durable.get("hubName") or DEFAULT_HUB,
                    durable.get("maxConcurrentActivityFunctions"), prefix, provider, matched[0],
                    versions)


def _choice(value: object, allowed: tuple[str, ...]) -> str:
    """An enum setting, matched case-insensitively as .NET configuration binding does."""
    if value is None or value == "":
        return allowed[-1] if allowed is STRATEGIES else allowed[0]
    for name in allowed:
        if name.lower() == str(value).lower():
            return name
    raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")


def storage_connection(setting: str | None = None) -> str:
    """The connection string named by a trigger's `connection` (default AzureWebJobsStorage)."""
    name = setting or STORAGE_SETTING
    value = os.environ.get(name) or os.environ.get(f"AzureWebJobs{name}") or ""
    if not value:
        raise SettingsError(f"storage connection setting '{name}' is not set")
    return resolve_connection(value)


def resolve_connection(value: str) -> str:
    """Expand `UseDevelopmentStorage=true` into the Azurite connection string."""
    if value.strip().rstrip(";").lower() == DEV_STORAGE.lower():
        return services.blob_connection_string(DEV_BLOB_PORT)
    return value
