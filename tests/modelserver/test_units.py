"""The server's pure parts, without models: rate window, core budget, schema rewrite and check."""

from __future__ import annotations

import json
import threading
import time

import pytest

from modelserver.cores import CoreBudget
from modelserver.errors import APIError
from modelserver.grammar import normalize, schema_to_gbnf
from modelserver.ratelimit import RateLimiter
from modelserver.settings import ServerSettings, parse_rate_limits
from modelserver.validate import first_error


def test_rate_limiter_window_and_retry_after() -> None:
    now = [100.0]
    limiter = RateLimiter({"whisper-tiny.en": 2}, window=60, clock=lambda: now[0])
    limiter.check("whisper-tiny.en", "whisper")
    now[0] += 10
    limiter.check("whisper-tiny.en", "whisper")
    with pytest.raises(APIError) as caught:
        limiter.check("whisper-tiny.en", "whisper")
    assert caught.value.status == 429 and caught.value.headers["Retry-After"] == "50"
    limiter.check("gemma-3-270m", "gpt-4o")  # not limited
    now[0] += 50
    limiter.check("whisper-tiny.en", "whisper")


def test_settings_from_env() -> None:
    settings = ServerSettings.from_env({"MODELSERVER_RATE_LIMITS": "whisper=3, gpt-4o=60",
                                        "MODELSERVER_THREADS": "2", "MODELSERVER_PORT": "9000"})
    assert settings.rate_limits == {"whisper": 3, "gpt-4o": 60}
    assert settings.port == 9000 and settings.whisper_threads == 1
    with pytest.raises(ValueError):
        parse_rate_limits("whisper")


def test_core_budget_never_oversubscribes() -> None:
    budget, busy, peak, lock = CoreBudget(2), [0], [0], threading.Lock()

    def work(cores: int) -> None:
        with budget.use(cores):
            with lock:
                busy[0] += cores
                peak[0] = max(peak[0], busy[0])
            time.sleep(0.02)
            with lock:
                busy[0] -= cores

    threads = [threading.Thread(target=work, args=(n,)) for n in (1, 2, 1, 1, 2, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak[0] == 2


SCHEMA = {"type": "object", "required": ["who", "where", "items"],
          "properties": {"who": {"type": ["string", "null"]},
                         "where": {"type": ["object", "null"], "required": ["city"],
                                   "properties": {"city": {"type": "string"}}},
                         "items": {"type": "array", "items": {"enum": ["a", "b"]}}}}


def test_normalize_splits_nullable_objects_and_bounds_arrays() -> None:
    rewritten = normalize(SCHEMA)
    where = rewritten["properties"]["where"]["anyOf"]
    assert where[0]["properties"] == {"city": {"type": "string"}} and where[1] == {"type": "null"}
    assert rewritten["additionalProperties"] is False
    assert rewritten["properties"]["items"]["maxItems"] == 20
    gbnf = schema_to_gbnf(json.dumps(SCHEMA))
    assert '"\\"city\\""' in gbnf and "\\x00-\\x1F" in gbnf
    assert gbnf.index("who-kv") < gbnf.index("where-kv")  # schema order kept in root


@pytest.mark.parametrize(("value", "valid"), [
    ({"who": None, "where": {"city": "Nashville"}, "items": ["a"]}, True),
    ({"who": "Ann", "where": None, "items": []}, True),
    ({"who": 3, "where": None, "items": []}, False),
    ({"who": None, "where": {"town": "x"}, "items": []}, False),
    ({"who": None, "where": None, "items": ["c"]}, False),
    ({"who": None, "items": []}, False),
])
def test_first_error(value: dict, valid: bool) -> None:
    assert (first_error(value, normalize(SCHEMA), SCHEMA) is None) is valid
