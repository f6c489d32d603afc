"""Where the local stack lives and how to reach it: ports, folders, settings, the function key.

One `StackConfig` describes a stack. The CLI uses the default (the ports in
docs/architecture.md, data under `.data/`); the end-to-end tests build their own on free ports
in a temporary folder, with extra settings (a short approval deadline, a rate-limited model
server), so every command and test starts and talks to a stack the same way.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from devhost import services

PROJECT_ROOT = services.PROJECT_ROOT
HOST_PORT = 7071
AZURITE_PORT = 10000
MODEL_PORT = 8008
LOCAL_SYSTEM_KEY = "local-system-key"  # the durable webhooks' key (devhost checks it, as Azure)


LOCAL_SETTINGS = ("local.settings.json", "local.settings.example.json")  # the first found
# The tests' stacks: the settings the repository commits, not a developer's own edits.
COMMITTED_SETTINGS = ("local.settings.example.json",)


def local_values(root: Path = PROJECT_ROOT,
                 names: tuple[str, ...] = LOCAL_SETTINGS) -> dict[str, str]:
    """`Values` of `local.settings.json`, or of the example when the user has not made one."""
    for name in names:
        path = root / name
        if path.exists():
            values = json.loads(path.read_text(encoding="utf-8")).get("Values") or {}
            return {str(k): "" if v is None else str(v) for k, v in values.items()}
    return {}


@dataclass(frozen=True)
class StackConfig:
    """One local stack: its ports, its data folder and the settings its host runs with."""

    data_dir: Path = PROJECT_ROOT / ".data"
    host_port: int = HOST_PORT
    azurite_port: int = AZURITE_PORT
    model_port: int = MODEL_PORT
    app_env: dict[str, str] = field(default_factory=dict)  # overrides for the host (app settings)
    model_env: dict[str, str] = field(default_factory=dict)  # MODELSERVER_* for the model server
    settings_files: tuple[str, ...] = LOCAL_SETTINGS  # where the host's file settings come from

    @property
    def run_dir(self) -> Path:
        """Pid files and logs of the processes `up` started."""
        return self.data_dir / "stack"

    @property
    def log_dir(self) -> Path:
        return self.run_dir / "logs"

    @property
    def host_url(self) -> str:
        return f"http://127.0.0.1:{self.host_port}"

    @property
    def model_url(self) -> str:
        return f"http://127.0.0.1:{self.model_port}/v1"

    @property
    def storage_connection(self) -> str:
        return services.blob_connection_string(self.azurite_port)

    def settings(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment the host runs with, each layer over the one before:

        1. `local.settings.json` (`local_values` of `settings_files`): the developer's file;
        2. the environment (`os.environ` unless given): "all settings are environment
           variables", so `CONFIDENCE_THRESHOLD=0.5 make process ...` uses 0.5, as Core Tools
           and `devhost` rank them;
        3. this stack's own services (storage, model server, records file): the host must use
           the Azurite and model server this stack talks to, whatever the shell points at;
        4. `app_env`: what a test or command asks this stack for.
        """
        values = {**local_values(names=self.settings_files),
                  **(os.environ if environ is None else environ)}
        values.update({
            "AzureWebJobsStorage": self.storage_connection,
            "OPENAI_BASE_URL": self.model_url,
            "RECORDS_SQLITE_PATH": str(self.data_dir / "records.sqlite"),
        })
        values.setdefault("DEVHOST_SYSTEM_KEY", LOCAL_SYSTEM_KEY)
        values.update(self.app_env)
        return values

    @property
    def function_key(self) -> str:
        return self.settings().get("DEVHOST_FUNCTION_KEY", "")

    @property
    def system_key(self) -> str:
        return self.settings()["DEVHOST_SYSTEM_KEY"]

    @property
    def calls_container(self) -> str:
        return self.settings().get("CALLS_CONTAINER") or "calls"

    def with_env(self, **app_env: str) -> StackConfig:
        return replace(self, app_env={**self.app_env, **app_env})

    def as_env(self) -> dict[str, str]:
        """The `STACK_*` variables that make `python -m stack` talk to this stack."""
        return {var: str(getattr(self, attr)) for attr, var in _ENV.items()}

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> StackConfig:
        """The default stack, moved by `STACK_DATA_DIR` / `STACK_*_PORT` when ports are taken."""
        changes: dict = {attr: int(env[var]) for attr, var in _ENV.items()
                         if env.get(var) and attr != "data_dir"}
        if env.get(_ENV["data_dir"]):
            changes["data_dir"] = Path(env[_ENV["data_dir"]]).resolve()
        return replace(cls(), **changes)


_ENV = {"host_port": "STACK_HOST_PORT", "azurite_port": "STACK_AZURITE_PORT",
        "model_port": "STACK_MODEL_PORT", "data_dir": "STACK_DATA_DIR"}
