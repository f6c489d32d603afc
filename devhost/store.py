"""The durable task hub in one SQLite file (WAL): instances, histories, the work queue, receipts.

Every state change the engine makes is one transaction here, so a `kill -9` at any moment leaves
either the whole episode (its history, its scheduled work, its consumed messages) or none of it.
Messages and activity work items stay in their tables until the transaction that consumes them
commits; that is what makes a restart resume exactly where the last checkpoint left off.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from devhost import history
from devhost.history import EventType

TERMINAL = frozenset({"Completed", "Failed", "Terminated", "Canceled"})
CONTROL_EVENTS = frozenset({int(EventType.EXECUTION_TERMINATED),
                            int(EventType.EXECUTION_SUSPENDED), int(EventType.EXECUTION_RESUMED)})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS instances (
    instance_id TEXT PRIMARY KEY, name TEXT NOT NULL, execution_id TEXT NOT NULL,
    status TEXT NOT NULL, input TEXT, output TEXT, custom_status TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, created_epoch REAL NOT NULL,
    parent TEXT, engine TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS instances_created ON instances (created_epoch);
CREATE TABLE IF NOT EXISTS events (
    instance_id TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL,
    PRIMARY KEY (instance_id, seq));
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, execution_id TEXT,
    event TEXT NOT NULL, visible_at REAL NOT NULL, timer_id INTEGER, control INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS messages_due ON messages (visible_at);
CREATE INDEX IF NOT EXISTS messages_instance ON messages (instance_id, id);
CREATE TABLE IF NOT EXISTS activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, execution_id TEXT NOT NULL,
    task_id INTEGER NOT NULL, name TEXT NOT NULL, input TEXT, claimed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS blob_receipts (
    key TEXT PRIMARY KEY, etag TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
    updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS timer_status (name TEXT PRIMARY KEY, status TEXT NOT NULL);
"""


class StoreBusyError(RuntimeError):
    """The task hub file is in use by another host process."""


@dataclass
class Instance:
    """One orchestration instance (its current execution)."""

    instance_id: str
    name: str
    execution_id: str
    status: str
    input: str | None
    created_at: str
    updated_at: str
    created_epoch: float
    output: str | None = None
    custom_status: str | None = None
    parent: dict[str, Any] | None = None
    engine: dict[str, Any] = field(default_factory=dict)


@dataclass
class Message:
    """A history event waiting to be delivered to an instance (timers wait for `visible_at`)."""

    instance_id: str
    event: dict[str, Any]
    execution_id: str | None = None
    visible_at: float = 0.0
    timer_id: int | None = None
    id: int | None = None

    @property
    def control(self) -> bool:
        """Terminate/suspend/resume are delivered even while the instance is suspended."""
        return self.event["EventType"] in CONTROL_EVENTS


@dataclass
class ActivityItem:
    """An activity call scheduled by an orchestrator, waiting for (or held by) a worker."""

    instance_id: str
    execution_id: str
    task_id: int
    name: str
    input: str | None
    id: int | None = None


@dataclass
class EpisodeCommit:
    """Everything one orchestrator episode changes; applied in a single transaction.

    The last three fields are not stored: they say what the episode saw (the SDK's answer, the
    shim's new decisions, the sequence ids still open), for logs, tools and tests.
    """

    instance: Instance
    events: list[dict[str, Any]]
    consumed: list[int]
    reset_history: bool = False
    messages: list[Message] = field(default_factory=list)
    activities: list[ActivityItem] = field(default_factory=list)
    children: list[tuple[Instance, Message]] = field(default_factory=list)
    sdk_result: Any = None
    decisions: list[Any] = field(default_factory=list)
    open_tasks: list[int] = field(default_factory=list)


@dataclass
class Receipt:
    """What the blob trigger already did with a blob version."""

    etag: str
    status: str
    attempts: int


