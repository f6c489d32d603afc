"""Run the host as a child process (for crash tests and tools that need a separate process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from devhost import services


class HostProcess:
    """`python -m devhost start` in its own process group; `kill()` is a real `kill -9`."""

    def __init__(self, app_dir: Path, data_dir: Path, port: int | None = None,
                 env: dict[str, str] | None = None, extra_args: list[str] | None = None,
                 rpc_port: int | None = None) -> None:
        self.app_dir, self.data_dir = app_dir, data_dir
        self.port = port or services.free_port()
        self.rpc_port = rpc_port or services.free_port()
        self.env = env or {}
        self.extra_args = extra_args or []
        self.process: subprocess.Popen | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def rpc_origin(self) -> str:
        """The loopback durable API the SDK client uses (no key needed there, as on Azure)."""
        return f"http://127.0.0.1:{self.rpc_port}"

    def start(self, timeout: float = 60.0) -> HostProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.data_dir / "devhost-process.log", "ab")  # noqa: SIM115 - child owns it
        argv = [sys.executable, "-m", "devhost", "start", "--app-dir", str(self.app_dir),
                "--port", str(self.port), "--rpc-port", str(self.rpc_port),
                "--data-dir", str(self.data_dir), *self.extra_args]
        root = str(services.PROJECT_ROOT)
        env = {**os.environ, **self.env,
               "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env,
                                        cwd=root, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"devhost exited with {self.process.returncode}; see "
                                   f"{self.data_dir / 'devhost-process.log'}")
            if self._ready():
                return self
            time.sleep(0.1)
        self.kill()
        raise RuntimeError("devhost did not become ready")

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.origin}/admin/host/status", timeout=1) as reply:
                return reply.status == 200
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL the whole process group: no cleanup runs, as in a crash."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self, timeout: float = 20.0) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> HostProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
