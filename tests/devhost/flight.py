"""A cross-thread record of activity runs in one SQLite file: starts, ends, attempts, in-flight.

The fidelity test app's activities write it; the tests read it. Counting in a database instead of
measuring time keeps the assertions exact: the peak in-flight count and the order in which items
started and ended are facts, whatever the machine's speed.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (seq INTEGER PRIMARY KEY AUTOINCREMENT, item INTEGER NOT NULL,
                                 event TEXT NOT NULL, in_flight INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS attempts (item INTEGER PRIMARY KEY, count INTEGER NOT NULL);
"""
POLL = 0.01


@dataclass(frozen=True)
class Run:
    item: int
    event: str  # "start" | "end"
    in_flight: int  # after this event


class Flight:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.executescript(_SCHEMA)
            db.execute("BEGIN IMMEDIATE")
            yield db
            db.execute("COMMIT")
        finally:
            db.close()

    def _record(self, db: sqlite3.Connection, item: int, event: str, delta: int) -> None:
        current = db.execute("SELECT COALESCE(SUM(CASE event WHEN 'start' THEN 1 ELSE -1 END), 0)"
                             " FROM runs").fetchone()[0]
        db.execute("INSERT INTO runs (item, event, in_flight) VALUES (?,?,?)",
                   (item, event, current + delta))

    def start(self, item: int) -> int:
        """Record a start; returns this item's attempt number (1 for the first)."""
        with self._tx() as db:
            self._record(db, item, "start", 1)
            db.execute("INSERT INTO attempts VALUES (?, 1) ON CONFLICT(item) DO UPDATE "
                       "SET count = count + 1", (item,))
            return db.execute("SELECT count FROM attempts WHERE item=?", (item,)).fetchone()[0]

    def end(self, item: int) -> None:
        with self._tx() as db:
            self._record(db, item, "end", -1)

    @contextmanager
    def running(self, item: int) -> Iterator[int]:
        """Record a start, yield the attempt number, record the end however the run ends."""
        attempt = self.start(item)
        try:
            yield attempt
        finally:
            self.end(item)

    def runs(self) -> list[Run]:
        with self._tx() as db:
            return [Run(*row) for row in db.execute(
                "SELECT item, event, in_flight FROM runs ORDER BY seq")]

    def started(self) -> list[int]:
        return [r.item for r in self.runs() if r.event == "start"]

    def peak(self) -> int:
        return max((r.in_flight for r in self.runs()), default=0)

    def wait_for_starts(self, count: int, items: list[int], timeout: float) -> None:
        """Block until `count` of `items` have started (a barrier for one wave)."""
        deadline = time.monotonic() + timeout
        while len(set(self.started()) & set(items)) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only some of {items} started")
            time.sleep(POLL)
