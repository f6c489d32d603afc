"""The azd postdeploy hook against a stand-in `az`: it waits for a cold host's blob key, within
a bounded time, and registers Event Grid's resource provider first.

There is no Azure here: a small `az` on PATH answers the calls the script makes, the way the
Azure CLI prints them (`-o tsv`), and logs each call so the test can read what was asked.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "infra" / "scripts" / "subscribe-blob-events.sh"

FAKE_AZ = """#!/bin/sh
echo "$*" >> "$AZ_LOG"
case "$*" in
  "provider show"*) echo "$PROVIDER_STATE" ;;
  "provider register"*) ;;
  "functionapp show"*) echo "func-x.azurewebsites.net" ;;
  "functionapp keys list"*)
    calls=$(( $(cat "$KEY_CALLS" 2>/dev/null || echo 0) + 1 )); echo "$calls" > "$KEY_CALLS"
    if [ "$calls" -gt "$EMPTY_KEY_CALLS" ]; then echo "blob-key"; fi ;;
  "eventgrid event-subscription create"*) ;;
  *) echo "unexpected az $*" >&2; exit 3 ;;
esac
"""


def run_hook(tmp_path: Path, empty_key_calls: int, provider: str = "Registered",
             wait_seconds: int = 5) -> tuple[subprocess.CompletedProcess, list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, body in (("az", FAKE_AZ), ("curl", "#!/bin/sh\nexit 0\n"), ("sleep", "#!/bin/sh\n")):
        tool = bin_dir / name
        tool.write_text(body)
        tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "az.log"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "AZ_LOG": str(log),
           "KEY_CALLS": str(tmp_path / "key-calls"), "EMPTY_KEY_CALLS": str(empty_key_calls),
           "PROVIDER_STATE": provider, "AZURE_RESOURCE_GROUP": "rg",
           "AZURE_FUNCTION_APP_NAME": "func-x", "AZURE_STORAGE_ACCOUNT_ID": "/sub/st",
           "BLOB_KEY_WAIT_SECONDS": str(wait_seconds), "BLOB_KEY_RETRY_SECONDS": "1"}
    done = subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True,
                          timeout=60)
    return done, log.read_text().splitlines() if log.exists() else []


def test_waits_for_the_blob_key_of_a_cold_host(tmp_path):
    done, calls = run_hook(tmp_path, empty_key_calls=3)
    assert done.returncode == 0, done.stderr
    assert sum(c.startswith("functionapp keys list") for c in calls) == 4
    (create,) = [c for c in calls if c.startswith("eventgrid event-subscription create")]
    assert "code=blob-key" in create and "Host.Functions.start_process_call" in create
    assert "/blobServices/default/containers/calls/" in create


def test_gives_up_after_the_bounded_wait(tmp_path):
    done, calls = run_hook(tmp_path, empty_key_calls=100, wait_seconds=3)
    assert done.returncode == 1
    assert "no blobs_extension key after 3s" in done.stderr
    assert not [c for c in calls if c.startswith("eventgrid")]


def test_registers_the_event_grid_provider_when_needed(tmp_path):
    done, calls = run_hook(tmp_path, empty_key_calls=0, provider="NotRegistered")
    assert done.returncode == 0, done.stderr
    assert "provider register --namespace Microsoft.EventGrid --wait" in calls