_INSTANCE_COLUMNS = ("instance_id, name, execution_id, status, input, created_at, updated_at, "
                     "created_epoch, output, custom_status, parent, engine")


def _instance_row(inst: Instance) -> tuple:
    return (inst.instance_id, inst.name, inst.execution_id, inst.status, inst.input,
            inst.created_at, inst.updated_at, inst.created_epoch, inst.output,
            inst.custom_status, json.dumps(inst.parent) if inst.parent else None,
            json.dumps(inst.engine))


def _instance_from(row: tuple) -> Instance:
    values = list(row)
    values[10] = json.loads(values[10]) if values[10] else None
    values[11] = json.loads(values[11]) if values[11] else {}
    return Instance(*values)


class Store:
    """Thread-safe access to the task hub file; `on_work` is called after work is enqueued."""

    def __init__(self, path: Path, on_work: Callable[[], None] | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._owner = self._take_ownership(path.with_suffix(".lock"))
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._on_work = on_work or (lambda: None)

    @staticmethod
    def _take_ownership(lock_path: Path) -> IO[bytes]:
        """One host per task hub file: a second one would run the same work twice."""
        handle = open(lock_path, "wb")  # noqa: SIM115 - held open for the store's lifetime
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.close()
            raise StoreBusyError(f"another devhost is already using {lock_path.parent} "
                                 "(use another --data-dir)") from exc
        return handle

    def close(self) -> None:
        with self._lock:
            self._db.close()
        self._owner.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # -- instances ------------------------------------------------------------------------------

    def create_instance(self, inst: Instance, start: Message, *,
                        replace_active: bool = False) -> str | None:
        """Insert an instance with its start message, replacing any earlier one with that id.

        An existing instance that is not finished is replaced only with `replace_active`
        (host.json `overridableExistingInstanceStates: AnyState`); otherwise nothing changes
        and its status is returned.
        """
        with self._tx() as db:
            row = db.execute("SELECT status FROM instances WHERE instance_id=?",
                             (inst.instance_id,)).fetchone()
            if row and row[0] not in TERMINAL and not replace_active:
                return str(row[0])
            if row:
                self._delete_instance(db, inst.instance_id)
            self._insert_instance(db, inst)
            self._insert_message(db, start)
        self._on_work()
        return None

    def _insert_instance(self, db: sqlite3.Connection, inst: Instance) -> None:
        db.execute(f"INSERT INTO instances ({_INSTANCE_COLUMNS}) VALUES "
                   "(?,?,?,?,?,?,?,?,?,?,?,?)", _instance_row(inst))

    @staticmethod
    def _delete_instance(db: sqlite3.Connection, instance_id: str) -> None:
        for table in ("instances", "events", "messages", "activities"):
            db.execute(f"DELETE FROM {table} WHERE instance_id=?", (instance_id,))

    def get_instance(self, instance_id: str) -> Instance | None:
        rows = self._read(f"SELECT {_INSTANCE_COLUMNS} FROM instances WHERE instance_id=?",
                          (instance_id,))
        return _instance_from(rows[0]) if rows else None

    def get_events(self, instance_id: str, after: int = 0) -> list[dict[str, Any]]:
        """History of the current execution, from position `after` on."""
        rows = self._read("SELECT event FROM events WHERE instance_id=? AND seq>=? ORDER BY seq",
                          (instance_id, after))
        return [json.loads(row[0]) for row in rows]

    def query(self, *, created_from: float | None = None, created_to: float | None = None,
              statuses: list[str] | None = None, prefix: str | None = None,
              offset: int = 0, limit: int | None = None) -> list[Instance]:
        """Instances matching every given filter, oldest first."""
        sql, args = self._filter_sql(created_from, created_to, statuses, prefix)
        sql = f"SELECT {_INSTANCE_COLUMNS} FROM instances{sql} ORDER BY created_epoch, instance_id"
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit else ""
        return [_instance_from(row) for row in self._read(sql, tuple(args))]

    @staticmethod
    def _filter_sql(created_from: float | None, created_to: float | None,
                    statuses: list[str] | None, prefix: str | None) -> tuple[str, list]:
        clauses: list[str] = []
        args: list[Any] = []
        if created_from is not None:
            clauses.append("created_epoch >= ?")
            args.append(created_from)
        if created_to is not None:
            clauses.append("created_epoch <= ?")
            args.append(created_to)
        if statuses:
            clauses.append(f"status IN ({','.join('?' * len(statuses))})")
            args.extend(statuses)
        if prefix:
            clauses.append("substr(instance_id, 1, ?) = ?")
            args.extend([len(prefix), prefix])
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), args

    def purge(self, instance_ids: list[str]) -> int:
        with self._tx() as db:
            for instance_id in instance_ids:
                self._delete_instance(db, instance_id)
        return len(instance_ids)

    def update_instance(self, inst: Instance) -> None:
        """Rewrite an instance row outside an episode (rewind)."""
        with self._tx() as db:
            db.execute("DELETE FROM instances WHERE instance_id=?", (inst.instance_id,))
            self._insert_instance(db, inst)

    # -- messages and episodes -------------------------------------------------------------------

    def enqueue(self, message: Message) -> None:
        with self._tx() as db:
            self._insert_message(db, message)
        self._on_work()

    @staticmethod
    def _insert_message(db: sqlite3.Connection, m: Message) -> None:
        db.execute("INSERT INTO messages (instance_id, execution_id, event, visible_at, timer_id, "
                   "control) VALUES (?,?,?,?,?,?)",
                   (m.instance_id, m.execution_id, json.dumps(m.event), m.visible_at, m.timer_id,
                    int(m.control)))

    def ready_instances(self, exclude: set[str], limit: int = 16) -> list[str]:
        """Instances with a deliverable message (suspended ones only for control messages)."""
        rows = self._read(
            "SELECT m.instance_id FROM messages m JOIN instances i USING (instance_id) "
            "WHERE m.visible_at <= ? AND (i.status != 'Suspended' OR m.control = 1) "
            "GROUP BY m.instance_id ORDER BY MIN(m.id) LIMIT ?",
            (time.time(), limit + len(exclude)))
        return [row[0] for row in rows if row[0] not in exclude][:limit]

    def next_due(self) -> float | None:
        """Epoch time of the earliest message that is not yet visible (a future timer)."""
        rows = self._read("SELECT MIN(visible_at) FROM messages WHERE visible_at > ?",
                          (time.time(),))
        return rows[0][0] if rows else None

    def due_messages(self, instance_id: str, ahead: float = 0.0) -> list[Message]:
        """The instance's messages visible now (or within `ahead` seconds), oldest first."""
        rows = self._read("SELECT instance_id, event, execution_id, visible_at, timer_id, id "
                          "FROM messages WHERE instance_id=? AND visible_at <= ? ORDER BY id",
                          (instance_id, time.time() + ahead))
        return [Message(r[0], json.loads(r[1]), r[2], r[3], r[4], r[5]) for r in rows]

    def commit_episode(self, c: EpisodeCommit) -> None:
        """Apply one episode atomically: history, instance row, consumed and produced work."""
        inst = c.instance
        with self._tx() as db:
            if c.reset_history:
                db.execute("DELETE FROM events WHERE instance_id=?", (inst.instance_id,))
                db.execute("DELETE FROM activities WHERE instance_id=?", (inst.instance_id,))
            start = db.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM events WHERE "
                               "instance_id=?", (inst.instance_id,)).fetchone()[0]
            db.executemany("INSERT INTO events (instance_id, seq, event) VALUES (?,?,?)",
                           [(inst.instance_id, start + i, json.dumps(e))
                            for i, e in enumerate(c.events)])
            db.execute("DELETE FROM instances WHERE instance_id=?", (inst.instance_id,))
            self._insert_instance(db, inst)
            db.executemany("DELETE FROM messages WHERE id=?", [(i,) for i in c.consumed])
            for child, start_message in c.children:
                self._start_child(db, child, start_message)
            for message in c.messages:
                self._insert_message(db, message)
            if inst.status in TERMINAL:  # what still waits for it (timers, events) is discarded
                db.execute("DELETE FROM messages WHERE instance_id=?", (inst.instance_id,))
            db.executemany("INSERT INTO activities (instance_id, execution_id, task_id, name, "
                           "input) VALUES (?,?,?,?,?)",
                           [(a.instance_id, a.execution_id, a.task_id, a.name, a.input)
                            for a in c.activities])
        if c.messages or c.activities or c.children:
            self._on_work()

    def _start_child(self, db: sqlite3.Connection, child: Instance, start: Message) -> None:
        """Create a sub-orchestration; an id that is still running fails the parent's task."""
        row = db.execute("SELECT status FROM instances WHERE instance_id=?",
                         (child.instance_id,)).fetchone()
        if row and row[0] not in TERMINAL and child.parent:
            reason = f"An orchestration with the instance ID '{child.instance_id}' already exists."
            self._insert_message(db, Message(
                child.parent["instance_id"],
                history.sub_orchestration_failed(child.parent["task_id"], reason, None),
                child.parent["execution_id"]))
            return
        self._delete_instance(db, child.instance_id)
        self._insert_instance(db, child)
        self._insert_message(db, start)

    def defer_messages(self, ids: list[int], until: float) -> None:
        """Make messages invisible until `until` (a work item this host declined to run)."""
        with self._tx() as db:
            db.executemany("UPDATE messages SET visible_at=MAX(visible_at, ?) WHERE id=?",
                           [(until, i) for i in ids])

    def drop_messages(self, ids: list[int]) -> None:
        with self._tx() as db:
            db.executemany("DELETE FROM messages WHERE id=?", [(i,) for i in ids])

    # -- activities ------------------------------------------------------------------------------

    def release_claims(self) -> None:
        """At start-up nothing runs yet: in-flight work of a crashed process becomes claimable."""
        with self._tx() as db:
            db.execute("UPDATE activities SET claimed=0")

    def claim_activity(self) -> ActivityItem | None:
        with self._tx() as db:
            row = db.execute("SELECT instance_id, execution_id, task_id, name, input, id "
                             "FROM activities WHERE claimed=0 ORDER BY id LIMIT 1").fetchone()
            if row:
                db.execute("UPDATE activities SET claimed=1 WHERE id=?", (row[5],))
        return ActivityItem(*row) if row else None

    def complete_activity(self, item: ActivityItem, result: Message) -> None:
        """Record the outcome and remove the work item together: it never runs again."""
        with self._tx() as db:
            gone = db.execute("DELETE FROM activities WHERE id=?", (item.id,)).rowcount == 0
            if not gone:
                self._insert_message(db, result)
        self._on_work()

    # -- blob receipts ---------------------------------------------------------------------------

    def receipt(self, key: str) -> Receipt | None:
        rows = self._read("SELECT etag, status, attempts FROM blob_receipts WHERE key=?", (key,))
        return Receipt(*rows[0]) if rows else None

    def put_receipt(self, key: str, receipt: Receipt) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO blob_receipts VALUES (?,?,?,?,?)",
                       (key, receipt.etag, receipt.status, receipt.attempts, time.time()))

    # -- timer-trigger schedule monitor ----------------------------------------------------------

    def timer_status(self, name: str) -> dict[str, Any] | None:
        rows = self._read("SELECT status FROM timer_status WHERE name=?", (name.lower(),))
        return json.loads(rows[0][0]) if rows else None

    def put_timer_status(self, name: str, status: dict[str, Any]) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO timer_status VALUES (?,?)",
                       (name.lower(), json.dumps(status)))
