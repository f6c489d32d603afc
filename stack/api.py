"""The app's HTTP routes as the stack CLI and the end-to-end tests call them (stdlib only).

`GET /api/calls/{id}/status` is anonymous (status, stage, progress); the call's data, the list
and approvals need the function key, sent as `x-functions-key` exactly as on Azure.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

TERMINAL = frozenset({"Completed", "Rejected", "Failed"})
SETTLED = TERMINAL | {"AwaitingApproval"}  # where `process` stops waiting


@dataclass(frozen=True)
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class CallsApi:
    """A thin client over the calls routes of one host."""

    def __init__(self, base_url: str, function_key: str, timeout: float = 30.0,
                 system_key: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.function_key = function_key
        self.system_key = system_key  # the durable webhooks need it (or the master key)
        self.timeout = timeout

    def request(self, method: str, path: str, body: Any = None, *, keyed: bool = False,
                raw: bytes | None = None) -> Response:
        """Send one request; HTTP errors come back as a Response, not an exception."""
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        headers = {"content-type": "application/json"} if data is not None else {}
        if keyed:
            headers["x-functions-key"] = self.function_key
        req = urllib.request.Request(self.base_url + path, data=data, method=method,
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return Response(resp.status, _decode(resp.read()), dict(resp.headers))
        except urllib.error.HTTPError as err:
            return Response(err.code, _decode(err.read()), dict(err.headers))

    def status(self, call_id: str) -> dict | None:
        """The call's status document, or None while the host does not know the call (404)."""
        resp = self.request("GET", f"/api/calls/{call_id}", keyed=True)
        if resp.status == 404:
            return None
        if resp.status != 200:
            raise ApiError(f"GET /api/calls/{call_id}: HTTP {resp.status}: {resp.body}")
        return resp.body

    def list(self, status: str | None = "AwaitingApproval", **search: str) -> list[dict]:
        """Every call with that status and search (`GET /api/calls` parameters: customer, city,
        product, flagged, from, to), following the route's `continuation` page by page."""
        calls: list[dict] = []
        params = {k: v for k, v in {"status": status, **search}.items() if v}
        while True:
            query = "?" + urllib.parse.urlencode(params) if params else ""
            resp = self.request("GET", f"/api/calls{query}", keyed=True)
            if resp.status != 200:
                raise ApiError(f"GET /api/calls{query}: HTTP {resp.status}: {resp.body}")
            calls.extend(resp.body.get("calls", []))
            if not resp.body.get("continuation"):
                return calls
            params["continuation"] = resp.body["continuation"]

    def decide(self, call_id: str, decision: str, *, reviewer: str,
               corrections: dict[str, Any] | None = None) -> Response:
        """POST the approval decision; the caller looks at the status (202, 400, 404, 409)."""
        body = {"decision": decision, "reviewer": reviewer, "corrections": corrections or {}}
        return self.request("POST", f"/api/calls/{call_id}/approval", body, keyed=True)

    def delete(self, call_id: str, *, force: bool = False) -> Response:
        """DELETE the call everywhere: 200 with the counts removed, 404, 409 while running."""
        query = "?force=true" if force else ""
        return self.request("DELETE", f"/api/calls/{call_id}{query}", keyed=True)

    def reextract(self, call_id: str) -> Response:
        """POST a re-extraction from the stored transcript: 202, 404, or 409 with the reason."""
        return self.request("POST", f"/api/calls/{call_id}/reextract", keyed=True)

    def reextract_range(self, **body: Any) -> Iterator[dict]:
        """POST /api/reextractions page after page (`from`, `to`, `status`, `limit`): each
        page's answer (started, skipped, progress); ApiError on a refusal."""
        while True:
            resp = self.request("POST", "/api/reextractions", body, keyed=True)
            if resp.status != 200:
                raise ApiError(f"POST /api/reextractions: HTTP {resp.status}: {resp.body}")
            yield resp.body
            if not resp.body.get("continuation"):
                return
            body = {"continuation": resp.body["continuation"],
                    **({"limit": body["limit"]} if "limit" in body else {})}

    def reprocess(self, call_id: str) -> Response:
        """POST a whole new run from the recording: 202, 404, or 409 with the reason."""
        return self.request("POST", f"/api/calls/{call_id}/reprocess", keyed=True)

    def history(self, call_id: str) -> list[dict]:
        """The orchestration's history, as the Durable extension's status API shows it."""
        path = (f"/runtime/webhooks/durabletask/instances/{call_id}"
                f"?showHistory=true&code={urllib.parse.quote(self.system_key)}")
        resp = self.request("GET", path)
        if resp.status not in (200, 202):
            raise ApiError(f"history of {call_id}: HTTP {resp.status}: {resp.body}")
        return resp.body.get("historyEvents") or []


class ApiError(RuntimeError):
    """The host answered something other than what the route promises."""


def _decode(data: bytes) -> Any:
    if not data:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace")
