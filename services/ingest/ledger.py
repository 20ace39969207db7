"""The ingest ledger: where each accepted report sits on Kafka, and which idempotency keys
have been used. The SQLite adapter of the `Ledger` port (services/ingest/ports.py).

Kafka stays the system of record: the ledger holds no report content, only where to find it.
"""

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from services.ingest.group_commit import GroupCommit
from services.ingest.ports import Located, Submission

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    agency TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    report_ids TEXT NOT NULL,
    PRIMARY KEY (agency, idempotency_key)
);
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY,
    agency TEXT NOT NULL,
    topic TEXT NOT NULL,
    partition INTEGER NOT NULL,
    offset INTEGER NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class _Entry:
    """What one record() call asks the ledger to remember."""

    submission: Submission | None
    located: list[Located]


def _report_row(x: Located) -> tuple[str, str, str, int, int]:
    return (str(x.report_id), x.agency, x.topic, x.partition, x.offset)


def _submission_row(x: Submission) -> tuple[str, str, str, str]:
    return (x.agency, x.idempotency_key, x.body_hash, json.dumps([str(i) for i in x.report_ids]))


class SqliteLedger:
    """A ledger in one SQLite file (WAL), safe to share between this process's threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._commits: GroupCommit[_Entry] = GroupCommit(self._write)

    def submission(self, *, agency: str, idempotency_key: str) -> Submission | None:
        """The earlier submission under this key, if any."""
        with self._lock:
            row = self._db.execute(
                "SELECT body_hash, report_ids FROM submissions "
                "WHERE agency = ? AND idempotency_key = ?",
                (agency, idempotency_key),
            ).fetchone()
        if row is None:
            return None
        ids = tuple(UUID(i) for i in json.loads(row[1]))
        return Submission(agency, idempotency_key, row[0], ids)

    def record(self, *, submission: Submission | None, located: list[Located]) -> None:
        """Remember reports Kafka acknowledged, and the key they were sent under, atomically.

        Returns once they are committed; concurrent calls share one commit (see GroupCommit).
        """
        self._commits.submit(_Entry(submission, located))

    def _write(self, entries: list[_Entry]) -> None:
        """Write the entries in one transaction: all of them or none."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?)",
                    [_report_row(x) for entry in entries for x in entry.located],
                )
                self._db.executemany(
                    "INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?)",
                    [_submission_row(e.submission) for e in entries if e.submission is not None],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def locate(self, report_id: UUID) -> Located | None:
        """Where a report is, or None when ingest never accepted it."""
        with self._lock:
            row = self._db.execute(
                "SELECT agency, topic, partition, offset FROM reports WHERE report_id = ?",
                (str(report_id),),
            ).fetchone()
        return Located(report_id, *row) if row else None

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()
