"""`python -m devhost start`: run the host in the foreground until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from devhost import services
from devhost.host import Host, HostError
from devhost.indexing import AppError
from devhost.keys import KEY_FILE
from devhost.settings import SettingsError
from devhost.store import StoreBusyError


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m devhost",
                                   description="Run function_app.py locally (Functions + Durable).")
    commands = root.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="serve the app in the foreground")
    start.add_argument("--app-dir", type=Path, default=Path("."),
                       help="folder holding function_app.py (default: current folder)")
    start.add_argument("--port", type=int, default=7071)
    start.add_argument("--rpc-port", type=int, default=None,
                       help="loopback port of the durable RPC API the SDK client uses "
                            "(default: 17071, or a free port when that is taken)")
    start.add_argument("--data-dir", type=Path, default=Path(".data"),
                       help="task hub, logs and Azurite data (default: .data)")
    start.add_argument("--activity-workers", type=int, default=None,
                       help="concurrent activities (default: host.json or 4)")
    start.add_argument("--blob-poll-interval", type=float, default=2.0)
    start.add_argument("--no-azurite", action="store_true",
                       help="never start Azurite for UseDevelopmentStorage=true")
    start.add_argument("--no-model-server", action="store_true",
                       help="never start the local model server")
    return root


def run_start(args: argparse.Namespace) -> int:
    host = Host(args.app_dir, args.port, args.data_dir, activity_workers=args.activity_workers,
                start_azurite=not args.no_azurite, start_model_server=not args.no_model_server,
                blob_poll_interval=args.blob_poll_interval, rpc_port=args.rpc_port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        host.start()
    except (HostError, AppError, SettingsError, StoreBusyError, services.ServiceError) as exc:
        print(f"devhost: {exc}", file=sys.stderr)
        return 2
    print(f"devhost: ready on {host.origin}, durable RPC on {host.rpc_origin}; keys not set in "
          f"the settings are in {host.data_dir / KEY_FILE} (Ctrl-C to stop)", file=sys.stderr,
          flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        host.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return run_start(args)
