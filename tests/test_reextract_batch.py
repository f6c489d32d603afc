"""The batch re-extraction's body and continuation token (api.reextract_batch); the route itself
runs on the local stack in tests/e2e/test_lifecycle.py."""

from __future__ import annotations

import pytest

from api.reextract_batch import DEFAULT_BATCH_PAGE, Batch, parse_batch


def test_a_range_with_defaults():
    batch, limit = parse_batch({"from": "2026-12-01", "to": "2026-12-03"})
    assert batch == Batch("2026-12-01", "2026-12-03") and limit == DEFAULT_BATCH_PAGE
    assert parse_batch({"status": "rejected", "limit": 5}) == (Batch(status="Rejected"), 5)


@pytest.mark.parametrize("body,needle", [
    ([], "JSON object"), ({"from": "2026-02-30"}, "from"), ({"to": 20261201}, "to"),
    ({"from": "2026-12-03", "to": "2026-12-01"}, "after"), ({"status": "Failed"}, "status"),
    ({"status": "Sleeping"}, "status"), ({"limit": 0}, "limit"), ({"limit": True}, "limit"),
    ({"limit": "5"}, "limit"), ({"until": "2026-12-01"}, "until"),
    ({"continuation": "bm9wZQ"}, "continuation"),
    ({"continuation": Batch(after=("2026-12-01", "a")).encode(), "from": "2026-12-01"},
     "only")])
def test_bad_bodies_say_what_is_wrong(body, needle):
    with pytest.raises(ValueError, match=needle):
        parse_batch(body)


def test_the_continuation_carries_the_range_and_the_counts():
    batch = Batch("2026-12-01", None, "Completed", ("2026-12-02", "ab" * 16), total=9, seen=4,
                  started=3, skipped=1)
    again, limit = parse_batch({"continuation": batch.encode(), "limit": 2})
    assert again == batch and limit == 2
    assert again.progress(done=False) == {"total": 9, "seen": 4, "started": 3, "skipped": 1,
                                          "done": False}
