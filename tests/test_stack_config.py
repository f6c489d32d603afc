"""The environment the stack gives its host: `local.settings.json`, then the environment, then
the stack's own services, then what a test or command asks for (`StackConfig.settings`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stack.config import COMMITTED_SETTINGS, LOCAL_SETTINGS, StackConfig, local_values

FILE_VALUES = local_values(names=COMMITTED_SETTINGS)


@pytest.fixture
def cfg(tmp_path: Path) -> StackConfig:
    return StackConfig(data_dir=tmp_path, host_port=7301, azurite_port=7302, model_port=7303,
                       settings_files=COMMITTED_SETTINGS)


def test_the_file_gives_what_the_environment_does_not(cfg: StackConfig) -> None:
    settings = cfg.settings({})
    assert FILE_VALUES, "the committed example names the settings"
    for key, value in FILE_VALUES.items():
        if key not in ("AzureWebJobsStorage", "OPENAI_BASE_URL", "RECORDS_SQLITE_PATH"):
            assert settings[key] == value, key


def test_the_environment_overrides_the_file(cfg: StackConfig) -> None:
    assert FILE_VALUES["CONFIDENCE_THRESHOLD"] != "0.5"
    settings = cfg.settings({"CONFIDENCE_THRESHOLD": "0.5", "CALL_LANGUAGE": "de"})
    assert settings["CONFIDENCE_THRESHOLD"] == "0.5"
    assert settings["CALL_LANGUAGE"] == "de"  # a setting the file does not name reaches it too


def test_the_environment_is_read_when_none_is_given(cfg: StackConfig,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFIDENCE_THRESHOLD", "0.5")
    monkeypatch.setenv("DEVHOST_FUNCTION_KEY", "from-the-shell")
    assert cfg.settings()["CONFIDENCE_THRESHOLD"] == "0.5"
    assert cfg.function_key == "from-the-shell"  # the CLI's client uses the key the host got


def test_the_stacks_own_services_win_over_the_environment(cfg: StackConfig) -> None:
    shell = {"AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=elsewhere",
             "OPENAI_BASE_URL": "https://elsewhere/v1", "RECORDS_SQLITE_PATH": "/elsewhere.db"}
    settings = cfg.settings(shell)
    assert settings["AzureWebJobsStorage"] == cfg.storage_connection
    assert settings["OPENAI_BASE_URL"] == cfg.model_url
    assert settings["RECORDS_SQLITE_PATH"] == str(cfg.data_dir / "records.sqlite")


def test_what_a_test_asks_for_wins_over_everything(cfg: StackConfig) -> None:
    asked = cfg.with_env(CONFIDENCE_THRESHOLD="0.99", OPENAI_BASE_URL="http://127.0.0.1:1/v1")
    settings = asked.settings({"CONFIDENCE_THRESHOLD": "0.5"})
    assert settings["CONFIDENCE_THRESHOLD"] == "0.99"
    assert settings["OPENAI_BASE_URL"] == "http://127.0.0.1:1/v1"


def test_local_values_prefer_the_users_file_over_the_example(tmp_path: Path) -> None:
    example = {"Values": {"CONFIDENCE_THRESHOLD": "0.75", "COSMOS_KEY": None}}
    (tmp_path / "local.settings.example.json").write_text(json.dumps(example))
    assert local_values(tmp_path) == {"CONFIDENCE_THRESHOLD": "0.75", "COSMOS_KEY": ""}
    (tmp_path / "local.settings.json").write_text(json.dumps({"Values": {"CHUNK_SECONDS": 60}}))
    assert local_values(tmp_path, LOCAL_SETTINGS) == {"CHUNK_SECONDS": "60"}
    assert local_values(tmp_path, COMMITTED_SETTINGS) == {"CONFIDENCE_THRESHOLD": "0.75",
                                                          "COSMOS_KEY": ""}  # tests' stacks
    assert local_values(tmp_path / "nowhere") == {}
