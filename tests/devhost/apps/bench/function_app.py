"""Benchmark app: a no-op activity, a fan-out over it, a 5-step chain (bench_devhost.py)."""

from __future__ import annotations

import azure.durable_functions as df

app = df.DFApp()


@app.activity_trigger(input_name="value")
def noop(value: int) -> int:
    return value


@app.orchestration_trigger(context_name="context")
def fan_out(context: df.DurableOrchestrationContext):
    count = context.get_input()
    results = yield context.task_all([context.call_activity("noop", i) for i in range(count)])
    return len(results)


@app.orchestration_trigger(context_name="context")
def chain(context: df.DurableOrchestrationContext):
    total = 0
    for step in range(context.get_input()):
        total += yield context.call_activity("noop", step)
    return total
