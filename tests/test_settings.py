"""Settings come from the environment only, with the local stack's defaults, and reject nonsense."""

import pytest

from callinsights.settings import ENV_NAMES, Settings


def test_defaults_are_the_embedded_local_stack():
    settings = Settings.from_env({})
    assert settings.storage_connection == "UseDevelopmentStorage=true"
    assert settings.openai_base_url == "http://127.0.0.1:8008/v1"
    assert not settings.uses_azure_openai and not settings.uses_cosmos


def test_every_field_reads_its_named_variable():
    env = {"AzureWebJobsStorage": "conn", "CHUNK_SECONDS": "120", "COSMOS_VERIFY_TLS": "false",
           "MAX_PARALLEL_TRANSCRIPTIONS": "2", "AZURE_OPENAI_ENDPOINT": "https://x",
           "COSMOS_ENDPOINT": "https://c", "CALL_LANGUAGE": "de"}
    settings = Settings.from_env(env)
    assert (settings.storage_connection, settings.chunk_seconds, settings.cosmos_verify_tls,
            settings.max_parallel_transcriptions, settings.language) == ("conn", 120.0, False, 2,
                                                                          "de")
    assert settings.uses_azure_openai and settings.uses_cosmos
    assert set(ENV_NAMES) == set(Settings.__dataclass_fields__)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("CHUNK_SECONDS", "5", "CHUNK_SECONDS"),
    ("CONFIDENCE_THRESHOLD", "1.5", "CONFIDENCE_THRESHOLD"),
    ("MAX_PARALLEL_TRANSCRIPTIONS", "0", "MAX_PARALLEL_TRANSCRIPTIONS"),
    ("APPROVAL_DEADLINE_SECONDS", "abc", "APPROVAL_DEADLINE_SECONDS"),
])
def test_bad_values_name_the_setting(name, value, message):
    with pytest.raises(ValueError, match=message):
        Settings.from_env({name: value})


def test_policy_is_what_the_orchestrator_needs():
    policy = Settings.from_env({"CONFIDENCE_THRESHOLD": "0.9"}).policy()
    assert policy["confidence_threshold"] == 0.9
    assert set(policy) == {"max_parallel_transcriptions", "transcription_max_attempts",
                           "transcription_first_retry_seconds", "confidence_threshold",
                           "approval_deadline_seconds"}


def test_approval_deadline_stays_under_the_extensions_longest_short_timer():
    assert Settings.from_env({"APPROVAL_DEADLINE_SECONDS": str(5 * 86400)})
    with pytest.raises(ValueError, match="6 days"):
        Settings.from_env({"APPROVAL_DEADLINE_SECONDS": str(6 * 86400)})


def test_identity_based_storage_connection_is_the_accounts_blob_uri():
    assert Settings.from_env({"AzureWebJobsStorage__accountName": "stx"}).storage_connection \
        == "https://stx.blob.core.windows.net"
    assert Settings.from_env({"AzureWebJobsStorage__blobServiceUri": "https://b.example/",
                              "AzureWebJobsStorage__accountName": "stx"}).storage_connection \
        == "https://b.example/"
    assert Settings.from_env({"AzureWebJobsStorage": "conn",
                              "AzureWebJobsStorage__accountName": "stx"}).storage_connection \
        == "conn"


def test_easy_auth_mode_needs_app_service_authentication_on():
    with pytest.raises(ValueError, match="WEBSITE_AUTH_ENABLED"):
        Settings.from_env({"AUTH_MODE": "easyauth"})
    settings = Settings.from_env({"AUTH_MODE": "EasyAuth", "WEBSITE_AUTH_ENABLED": "True"})
    assert settings.uses_easy_auth
    with pytest.raises(ValueError, match="AUTH_MODE"):
        Settings.from_env({"AUTH_MODE": "open"})
