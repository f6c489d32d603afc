"""The records repositories, SQLite and a real Cosmos DB server: one contract, both backends."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from callinsights.repository import RecordConflict, RecordNotFound, repository_for
from callinsights.repository.base import CallRepository
from callinsights.repository.sqlite import SqliteRepository
from callinsights.search import RecordSearch, search_keys
from callinsights.settings import Settings

# The test Cosmos server's certificate is self-signed (COSMOS_VERIFY_TLS=false).
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


@pytest.fixture(params=["sqlite", "cosmos"])
def repo(request: pytest.FixtureRequest, tmp_path) -> Iterator[CallRepository]:
    if request.param == "sqlite":
        yield SqliteRepository(tmp_path / "records.sqlite")
        return
    server = request.getfixturevalue("cosmos_server")
    settings = Settings.from_env({"COSMOS_ENDPOINT": server["endpoint"],
                                  "COSMOS_KEY": server["key"], "COSMOS_VERIFY_TLS": "false",
                                  "COSMOS_DATABASE": "db" + uuid.uuid4().hex[:8],
                                  "COSMOS_CONTAINER": "calls"})
    yield repository_for(settings)


def record(call_id: str, status: str = "Completed", call_date: str = "2026-01-05", **extra):
    return {"id": call_id, "call_id": call_id, "call_date": call_date, "status": status,
            "review": None, "extraction": {"customer_name": {"value": "Dana"}},
            "metadata": {"blob_name": "a.wav"}, "error": None, **extra}


def test_create_then_get(repo: CallRepository):
    stored = repo.create(record("c1"))
    assert stored.etag
    found = repo.get("c1")
    assert found.record == record("c1") and found.etag == stored.etag
    assert repo.get("nope") is None


def test_create_twice_conflicts(repo: CallRepository):
    repo.create(record("c2"))
    with pytest.raises(RecordConflict):
        repo.create(record("c2"))


def test_replace_with_current_etag_then_stale_etag_conflicts(repo: CallRepository):
    first = repo.create(record("c3"))
    second = repo.replace(record("c3", status="Rejected"), first.etag)
    assert second.etag != first.etag
    assert repo.get("c3").record["status"] == "Rejected"
    with pytest.raises(RecordConflict):  # HTTP 412 in Cosmos
        repo.replace(record("c3", status="Completed"), first.etag)
    assert repo.get("c3").record["status"] == "Rejected"


def test_replace_missing_is_not_found(repo: CallRepository):
    with pytest.raises((RecordNotFound, RecordConflict)):
        repo.replace(record("c4"), "etag")


def test_upsert_is_idempotent_and_keeps_the_first_call_date(repo: CallRepository):
    repo.upsert(record("c5", status="Failed", call_date="2026-01-05"))
    repo.upsert(record("c5", call_date="2026-01-07"))
    again = repo.upsert(record("c5", call_date="2026-01-07"))
    assert again.record["call_date"] == "2026-01-05"
    found = repo.get("c5").record
    assert found["status"] == "Completed" and found["call_date"] == "2026-01-05"
    assert [r["id"] for r in repo.query() if r["id"] == "c5"] == ["c5"]


def test_delete_removes_the_record_once(repo: CallRepository):
    repo.create(record("c6", call_date="2026-01-09"))
    assert repo.delete("c6") is True
    assert repo.get("c6") is None
    assert repo.delete("c6") is False
    repo.create(record("c6"))  # the id is free again (the call uploaded after its deletion)
    assert repo.get("c6") is not None


def test_query_by_status_and_date(repo: CallRepository):
    repo.upsert(record("q1", status="Completed", call_date="2026-02-01"))
    repo.upsert(record("q2", status="Rejected", call_date="2026-02-02"))
    repo.upsert(record("q3", status="Completed", call_date="2026-02-03"))
    completed = {r["id"] for r in repo.query(status="Completed", date_from="2026-02-01")}
    assert completed == {"q1", "q3"}
    assert {r["id"] for r in repo.query(date_from="2026-02-02", date_to="2026-02-02")} == {"q2"}
    assert len(repo.query(date_from="2026-02-01", limit=2)) == 2
    newest = repo.query(date_from="2026-02-01")
    assert [r["id"] for r in newest] == ["q3", "q2", "q1"]


def test_pages_keep_to_a_call_date_range(repo: CallRepository):
    prefix = uuid.uuid4().hex[:6]
    for day in range(1, 6):
        repo.create(record(f"{prefix}-{day}", call_date=f"2031-07-0{day}"))
    seen, after = [], None
    while True:
        page, after = repo.page(limit=2, after=after, date_from="2031-07-02",
                                date_to="2031-07-04")
        seen.extend(r["id"] for r in page)
        if after is None:
            break
    assert seen == [f"{prefix}-4", f"{prefix}-3", f"{prefix}-2"]
    since, _ = repo.page(limit=10, date_from="2031-07-05")
    assert [r["id"] for r in since if r["id"].startswith(prefix)] == [f"{prefix}-5"]


def test_factory_picks_sqlite_without_cosmos(tmp_path):
    settings = Settings.from_env({"RECORDS_SQLITE_PATH": str(tmp_path / "x" / "r.sqlite")})
    assert isinstance(repository_for(settings), SqliteRepository)
    assert (tmp_path / "x" / "r.sqlite").exists()


def test_pages_follow_each_other_without_gaps_or_repeats(repo: CallRepository):
    """Keyset pages: newest call_date first, then id; same-day records split across pages."""
    prefix = uuid.uuid4().hex[:6]
    ids = {f"{prefix}-{i}": f"2026-03-0{1 + i % 3}" for i in range(7)}
    for call_id, day in ids.items():
        repo.create(record(call_id, status="Rejected", call_date=day))
    seen, after = [], None
    while True:
        page, after = repo.page(status="Rejected", limit=3, after=after)
        assert len(page) <= 3
        seen.extend((r["call_date"], r["id"]) for r in page if r["id"].startswith(prefix))
        if after is None:
            break
    assert seen == sorted(((day, call_id) for call_id, day in ids.items()), reverse=True)
    first, after = repo.page(status="Rejected", limit=len(ids))
    assert len(first) == len(ids) and after is None


def searchable(call_id: str, name: str | None, city: str | None, products: list[str],
               flagged: list[str], call_date: str = "2031-08-01") -> dict:
    fields = {"customer_name": {"value": name}, "city": {"value": city},
              "products_of_interest": {"value": products}}
    return record(call_id, call_date=call_date, extraction=fields,
                  search=search_keys(fields, flagged))


def test_pages_search_by_customer_city_product_and_flags(repo: CallRepository):
    for stored in (searchable("s1", "Dana Whitfield", "Plano", ["solar panels"], []),
                   searchable("s2", "Dan O'Neil", "Plano", ["heat pump"], ["budget"]),
                   searchable("s3", None, "Austin", [], ["customer_name"]),
                   searchable("s4", "Dana Ruiz", "Plano", ["solar panels"], [],
                              call_date="2031-08-02"),
                   record("s5", call_date="2031-08-01")):  # stored before search keys existed
        repo.create(stored)

    def found(**search) -> list[str]:
        records, _ = repo.page(date_from="2031-08-01", date_to="2031-08-02",
                               search=RecordSearch.from_params(search))
        return [r["id"] for r in records]

    assert found(customer="DANA") == ["s4", "s1"]
    assert found(customer="dan") == ["s4", "s2", "s1"]
    assert found(customer="o neil") == ["s2"]
    assert found(city="plano", product="Solar") == ["s4", "s1"]
    assert found(product="solar panels") == ["s4", "s1"]
    assert found(product="panel") == []  # a whole word, not a part of one
    assert found(city="plan") == []
    assert found(flagged="true") == ["s3", "s2"]
    assert found(flagged="true", city="austin") == ["s3"]
    assert found() == ["s4", "s5", "s3", "s2", "s1"]
    assert repo.count(date_from="2031-08-01", date_to="2031-08-02") == 5
    assert repo.count(status="Completed", date_from="2031-08-02") == 1


def test_a_search_pages_without_gaps(repo: CallRepository):
    for n in range(5):
        repo.create(searchable(f"p{n}", "Dana", "Plano", [], [], call_date="2031-09-01"))
    repo.create(searchable("q0", "Lee", "Plano", [], [], call_date="2031-09-01"))
    seen, after = [], None
    while True:
        page, after = repo.page(limit=2, after=after, date_from="2031-09-01",
                                date_to="2031-09-01",
                                search=RecordSearch(customer="dana"))
        seen += [r["id"] for r in page]
        if after is None:
            break
    assert seen == ["p4", "p3", "p2", "p1", "p0"]


def test_records_without_search_keys_are_backfilled_once(repo: CallRepository):
    """Records stored before `search` keys existed get them; a record rewritten between the
    read and the write keeps what its writer stored."""
    from callinsights.search_backfill import backfill_search_keys

    fields = {"customer_name": {"value": "Dana Whitfield"}, "city": {"value": "Duluth"}}
    repo.create(record("old1", extraction=fields, review={"flagged": ["budget"]}))
    repo.create(record("old2"))
    repo.create(record("new1", search=search_keys(fields, [])))
    assert {r.record["id"] for r in repo.without_search_keys()} == {"old1", "old2"}
    report = backfill_search_keys(repo)
    assert (report.updated, report.changed_meanwhile) == (2, 0)
    assert repo.without_search_keys() == [] and backfill_search_keys(repo).updated == 0
    found, _ = repo.page(search=RecordSearch(customer="whitfield", flagged=True))
    assert [r["id"] for r in found] == ["old1"]
    assert repo.get("old2").record["search"]["customer"] == "dana"


def test_a_backfill_leaves_a_record_rewritten_meanwhile(repo: CallRepository):
    from callinsights.search_backfill import backfill_search_keys

    repo.create(record("raced"))

    class Racing:  # the record is rewritten between the backfill's read and its write
        def __getattr__(self, name):
            return getattr(repo, name)

        def without_search_keys(self, limit: int = 100):
            found = repo.without_search_keys(limit)
            for stored in found:
                repo.replace({**stored.record, "status": "Rejected"}, stored.etag)
            return found

    report = backfill_search_keys(Racing(), limit=1)
    assert (report.updated, report.changed_meanwhile) == (0, 1)
    assert repo.get("raced").record["status"] == "Rejected"
