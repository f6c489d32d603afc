"""Checks of infra/ that need no Azure and no Bicep compiler (neither is installable here):
the app settings Bicep writes are settings the app or the runtime reads, every azd parameter
exists in main.bicep, and the storage account allows no shared keys."""

from __future__ import annotations

import json
import re
from pathlib import Path

from callinsights.settings import ENV_NAMES

INFRA = Path(__file__).resolve().parents[1] / "infra"
RUNTIME_SETTINGS = {"APPLICATIONINSIGHTS_CONNECTION_STRING", "AzureWebJobsStorage__accountName",
                    "AzureWebJobsStorage__credential", "DURABLE_TASK_SCHEDULER_CONNECTION_STRING"}


def block(text: str, opening: str) -> str:
    """The `{...}` that follows `opening` in a Bicep file."""
    start = text.index(opening) + len(opening)
    depth, end = 1, start
    while depth:
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        end += 1
    return text[start:end - 1]


def keys(bicep_object: str) -> set[str]:
    return set(re.findall(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:", bicep_object, re.MULTILINE))


def test_every_app_setting_bicep_writes_is_read_by_someone():
    main = (INFRA / "main.bicep").read_text()
    app = (INFRA / "modules" / "functionapp.bicep").read_text()
    written = (keys(block(main, "    settings: {")) | keys(block(main, "useScheduler ? {"))
               | keys(block(app, "union(settings, taskHubSettings, {")))
    host_overrides = {k for k in written if k.startswith("AzureFunctionsJobHost__")}
    unknown = written - set(ENV_NAMES.values()) - RUNTIME_SETTINGS - host_overrides
    assert not unknown, f"app settings nothing reads: {sorted(unknown)}"


def test_azd_parameters_exist_in_main_bicep():
    main = (INFRA / "main.bicep").read_text()
    declared = set(re.findall(r"^param (\w+)", main, re.MULTILINE))
    passed = set(json.loads((INFRA / "main.parameters.json").read_text())["parameters"])
    assert passed <= declared, sorted(passed - declared)


def test_storage_is_identity_only():
    storage = (INFRA / "modules" / "storage.bicep").read_text()
    assert "allowSharedKeyAccess: false" in storage
    assert "listKeys" not in "".join(p.read_text() for p in INFRA.rglob("*.bicep"))


def test_cosmos_indexes_the_paths_the_app_queries_as_bicep_declares():
    from callinsights.repository.cosmos import INDEXED_PATHS

    bicep = (INFRA / "modules" / "cosmos.bicep").read_text()
    declared = re.search(r"includedPaths: \[(.*)\]", bicep).group(1)
    assert tuple(re.findall(r"path: '([^']+)'", declared)) == INDEXED_PATHS
