"""Give `search` keys to records stored before records carried them.

Records written since `callinsights.search` existed carry their keys; older ones are found by
a listing without a search only. The daily timer `api.backfill.backfill_search` (run it now with
`POST /admin/functions/backfill_search` and the master key, on Azure as on the local host)
writes the keys into those, a bounded batch per run, each with a compare-and-swap on the
record's ETag: a record rewritten meanwhile (a re-extraction,
a review) got its keys from that writer and is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from callinsights.repository.base import CallRepository, RecordConflict, RecordNotFound
from callinsights.search import record_search_keys

MAX_BACKFILL_PER_RUN = 2000  # bounded work per run; the next run continues
BATCH = 100


@dataclass
class BackfillReport:
    updated: int = 0
    changed_meanwhile: int = 0  # rewritten (or deleted) between the read and the write


def backfill_search_keys(repository: CallRepository, limit: int = MAX_BACKFILL_PER_RUN
                         ) -> BackfillReport:
    """Write the search keys of up to `limit` records that have none."""
    report = BackfillReport()
    while report.updated + report.changed_meanwhile < limit:
        batch = repository.without_search_keys(min(BATCH, limit - report.updated
                                                   - report.changed_meanwhile))
        if not batch:
            break
        for stored in batch:
            record = {**stored.record, "search": record_search_keys(stored.record)}
            try:
                repository.replace(record, stored.etag)
                report.updated += 1
            except (RecordConflict, RecordNotFound):
                report.changed_meanwhile += 1
    return report
