"""The durable instances of one call: its `process_call` run and its re-extractions.

A call's first run has the call id as instance id; re-extraction n runs as
`callinsights.call_ids.reextraction_id(call_id, n)`, numbered from 1 without gaps, so they are
found by asking for `-x{n}` upwards until one is missing (no list query, and no prefix filter
the Durable client lacks). The record's extraction history says how far they are known to have
ended (`extractions.settled_reextractions`): the lookup of live runs starts after that, and the
purge timer may drop those histories without breaking it. Deleting a call asks for every n
(`every=True`) and purges what is there; numbering then restarts with the call.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import azure.durable_functions as df

from callinsights.call_ids import (
    MAX_REEXTRACTIONS,
    REEXTRACTION_MARK,
    reextraction_id,
    reextraction_number,
)
from callinsights.extractions import settled_reextractions
from callinsights.status import LIVE_RUNTIMES

TERMINATE_WAIT_SECONDS = 60.0


async def instance_status(client: df.DurableOrchestrationClient, instance_id: str,
                          show_input: bool = False) -> dict | None:
    """The instance's status JSON, or None when the task hub has no such instance."""
    found = await client.get_status(instance_id, show_input=show_input)
    durable = found.to_json() if found else None
    return durable if durable and durable.get("runtimeStatus") else None


def runtime_of(durable: dict | None) -> str | None:
    status = (durable or {}).get("runtimeStatus")
    return getattr(status, "name", status)


async def reextractions(client: df.DurableOrchestrationClient, call_id: str,
                        record: dict | None = None, *, every: bool = False
                        ) -> list[tuple[str, dict]]:
    """(instance id, status JSON) of the call's re-extractions, oldest first: those after the
    record's settled ones, or (`every`) all whose history is still kept."""
    settled = settled_reextractions(record)
    found = []
    for n in range(1 if every else settled + 1, settled + MAX_REEXTRACTIONS + 1):
        instance_id = reextraction_id(call_id, n)
        durable = await instance_status(client, instance_id)
        if durable is not None:
            found.append((instance_id, durable))
        elif n > settled:
            break
    return found


async def runs_of(client: df.DurableOrchestrationClient, call_id: str,
                  record: dict | None = None, *, every: bool = False
                  ) -> list[tuple[str, dict]]:
    """The call's instances: the first run (when its history is kept), then re-extractions
    (`reextractions`; `record` is the call's stored record, if any)."""
    first = await instance_status(client, call_id, show_input=True)
    return (([(call_id, first)] if first else [])
            + await reextractions(client, call_id, record, every=every))


def next_reextraction(call_id: str, runs: list[tuple[str, dict]], record: dict | None) -> str:
    """The instance id of the call's next re-extraction: after every one known."""
    known = [settled_reextractions(record), *(reextraction_number(i) for i, _ in runs)]
    return reextraction_id(call_id, max(known) + 1)


async def speaking_run(client: df.DurableOrchestrationClient, call_id: str,
                       stored: Callable[[], dict | None]
                       ) -> tuple[str, dict | None, dict | None]:
    """(instance id, status JSON with input, the stored record) of the run that speaks for the
    call. A live first run speaks without a read of the record (`stored` is not called; the
    record is None): no re-extraction can be live beside it, one starts only when no run is.
    Otherwise the record says where re-extractions start, and a live one speaks (only the
    newest can be); else the first run (None when its history is gone)."""
    first = await instance_status(client, call_id, show_input=True)
    if runtime_of(first) in LIVE_RUNTIMES:
        return call_id, first, None
    record = stored()
    found = await reextractions(client, call_id, record)
    if found and runtime_of(found[-1][1]) in LIVE_RUNTIMES:
        instance_id = found[-1][0]
        return instance_id, await instance_status(client, instance_id, show_input=True), record
    return call_id, first, record


def base_call_id(instance_id: str) -> str:
    """The call an instance belongs to: `{call_id}-x{n}` -> `{call_id}`."""
    return instance_id.split(REEXTRACTION_MARK, 1)[0]


def live(runs: list[tuple[str, dict]]) -> list[str]:
    return [instance_id for instance_id, durable in runs if runtime_of(durable) in LIVE_RUNTIMES]


async def terminate_and_wait(client: df.DurableOrchestrationClient, instance_ids: list[str],
                             reason: str, timeout: float = TERMINATE_WAIT_SECONDS) -> list[str]:
    """Terminate the instances; the ids still live after `timeout` (empty: all ended)."""
    for instance_id in instance_ids:
        await client.terminate(instance_id, reason)
    deadline = time.monotonic() + timeout
    waiting = list(instance_ids)
    while waiting and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        waiting = [i for i in waiting
                   if runtime_of(await instance_status(client, i)) in LIVE_RUNTIMES]
    return waiting
