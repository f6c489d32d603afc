"""Every setting the app reads, in one place, from environment variables.

Azure App Settings and `local.settings.json` `Values` both arrive as environment variables, so
this is the only module that touches `os.environ`. The README's settings table mirrors the
fields below; defaults are the embedded local stack's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from callinsights.review import DEFAULT_CONFIDENCE_THRESHOLD


def _str(env: Mapping[str, str], name: str, default: str) -> str:
    return env.get(name, default).strip()


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError as exc:
        raise ValueError(f"setting {name} must be a number, got {raw!r}") from exc


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    return int(_float(env, name, default))


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    return default if not raw else raw in {"1", "true", "yes", "on"}


# The SDK turns a timer longer than the extension's `maximumShortTimerDuration` (6 days on Azure
# Storage) into a LongTimerTask whose cancel never reaches the extension (SDK issue #573): the
# call would stay Running until the deadline after a decision. The deadline stays below it.
MAX_APPROVAL_DEADLINE_SECONDS = 6 * 24 * 3600.0
AUTH_MODES = ("functionkey", "easyauth")
AGENT_CHANNELS = ("auto", "left", "right")  # which channel of a stereo call is the agent's
# Identity-based `AzureWebJobsStorage` (no key): the runtime's own settings name the account.
STORAGE_ACCOUNT_SETTING = "AzureWebJobsStorage__accountName"
STORAGE_BLOB_URI_SETTING = "AzureWebJobsStorage__blobServiceUri"


def _storage(env: Mapping[str, str], default: str) -> str:
    """The blob connection: a connection string, else the identity-based account's blob URI."""
    if env.get("AzureWebJobsStorage", "").strip():
        return env["AzureWebJobsStorage"].strip()
    if env.get(STORAGE_BLOB_URI_SETTING, "").strip():
        return env[STORAGE_BLOB_URI_SETTING].strip()
    if env.get(STORAGE_ACCOUNT_SETTING, "").strip():
        return f"https://{env[STORAGE_ACCOUNT_SETTING].strip()}.blob.core.windows.net"
    return default


