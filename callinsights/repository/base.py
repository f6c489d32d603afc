"""The records port: what the app needs from a store of call records, whatever backs it.

Cosmos DB in Azure, SQLite locally; both keep one document per call (id = call id) and use an
ETag for optimistic concurrency. `upsert` is the idempotent write the `store` activity uses:
running it twice leaves one record, and a record keeps the `call_date` (its partition) it was
first stored under, so a re-run on another day never leaves a second copy in another partition.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from callinsights.search import RecordSearch

UPSERT_ATTEMPTS = 5

# Where a page of records ends: (call_date, id) of its last record. Pages are ordered by
# call_date, then id, both descending: a total order both stores can seek in.
PageKey = tuple[str, str]


class RecordConflict(Exception):
    """The record changed since it was read (ETag mismatch, HTTP 412) or was created meanwhile."""


class RecordNotFound(LookupError):
    """No record with that id."""


@dataclass(frozen=True)
class StoredRecord:
    record: dict
    etag: str


class CallRepository(Protocol):
    """A store of call records keyed by call id."""

    def create(self, record: dict) -> StoredRecord:
        """Insert a new record; RecordConflict if the id exists."""
        ...

    def replace(self, record: dict, etag: str) -> StoredRecord:
        """Overwrite only if the stored ETag is `etag`; RecordConflict otherwise."""
        ...

    def get(self, call_id: str) -> StoredRecord | None:
        """The record and its ETag, or None."""
        ...

    def query(self, *, status: str | None = None, date_from: str | None = None,
              date_to: str | None = None, limit: int = 100) -> list[dict]:
        """Records by status and/or `call_date` range (inclusive), newest first."""
        ...

    def upsert(self, record: dict) -> StoredRecord:
        """Create or overwrite, idempotently, keeping the first `call_date`."""
        ...

    def page(self, *, status: str | None = None, limit: int = 100,
             after: PageKey | None = None, date_from: str | None = None,
             date_to: str | None = None, search: RecordSearch | None = None
             ) -> tuple[list[dict], PageKey | None]:
        """Up to `limit` records after `after`, newest `call_date` first (then id, descending),
        `call_date` within `date_from`..`date_to` (inclusive, either open), matching `search`
        on the record's `search` keys (callinsights.search), and the key to pass as `after` for
        the next page (None on the last page)."""
        ...

    def delete(self, call_id: str) -> bool:
        """Remove the record (a call deleted everywhere); False when there was none."""
        ...

    def count(self, *, status: str | None = None, date_from: str | None = None,
              date_to: str | None = None) -> int:
        """How many records `page` walks with these filters (a batch's progress)."""
        ...

    def without_search_keys(self, limit: int = 100) -> list[StoredRecord]:
        """Up to `limit` records stored before records carried `search` keys (the backfill)."""
        ...


class RepositoryBase(ABC):
    """The shared `upsert` over each backend's create / replace / get."""

    @abstractmethod
    def create(self, record: dict) -> StoredRecord: ...

    @abstractmethod
    def replace(self, record: dict, etag: str) -> StoredRecord: ...

    @abstractmethod
    def get(self, call_id: str) -> StoredRecord | None: ...

    def upsert(self, record: dict) -> StoredRecord:
        last: RecordConflict | None = None
        for _ in range(UPSERT_ATTEMPTS):
            existing = self.get(record["id"])
            try:
                if existing is None:
                    return self.create(record)
                kept = {**record, "call_date": existing.record.get("call_date",
                                                                   record.get("call_date"))}
                return self.replace(kept, existing.etag)
            except RecordConflict as exc:  # another writer got in between: read again
                last = exc
        raise RecordConflict(f"record {record['id']} kept changing; gave up after "
                             f"{UPSERT_ATTEMPTS} attempts") from last


def page_end(records: list[dict], limit: int) -> tuple[list[dict], PageKey | None]:
    """Trim a `limit + 1` read to the page and its continuation key (None: nothing follows)."""
    if len(records) <= limit:
        return records, None
    last = records[limit - 1]
    return records[:limit], (last["call_date"], last["id"])


def without_system_fields(item: dict) -> dict:
    """A stored document minus the store's own bookkeeping (`_etag`, `_rid`, `_ts`, ...)."""
    return {k: v for k, v in item.items() if not k.startswith("_")}
