"""The durable client binding JSON and the management links, as the extension builds them.

The SDK's `DurableOrchestrationClient` reads `rpcBaseUrl` for every call and substitutes the
`INSTANCEID` placeholder into `managementUrls` for `create_check_status_response`; both point at
this host's HTTP origin (spec §4.1, §4.6).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

PLACEHOLDER = "INSTANCEID"
WEBHOOK_PATH = "/runtime/webhooks/durabletask"
RPC_PATH = "/durabletask/"


@dataclass(frozen=True)
class Endpoints:
    """Where the durable HTTP API lives and the query every public link carries."""

    origin: str  # e.g. http://127.0.0.1:7071
    hub: str
    connection: str = "Storage"
    key: str = ""

    @property
    def webhook_base(self) -> str:
        return self.origin + WEBHOOK_PATH

    @property
    def query(self) -> str:
        suffix = f"taskHub={quote(self.hub)}&connection={quote(self.connection)}"
        return suffix + (f"&code={quote(self.key)}" if self.key else "")

    def management_urls(self, instance_id: str = PLACEHOLDER) -> dict[str, str]:
        base = f"{self.webhook_base}/instances/{instance_id}"
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

    def check_status_payload(self, instance_id: str) -> dict[str, str]:
        """The body of the start endpoint's 202 (the extension leaves out the rewind link)."""
        urls = self.management_urls(instance_id)
        urls.pop("rewindPostUri")
        return urls

    def client_binding(self) -> str:
        create = f"{self.webhook_base}/orchestrators/{{functionName}}[/{{instanceId}}]"
        code = f"code={quote(self.key)}" if self.key else ""
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
            "rpcBaseUrl": self.origin + RPC_PATH,
        })