@dataclass(frozen=True)
class Settings:
    """Deployment configuration. Build with `Settings.from_env()`; never read env elsewhere."""

    # Storage: a connection string, or the blob service URI of an identity-based connection
    storage_connection: str = "UseDevelopmentStorage=true"  # AzureWebJobsStorage
    calls_container: str = "calls"
    chunks_container: str = "chunks"
    transcripts_container: str = "transcripts"
    audit_container: str = "audit"  # who deleted which call, when (no customer data)

    # Models: Azure OpenAI when azure_openai_endpoint is set, else any OpenAI-compatible server.
    azure_openai_endpoint: str = ""
    azure_openai_api_key: str = ""  # empty on Azure: DefaultAzureCredential (managed identity)
    azure_openai_api_version: str = "2024-10-21"
    openai_base_url: str = "http://127.0.0.1:8008/v1"
    openai_api_key: str = "local"
    transcription_model: str = "whisper"  # model name, or the Azure deployment name
    chat_model: str = "gpt-4o"  # model name, or the Azure deployment name
    model_timeout_seconds: float = 600.0
    language: str = "en"

    # Records: Cosmos DB when cosmos_endpoint is set, else SQLite at records_sqlite_path.
    cosmos_endpoint: str = ""
    cosmos_key: str = ""  # empty on Azure: DefaultAzureCredential
    cosmos_database: str = "callinsights"
    cosmos_container: str = "calls"
    cosmos_partition_key: str = "/call_date"
    cosmos_verify_tls: bool = True
    records_sqlite_path: str = ".data/records.sqlite"

    # Pipeline policy
    chunk_seconds: float = 600.0
    chunk_overlap_seconds: float = 1.0
    agent_channel: str = "auto"  # stereo calls: "left", "right", or "auto" (docs/speakers.md)
    max_parallel_transcriptions: int = 3
    transcription_max_attempts: int = 6
    transcription_first_retry_seconds: float = 5.0
    confidence_threshold: float = DEFAULT_CONFIDENCE_THRESHOLD
    approval_deadline_seconds: float = 72 * 3600.0

    # Privacy: mask e-mails, phone, card, SSN and account numbers before transcripts are stored
    redact_pii: bool = False

    # Operations and access
    history_retention_days: float = 30.0  # purge durable history of calls stored this long ago
    auth_mode: str = "functionkey"  # or "easyauth": Entra ID sign-in in front of the data routes
    auth_required_role: str = ""  # easyauth: an app role every caller of the data routes needs
    website_auth_enabled: bool = False  # set by App Service when its authentication is on

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        defaults = cls()
        values = {}
        for item in fields(cls):
            default = getattr(defaults, item.name)
            parse = _PARSERS[type(default)]
            values[item.name] = parse(env, ENV_NAMES[item.name], default)
        values["storage_connection"] = _storage(env, defaults.storage_connection)
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Reject values no deployment could mean, naming the setting."""
        if self.chunk_seconds < 30:
            raise ValueError("CHUNK_SECONDS must be at least 30")
        if not 0 <= self.chunk_overlap_seconds < self.chunk_seconds / 4:
            raise ValueError("CHUNK_OVERLAP_SECONDS must be >= 0 and well under CHUNK_SECONDS")
        if self.agent_channel not in AGENT_CHANNELS:
            raise ValueError(f"AGENT_CHANNEL must be one of {', '.join(AGENT_CHANNELS)}, "
                             f"got {self.agent_channel!r}")
        if self.max_parallel_transcriptions < 1:
            raise ValueError("MAX_PARALLEL_TRANSCRIPTIONS must be at least 1")
        if self.transcription_max_attempts < 1:
            raise ValueError("TRANSCRIPTION_MAX_ATTEMPTS must be at least 1")
        if not 0 < self.confidence_threshold <= 1:
            raise ValueError("CONFIDENCE_THRESHOLD must be in (0, 1]")
        if not 0 < self.approval_deadline_seconds < MAX_APPROVAL_DEADLINE_SECONDS:
            raise ValueError(
                f"APPROVAL_DEADLINE_SECONDS must be positive and under "
                f"{MAX_APPROVAL_DEADLINE_SECONDS:.0f} (6 days, the Durable extension's longest "
                "single timer; longer ones cannot be cancelled by the Python SDK)")
        if self.history_retention_days < 0:
            raise ValueError("HISTORY_RETENTION_DAYS must be 0 (never purge) or more")
        if self.auth_mode.lower() not in AUTH_MODES:
            raise ValueError(f"AUTH_MODE must be one of {', '.join(AUTH_MODES)}, "
                             f"got {self.auth_mode!r}")
        if self.uses_easy_auth and not self.website_auth_enabled:
            raise ValueError("AUTH_MODE=easyauth needs App Service Authentication turned on "
                             "(WEBSITE_AUTH_ENABLED=true): without it anyone could send the "
                             "X-MS-CLIENT-PRINCIPAL header the data routes trust")

    @property
    def uses_azure_openai(self) -> bool:
        return bool(self.azure_openai_endpoint)

    @property
    def uses_cosmos(self) -> bool:
        return bool(self.cosmos_endpoint)

    @property
    def uses_easy_auth(self) -> bool:
        return self.auth_mode.lower() == "easyauth"

    def policy(self) -> dict:
        """What the orchestrator needs, passed in its input (orchestrators read no env)."""
        return {
            "max_parallel_transcriptions": self.max_parallel_transcriptions,
            "transcription_max_attempts": self.transcription_max_attempts,
            "transcription_first_retry_seconds": self.transcription_first_retry_seconds,
            "confidence_threshold": self.confidence_threshold,
            "approval_deadline_seconds": self.approval_deadline_seconds,
        }


_PARSERS = {str: _str, float: _float, int: _int, bool: _bool}
# Field -> environment variable (App Setting). `AzureWebJobsStorage` is the Functions runtime's own.
ENV_NAMES = {
    item.name: "AzureWebJobsStorage" if item.name == "storage_connection"
    else "CALL_LANGUAGE" if item.name == "language" else item.name.upper()
    for item in fields(Settings)
}
