"""The durable client binding JSON and the management links, as the extension builds them.

The SDK's `DurableOrchestrationClient` sends every call to `rpcBaseUrl` (on Azure the
extension's loopback-only listener, http://127.0.0.1:17071/durabletask/) and substitutes the
`INSTANCEID` placeholder into `managementUrls` for `create_check_status_response`. The
management links point at the public webhook base and carry the extension's system key as
`code=`, as `HttpApiHandler.GetClientResponseLinks` writes them (spec §4.1, §4.6).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, urlsplit

PLACEHOLDER = "INSTANCEID"
WEBHOOK_PATH = "/runtime/webhooks/durabletask"
RPC_PATH = "/durabletask/"


def url_encode(text: str) -> str:
    """`WebUtility.UrlEncode`: spaces become `+`; letters, digits and `-_.!*()` stay."""
    return quote_plus(text, safe="-_.!*()")


def authority(url: str) -> str:
    """`scheme://host[:port]` of a URL (`Uri.GetLeftPart(UriPartial.Authority)`)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Endpoints:
    """Where the durable HTTP API lives and the query every public link carries."""

    origin: str  # the public origin, e.g. http://127.0.0.1:7071
    hub: str
    rpc_origin: str  # the loopback RPC listener, e.g. http://127.0.0.1:17071
    system_key: str = ""
    connection: str = "Storage"

    @property
    def webhook_base(self) -> str:
        return self.origin + WEBHOOK_PATH

    @property
    def rpc_base(self) -> str:
        return self.rpc_origin + RPC_PATH

    @property
    def query(self) -> str:
        suffix = f"taskHub={url_encode(self.hub)}&connection={url_encode(self.connection)}"
        return suffix + (f"&code={quote(self.system_key)}" if self.system_key else "")

    def management_urls(self, instance_id: str = PLACEHOLDER, origin: str | None = None
                        ) -> dict[str, str]:
        """The links for one instance; `origin` is the request's, as the extension uses it."""
        base = f"{origin or self.origin}{WEBHOOK_PATH}/instances/{url_encode(instance_id)}"
        q = self.query
        return {
            "id": instance_id,
            "statusQueryGetUri": f"{base}?{q}",
            "sendEventPostUri": f"{base}/raiseEvent/{{eventName}}?{q}",
            "terminatePostUri": f"{base}/terminate?reason={{text}}&{q}",
            "rewindPostUri": f"{base}/rewind?reason={{text}}&{q}",
            "purgeHistoryDeleteUri": f"{base}?{q}",
            "restartPostUri": f"{base}/restart?{q}",
            "suspendPostUri": f"{base}/suspend?reason={{text}}&{q}",
            "resumePostUri": f"{base}/resume?reason={{text}}&{q}",
        }

    def check_status_payload(self, instance_id: str, origin: str | None = None
                             ) -> dict[str, str]:
        """The body of the start endpoint's 202 (the extension leaves out the rewind link)."""
        urls = self.management_urls(instance_id, origin)
        urls.pop("rewindPostUri")
        return urls

    def client_binding(self) -> str:
        create = f"{self.webhook_base}/orchestrators/{{functionName}}[/{{instanceId}}]"
        code = f"code={quote(self.system_key)}" if self.system_key else ""
        return json.dumps({
            "taskHubName": self.hub,
            "creationUrls": {
                "createNewInstancePostUri": f"{create}?{code}",
                "createAndWaitOnNewInstancePostUri":
                    f"{create}?timeout={{timeoutInSeconds}}&pollingInterval="
                    f"{{intervalInSeconds}}&{code}",
            },
            "managementUrls": self.management_urls(),
            "baseUrl": self.webhook_base,
            "requiredQueryStringParameters": code,
            "rpcBaseUrl": self.rpc_base,
        })
