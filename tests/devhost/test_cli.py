"""`python -m devhost start` fails clearly on a missing app, a taken port, unreachable storage."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from devhost import services
from devhost.store import Store

from .conftest import APP_DIR


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "devhost", "start", "--no-azurite", "--no-model-server", *args],
        capture_output=True, text=True, timeout=60, cwd=services.PROJECT_ROOT,
        env={**os.environ, **(env or {})})


def test_missing_function_app(tmp_path: Path) -> None:
    result = run_cli("--app-dir", str(tmp_path), "--port", str(services.free_port()))
    assert result.returncode == 2
    assert "no function_app.py" in result.stderr


def test_port_in_use(tmp_path: Path, azurite: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("--app-dir", str(APP_DIR), "--port", str(port), "--data-dir",
                         str(tmp_path), env={"AzureWebJobsStorage": azurite})
        rpc = run_cli("--app-dir", str(APP_DIR), "--port", str(services.free_port()),
                      "--rpc-port", str(port), "--data-dir", str(tmp_path),
                      env={"AzureWebJobsStorage": azurite})
    assert result.returncode == 2
    assert f"port 127.0.0.1:{port} is already in use (use --port)" in result.stderr
    assert rpc.returncode == 2
    assert f"port 127.0.0.1:{port} is already in use (use --rpc-port)" in rpc.stderr


def test_unreachable_storage(tmp_path: Path) -> None:
    dead = services.blob_connection_string(services.free_port())
    result = run_cli("--app-dir", str(APP_DIR), "--port", str(services.free_port()),
                     "--data-dir", str(tmp_path), env={"AzureWebJobsStorage": dead})
    assert result.returncode == 2
    assert "unreachable" in result.stderr


def test_second_host_on_the_same_data_dir(tmp_path: Path, azurite: str) -> None:
    held = Store(tmp_path / "taskhub-TestHubName.sqlite")
    try:
        result = run_cli("--app-dir", str(APP_DIR), "--port", str(services.free_port()),
                         "--data-dir", str(tmp_path), env={"AzureWebJobsStorage": azurite})
    finally:
        held.close()
    assert result.returncode == 2
    assert "another devhost is already using" in result.stderr
