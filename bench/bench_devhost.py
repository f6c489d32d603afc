"""Dev host throughput and latency, against Microsoft's durabletask in-memory test backend.

Prints, from one run on this machine: no-op activities per second in a 1,000-activity fan-out,
and the median start-to-completion latency of a 5-activity chain, for both engines, with ratios.
Run: `.venv/bin/python bench/bench_devhost.py [--fan-out 1000] [--chains 15]`.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devhost import Host, services  # noqa: E402

BENCH_APP = ROOT / "tests" / "devhost" / "apps" / "bench"
CHAIN_LENGTH = 5


def measure(run_once: Callable[[str, int], None], fan_out: int, chains: int
            ) -> tuple[float, float]:
    """(activities per second in the fan-out, median seconds per chain)."""
    started = time.perf_counter()
    run_once("fan_out", fan_out)
    rate = fan_out / (time.perf_counter() - started)
    latencies = []
    for _ in range(chains):
        started = time.perf_counter()
        run_once("chain", CHAIN_LENGTH)
        latencies.append(time.perf_counter() - started)
    return rate, statistics.median(latencies)


def bench_devhost(fan_out: int, chains: int, workers: int) -> tuple[float, float]:
    # Warnings only: a log line per activity would measure the terminal, not the engine.
    with tempfile.TemporaryDirectory() as data, Host(
            BENCH_APP, services.free_port(), data, activity_workers=workers,
            start_azurite=False, start_model_server=False, log_level=logging.WARNING) as host:

        def run_once(name: str, value: int) -> None:
            instance_id = host.run_client(lambda client: client.start_new(name, None, value))
            while host.store.get_instance(instance_id).status not in ("Completed", "Failed"):
                time.sleep(0.002)
            assert host.store.get_instance(instance_id).status == "Completed"

        run_once("chain", 1)  # warm-up: imports, the client session, SQLite pages
        return measure(run_once, fan_out, chains)


def bench_durabletask(fan_out: int, chains: int, workers: int) -> tuple[float, float]:
    from durabletask import client as dt_client
    from durabletask import task
    from durabletask import worker as dt_worker
    from durabletask.testing import create_test_backend

    def noop(ctx: task.ActivityContext, value: int) -> int:
        return value

    def fan_out_orchestrator(ctx: task.OrchestrationContext, count: int):
        results = yield task.when_all([ctx.call_activity(noop, input=i) for i in range(count)])
        return len(results)

    def chain_orchestrator(ctx: task.OrchestrationContext, steps: int):
        total = 0
        for step in range(steps):
            total += yield ctx.call_activity(noop, input=step)
        return total

    port = services.free_port()
    backend = create_test_backend(port=port, max_history_size=100_000)
    address = f"localhost:{port}"
    options = dt_worker.ConcurrencyOptions(maximum_concurrent_activity_work_items=workers)
    worker = dt_worker.TaskHubGrpcWorker(host_address=address, concurrency_options=options,
                                         log_handler=logging.NullHandler())
    worker.add_orchestrator(fan_out_orchestrator)
    worker.add_orchestrator(chain_orchestrator)
    worker.add_activity(noop)
    worker.start()
    hub = dt_client.TaskHubGrpcClient(host_address=address, log_handler=logging.NullHandler())
    names = {"fan_out": fan_out_orchestrator, "chain": chain_orchestrator}
    try:
        def run_once(name: str, value: int) -> None:
            instance_id = hub.schedule_new_orchestration(names[name], input=value)
            state = hub.wait_for_orchestration_completion(instance_id, timeout=600)
            assert state is not None and state.runtime_status.name == "COMPLETED", state

        run_once("chain", 1)
        return measure(run_once, fan_out, chains)
    finally:
        worker.stop()
        backend.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fan-out", type=int, default=1000)
    parser.add_argument("--chains", type=int, default=15)
    parser.add_argument("--workers", type=int, default=4, help="activity concurrency for both")
    args = parser.parse_args()
    ours = bench_devhost(args.fan_out, args.chains, args.workers)
    theirs = bench_durabletask(args.fan_out, args.chains, args.workers)
    print(f"fan-out of {args.fan_out} no-op activities, {args.workers} activity workers:")
    print(f"  devhost            {ours[0]:8.1f} activities/s")
    print(f"  durabletask memory {theirs[0]:8.1f} activities/s")
    print(f"  ratio devhost/durabletask: {ours[0] / theirs[0]:.2f}x")
    print(f"median start-to-completion of a {CHAIN_LENGTH}-activity chain "
          f"({args.chains} runs):")
    print(f"  devhost            {ours[1] * 1000:8.1f} ms")
    print(f"  durabletask memory {theirs[1] * 1000:8.1f} ms")
    print(f"  ratio devhost/durabletask: {ours[1] / theirs[1]:.2f}x (lower is faster)")


if __name__ == "__main__":
    main()
