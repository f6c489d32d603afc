"""Host keys, kept as the Functions host keeps them: a master key, a function key and the
Durable extension's system key (`durabletask_extension`), each checked where Azure checks it.

A key comes from its setting (`DEVHOST_MASTER_KEY`, `DEVHOST_FUNCTION_KEY`, `DEVHOST_SYSTEM_KEY`)
or, when that is empty, from `<data-dir>/host-keys.json`, where the host writes a random one the
first time (Azure generates keys and stores them in the host's secrets the same way), so the
links a running instance handed out stay valid across restarts.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

MASTER_SETTING = "DEVHOST_MASTER_KEY"
FUNCTION_SETTING = "DEVHOST_FUNCTION_KEY"
SYSTEM_SETTING = "DEVHOST_SYSTEM_KEY"
KEY_FILE = "host-keys.json"
KEY_HEADER = "x-functions-key"


@dataclass(frozen=True)
class HostKeys:
    """The keys one host accepts."""

    master: str
    function: str
    system: str

    def allows(self, level: str, given: str) -> bool:
        """Whether `given` opens a route of that auth level.

        anonymous: anything; function: the function key or the master key; admin: the master
        key; system (the extension's webhooks): the system key or the master key.
        """
        if level == "anonymous":
            return True
        accepted = {"function": (self.function, self.master), "admin": (self.master,),
                    "system": (self.system, self.master)}.get(level, ())
        return bool(given) and any(hmac.compare_digest(given.encode(), key.encode())
                                   for key in accepted if key)


def given_key(query: Mapping[str, str], headers: Mapping[str, str]) -> str:
    """The key a request carries: `?code=` or the `x-functions-key` header."""
    return query.get("code") or headers.get(KEY_HEADER) or ""


def load_keys(data_dir: Path, env: Mapping[str, str] | None = None) -> HostKeys:
    """Settings first; missing ones from (or generated into) `<data-dir>/host-keys.json`."""
    env = os.environ if env is None else env
    path = data_dir / KEY_FILE
    stored = read_stored_keys(data_dir)
    keys = {name: env.get(setting) or stored.get(name) or ""
            for name, setting in (("master", MASTER_SETTING), ("function", FUNCTION_SETTING),
                                  ("system", SYSTEM_SETTING))}
    generated = {name: secrets.token_urlsafe(32) for name, value in keys.items() if not value}
    if generated:
        keys.update(generated)
        _write(path, {**stored, **generated})
    return HostKeys(**keys)


def read_stored_keys(data_dir: Path) -> dict[str, str]:
    """The keys a host generated for this data folder (empty if it never did)."""
    path = data_dir / KEY_FILE
    if not path.exists():
        return {}
    return {k: str(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}


def _write(path: Path, keys: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(keys, out, indent=2)

