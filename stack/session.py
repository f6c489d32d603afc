"""A local stack as one object: start it, hand it recordings, follow them, stop it.

The end-to-end tests and the pipeline benchmark drive the stack through this, on their own
ports and folders, exactly as `make process` does on the default ones.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from devhost import services
from stack import processes
from stack.api import SETTLED, CallsApi
from stack.calls import Submitted, upload, wait
from stack.config import StackConfig

stderr_log: Callable[[str], None] = functools.partial(print, file=sys.stderr)


class LocalStack:
    """Azurite, the model server and the host for one `StackConfig`."""

    def __init__(self, cfg: StackConfig, log: Callable[[str], None] = stderr_log) -> None:
        self.cfg = cfg
        self.log = log
        self.api = CallsApi(cfg.host_url, cfg.function_key, system_key=cfg.system_key)
        self.started: list[services.ServiceProcess] = []

    def start(self) -> LocalStack:
        self.started = processes.start(self.cfg, log=self.log)
        return self

    def stop(self) -> None:
        processes.stop(self.cfg, self.started)
        self.started = []

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def process(self, name: str) -> services.ServiceProcess:
        """One of the processes this object started, by name (azurite, modelserver, devhost)."""
        return next(p for p in self.started if p.name == name)

    def submit(self, path: Path) -> Submitted:
        return upload(self.cfg.storage_connection, self.cfg.calls_container, path)

    def follow(self, subs: Iterable[Submitted], *, timeout: float = 1800.0,
               settled: frozenset[str] = SETTLED,
               on_change: Callable[[Submitted, dict], None] | None = None) -> dict[str, dict]:
        """Wait until each call reaches a `settled` status; {call_id: status document}."""
        return wait(self.api, subs, timeout=timeout, settled=settled,
                    on_change=on_change or (lambda sub, status: None))

    def run(self, path: Path, *, timeout: float = 1800.0,
            settled: frozenset[str] = SETTLED) -> tuple[Submitted, dict]:
        """Upload one recording and wait until it settles."""
        sub = self.submit(path)
        return sub, self.follow([sub], timeout=timeout, settled=settled)[sub.call_id]

    def host_log(self) -> str:
        """What the host wrote (its own log, one line per function execution)."""
        return _read(self.cfg.data_dir / "devhost.log")

    def service_log(self, name: str) -> str:
        """A started process's console log (`modelserver` has the HTTP access lines)."""
        return _read(self.cfg.log_dir / f"{name}.log")


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
