"""host.json settings the host honours: the task hub name and the HTTP route prefix."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from devhost import Host, services

APP = Path(__file__).parent / "apps" / "prefixed"


def test_route_prefix_and_hub_name(tmp_path: Path) -> None:
    with Host(APP, services.free_port(), tmp_path, start_azurite=False,
              start_model_server=False) as host:
        with urllib.request.urlopen(f"{host.origin}/hello/world", timeout=10) as reply:
            assert reply.read() == b"hello world"
        assert json.loads(host.client_json)["taskHubName"] == "PrefixHub"
    assert (tmp_path / "taskhub-PrefixHub.sqlite").exists()
