"""Pages of orchestration instances from the Durable extension's list API, continuation included.

SDK 1.7.0's `get_status_by` sends one request and drops the response headers, so it never sees
the `x-ms-continuation-token` the extension returns with each page (100 instances by default):
everything after the first page would be silently lost. This asks the same endpoint the SDK
uses (`GET {rpcBaseUrl}instances/`, the host-local RPC listener) with `top` and the token.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Any

import aiohttp
import azure.durable_functions as df
from azure.durable_functions.constants import DATETIME_STRING_FORMAT

CONTINUATION_HEADER = "x-ms-continuation-token"
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=60)
_NO_TOKEN = {"", "null"}  # what an exhausted listing sends back, depending on the backend


class ListingError(RuntimeError):
    """The extension's list endpoint answered something other than 200 and a JSON array."""


def rpc_base_url(client: df.DurableOrchestrationClient) -> str:
    """The client binding's `rpcBaseUrl` (the SDK keeps it on a private attribute)."""
    return client._orchestration_bindings.rpc_base_url


def list_url(client: df.DurableOrchestrationClient, statuses: Iterable[str], top: int,
             created_to: datetime | None = None) -> str:
    query = [f"top={top}", "showInput=true"]  # the file name and upload time of each call
    names = ",".join(statuses)
    if names:
        query.append(f"runtimeStatus={names}")
    if created_to is not None:
        query.append(f"createdTimeTo={created_to.strftime(DATETIME_STRING_FORMAT)}")
    return f"{rpc_base_url(client)}instances/?{'&'.join(query)}"


async def instances_page(client: df.DurableOrchestrationClient, statuses: Iterable[str],
                         top: int, token: str | None = None, created_to: datetime | None = None
                         ) -> tuple[list[dict[str, Any]], str | None]:
    """One page of status JSON objects and the token of the next page (None: last page)."""
    headers = {CONTINUATION_HEADER: token} if token else {}
    url = list_url(client, statuses, top, created_to)
    async with aiohttp.ClientSession(timeout=REQUEST_TIMEOUT) as session, \
            session.get(url, headers=headers) as response:
        body = await response.json(content_type=None)
        if response.status != 200 or not isinstance(body, list):
            raise ListingError(f"GET {url}: HTTP {response.status}: {body!r}"[:500])
        following = response.headers.get(CONTINUATION_HEADER, "").strip()
    return body, (None if following in _NO_TOKEN else following)


async def all_instances(client: df.DurableOrchestrationClient, statuses: Iterable[str],
                        top: int = 100, created_to: datetime | None = None
                        ) -> AsyncIterator[dict[str, Any]]:
    """Every matching instance, page after page."""
    wanted = list(statuses)
    token = None
    while True:
        page, token = await instances_page(client, wanted, top, token, created_to)
        for instance in page:
            yield instance
        if token is None:
            return
