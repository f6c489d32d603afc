"""Start and stop the local stand-ins for Azure services (Azurite, Cosmos DB server, model server).

One place knows how each companion process is launched, so the dev host, the `stack` CLI and
the test fixtures start them the same way: on 127.0.0.1, with their data under a folder we own,
and stopped (process group and all) when we are done.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NODE_BIN = PROJECT_ROOT / "node_modules" / ".bin"

# The well-known development storage account that `UseDevelopmentStorage=true` means.
DEV_ACCOUNT = "devstoreaccount1"
DEV_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


class ServiceError(RuntimeError):
    """A companion service could not be started (missing install, port taken, crashed at start)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=timeout):
        return True
    return False


def blob_connection_string(port: int) -> str:
    """Connection string for an Azurite blob endpoint on 127.0.0.1:port."""
    return (
        f"DefaultEndpointsProtocol=http;AccountName={DEV_ACCOUNT};AccountKey={DEV_KEY};"
        f"BlobEndpoint=http://127.0.0.1:{port}/{DEV_ACCOUNT};"
    )


@dataclass
class ServiceProcess:
    """A child process that serves on a port; `stop()` ends its whole process group."""

    name: str
    port: int
    process: subprocess.Popen
    log_path: Path
    extra: dict = field(default_factory=dict)

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is not None:
            return
        logged = self.log_path.stat().st_size if self.log_path.exists() else 0
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            if self._says_closed(logged):
                break
            time.sleep(0.05)
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=timeout)

    def _says_closed(self, offset: int) -> bool:
        """Azurite logs that it closed (data flushed) but its node process lingers ~30 s."""
        marker = self.extra.get("closed_marker")
        if not marker or not self.log_path.exists():
            return False
        with open(self.log_path, "rb") as log:
            log.seek(offset)
            return marker.encode() in log.read()

    def __enter__(self) -> ServiceProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _launch(name: str, argv: list[str], port: int, log_dir: Path, *, env: dict | None = None,
            ready_timeout: float = 60.0, cwd: Path | None = None) -> ServiceProcess:
    """Run argv in its own process group, logging to log_dir/name.log, and wait for its port."""
    if port_open(port):
        raise ServiceError(f"{name}: port 127.0.0.1:{port} is already in use")
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    log = open(log_path, "ab")  # noqa: SIM115 - handed to the child, closed with it
    proc = subprocess.Popen(
        argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        cwd=str(cwd or PROJECT_ROOT), env={**os.environ, **(env or {})}, start_new_session=True,
    )
    log.close()
    service = ServiceProcess(name, port, proc, log_path)
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise ServiceError(f"{name} exited with code {proc.returncode} at start:\n{tail}")
        if port_open(port):
            return service
        time.sleep(0.1)
    service.stop()
    raise ServiceError(f"{name} did not listen on 127.0.0.1:{port} within {ready_timeout:.0f}s "
                       f"(log: {log_path})")


def _node_tool(tool: str) -> str:
    path = NODE_BIN / tool
    if not path.exists():
        raise ServiceError(f"{path} is missing: run `make setup` (npm install) first")
    return str(path)


def start_azurite(data_dir: Path, port: int = 10000, log_dir: Path | None = None) -> ServiceProcess:
    """Azurite's blob service; the flags let azure-storage-blob 12.31's API version through."""
    data_dir.mkdir(parents=True, exist_ok=True)
    argv = [_node_tool("azurite-blob"), "--blobHost", "127.0.0.1", "--blobPort", str(port),
            "--location", str(data_dir), "--skipApiVersionCheck", "--loose", "--silent"]
    service = _launch("azurite", argv, port, log_dir or data_dir)
    service.extra["closed_marker"] = "Blob service successfully closed"
    return service


def start_cosmos_server(port: int, log_dir: Path) -> ServiceProcess:
    """@vercel/cosmosdb-server: HTTPS with a self-signed certificate, data in memory only."""
    argv = [_node_tool("cosmosdb-server"), "-p", str(port)]
    return _launch("cosmosdb-server", argv, port, log_dir)


def start_model_server(port: int, log_dir: Path, env: dict | None = None,
                       ready_timeout: float = 120.0) -> ServiceProcess:
    """The project's OpenAI-compatible model server (`python -m modelserver serve`)."""
    argv = [sys.executable, "-m", "modelserver", "serve", "--host", "127.0.0.1",
            "--port", str(port)]
    return _launch("modelserver", argv, port, log_dir, env=env, ready_timeout=ready_timeout)
