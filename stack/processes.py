"""Start and stop the three processes of a local stack, in the foreground or in the background.

Foreground (demo, a temporary stack for `process`, the tests): the `ServiceProcess` objects are
kept and stopped at the end. Background (`up`/`down`): each started process leaves a pid file
under `.data/stack/`, and `down` ends its process group. A piece already listening on its port
is reused, not started twice (and not stopped by us).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from devhost import services
from stack.config import StackConfig

Log = Callable[[str], None]
ORDER = ("azurite", "modelserver", "devhost")  # start order; stop in reverse
HOST_READY_SECONDS = 180.0
MODEL_READY_SECONDS = 180.0


def _start_host(cfg: StackConfig) -> services.ServiceProcess:
    """`python -m devhost start` on this stack's port, with this stack's app settings."""
    argv = [sys.executable, "-m", "devhost", "start", "--port", str(cfg.host_port),
            "--data-dir", str(cfg.data_dir), "--no-azurite", "--no-model-server"]
    return services._launch("devhost", argv, cfg.host_port, cfg.log_dir, env=cfg.settings(),
                            ready_timeout=HOST_READY_SECONDS)


def _starters(cfg: StackConfig) -> dict[str, tuple[int, Callable[[], services.ServiceProcess]]]:
    return {
        "azurite": (cfg.azurite_port, lambda: services.start_azurite(
            cfg.data_dir / "azurite", cfg.azurite_port, cfg.log_dir)),
        "modelserver": (cfg.model_port, lambda: services.start_model_server(
            cfg.model_port, cfg.log_dir, env=cfg.model_env, ready_timeout=MODEL_READY_SECONDS)),
        "devhost": (cfg.host_port, lambda: _start_host(cfg)),
    }


def pid_file(cfg: StackConfig, name: str) -> Path:
    return cfg.run_dir / f"{name}.pid"


def start(cfg: StackConfig, log: Log = print) -> list[services.ServiceProcess]:
    """Start every piece that is not listening yet; record pid files; return what was started."""
    cfg.log_dir.mkdir(parents=True, exist_ok=True)
    started: list[services.ServiceProcess] = []
    try:
        for name, (port, launch) in _starters(cfg).items():
            if services.port_open(port):
                continue  # already up (`make up`, or the user's own): reuse it
            log(f"{name}: starting on 127.0.0.1:{port} (log: {cfg.log_dir / (name + '.log')})")
            proc = launch()
            pid_file(cfg, name).write_text(str(proc.process.pid))
            started.append(proc)
    except BaseException:
        stop(cfg, started)
        raise
    return started


def stop(cfg: StackConfig, started: list[services.ServiceProcess]) -> None:
    """Stop processes this run started (host first, so it checkpoints while storage is up)."""
    for proc in reversed(started):
        proc.stop(timeout=30)
        with contextlib.suppress(FileNotFoundError):
            pid_file(cfg, proc.name).unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recorded_pids(cfg: StackConfig) -> dict[str, int]:
    """Pid files of background processes that are still alive (stale files are removed)."""
    pids: dict[str, int] = {}
    for name in ORDER:
        path = pid_file(cfg, name)
        with contextlib.suppress(FileNotFoundError, ValueError):
            pid = int(path.read_text().strip())
            if _alive(pid):
                pids[name] = pid
            else:
                path.unlink()
    return pids


def stop_recorded(cfg: StackConfig, timeout: float = 30.0) -> list[str]:
    """End the process groups that `up` recorded, newest piece first; return their names."""
    stopped = []
    for name, pid in reversed(list(recorded_pids(cfg).items())):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, sig)
            deadline = time.monotonic() + timeout
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            if not _alive(pid):
                break
        pid_file(cfg, name).unlink(missing_ok=True)
        stopped.append(name)
    return stopped
