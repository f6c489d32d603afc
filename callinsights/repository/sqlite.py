"""Call records in one SQLite file: the local default when no Cosmos DB is configured.

One row per call with the document as JSON and the columns queries filter on. The ETag is a
random token renewed on every write, so `replace` is a compare-and-swap on it, as in Cosmos.
A connection per operation keeps it safe across the Functions worker's threads.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from callinsights.repository.base import (
    PageKey,
    RecordConflict,
    RecordNotFound,
    RepositoryBase,
    StoredRecord,
    page_end,
)
from callinsights.search import RecordSearch

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    call_date TEXT NOT NULL,
    status TEXT NOT NULL,
    etag TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_status_date ON records (status, call_date);
CREATE INDEX IF NOT EXISTS records_date_id ON records (call_date, id);
CREATE INDEX IF NOT EXISTS records_city ON records (json_extract(body, '$.search.city'));
CREATE INDEX IF NOT EXISTS records_flagged ON records (json_extract(body, '$.search.flagged'));
"""


_SEARCH_CLAUSES = (  # on the record's `search` keys (callinsights.search)
    ("customer", "instr(json_extract(body, '$.search.customer'), ?) > 0"),
    ("city", "json_extract(body, '$.search.city') = ?"),
    ("product", "EXISTS (SELECT 1 FROM json_each(body, '$.search.products') WHERE value = ?)"),
)


def _filters(status: str | None, date_from: str | None, date_to: str | None,
             search: RecordSearch | None = None) -> tuple[list[str], list[str]]:
    """WHERE clauses and parameters for a status, an inclusive `call_date` range and a search."""
    clauses, params = [], []
    for sql, value in (("status = ?", status), ("call_date >= ?", date_from),
                       ("call_date <= ?", date_to),
                       *((sql, getattr(search, name, None)) for name, sql in _SEARCH_CLAUSES)):
        if value:
            clauses.append(sql)
            params.append(value)
    if search and search.flagged:
        clauses.append("json_extract(body, '$.search.flagged') = 1")
    return clauses, params


class SqliteRepository(RepositoryBase):
    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self._path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            with db:  # one transaction per operation
                yield db
        finally:
            db.close()

    @staticmethod
    def _row(record: dict, etag: str) -> tuple:
        return (record["call_date"], record["status"], etag, datetime.now(UTC).isoformat(),
                json.dumps(record, ensure_ascii=False), record["id"])

    def create(self, record: dict) -> StoredRecord:
        etag = uuid.uuid4().hex
        try:
            with self._connect() as db:
                db.execute("INSERT INTO records (call_date, status, etag, updated_at, body, id) "
                           "VALUES (?, ?, ?, ?, ?, ?)", self._row(record, etag))
        except sqlite3.IntegrityError as exc:
            raise RecordConflict(f"record {record['id']} already exists") from exc
        return StoredRecord(record, etag)

    def replace(self, record: dict, etag: str) -> StoredRecord:
        new_etag = uuid.uuid4().hex
        with self._connect() as db:
            changed = db.execute(
                "UPDATE records SET call_date = ?, status = ?, etag = ?, updated_at = ?, body = ? "
                "WHERE id = ? AND etag = ?", (*self._row(record, new_etag), etag)).rowcount
            if not changed:
                found = db.execute("SELECT 1 FROM records WHERE id = ?", (record["id"],))
                if not found.fetchone():
                    raise RecordNotFound(f"record {record['id']} not found")
                raise RecordConflict(f"record {record['id']} changed since ETag {etag}")
        return StoredRecord(record, new_etag)

    def get(self, call_id: str) -> StoredRecord | None:
        with self._connect() as db:
            row = db.execute("SELECT body, etag FROM records WHERE id = ?", (call_id,)).fetchone()
        return StoredRecord(json.loads(row[0]), row[1]) if row else None

    def delete(self, call_id: str) -> bool:
        with self._connect() as db:
            return db.execute("DELETE FROM records WHERE id = ?", (call_id,)).rowcount > 0

    def count(self, *, status: str | None = None, date_from: str | None = None,
              date_to: str | None = None) -> int:
        clauses, params = _filters(status, date_from, date_to)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._connect() as db:
            return db.execute(f"SELECT COUNT(*) FROM records {where}", params).fetchone()[0]

    def without_search_keys(self, limit: int = 100) -> list[StoredRecord]:
        with self._connect() as db:
            rows = db.execute("SELECT body, etag FROM records WHERE json_type(body, '$.search') "
                              "IS NULL LIMIT ?", (limit,)).fetchall()
        return [StoredRecord(json.loads(body), etag) for body, etag in rows]

    def query(self, *, status: str | None = None, date_from: str | None = None,
              date_to: str | None = None, limit: int = 100) -> list[dict]:
        clauses, params = _filters(status, date_from, date_to)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._connect() as db:
            rows = db.execute(f"SELECT body FROM records {where} "
                              "ORDER BY call_date DESC, updated_at DESC LIMIT ?",
                              (*params, limit)).fetchall()
        return [json.loads(row[0]) for row in rows]

    def page(self, *, status: str | None = None, limit: int = 100,
             after: PageKey | None = None, date_from: str | None = None,
             date_to: str | None = None, search: RecordSearch | None = None
             ) -> tuple[list[dict], PageKey | None]:
        clauses, params = _filters(status, date_from, date_to, search)
        if after:
            clauses.append("(call_date < ? OR (call_date = ? AND id < ?))")
            params.extend([after[0], after[0], after[1]])
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._connect() as db:
            rows = db.execute(f"SELECT body FROM records {where} "
                              "ORDER BY call_date DESC, id DESC LIMIT ?",
                              (*params, limit + 1)).fetchall()
        return page_end([json.loads(row[0]) for row in rows], limit)
