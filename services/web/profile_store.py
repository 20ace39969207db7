"""Children's profiles in a SQLite file beside the web process (the ProfileStore adapter)."""

import json
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

from services.web.ports import ChildProfile, StoredProfile

SCHEMA = """
CREATE TABLE IF NOT EXISTS profiles (
    id TEXT PRIMARY KEY,
    agency TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    shared_since TEXT,
    shared_report_id TEXT,
    shared_with TEXT
);
CREATE INDEX IF NOT EXISTS profiles_agency ON profiles (agency, name);
"""
# A file made before profiles kept who their missing report lets see them gains the column.
ADD_SHARED_WITH = "ALTER TABLE profiles ADD COLUMN shared_with TEXT"
COLUMNS = "id, agency, body, updated_at, updated_by, shared_since, shared_report_id, shared_with"
NAMED = (
    "id, agency, name, body, updated_at, updated_by, shared_since, shared_report_id, shared_with"
)


class SqliteProfileStore:
    """One SQLite file, opened once per process; calls are serialised by a lock."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(profiles)")}
        if "shared_with" not in columns:
            self._db.execute(ADD_SHARED_WITH)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def get(self, profile_id: str) -> StoredProfile | None:
        """One profile."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {COLUMNS} FROM profiles WHERE id = ?",  # noqa: S608 - a constant
                (profile_id,),
            ).fetchone()
        return _stored(row) if row else None

    def put(self, stored: StoredProfile) -> None:
        """Create or replace a profile."""
        with self._lock:
            self._db.execute(
                f"INSERT OR REPLACE INTO profiles ({NAMED}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                (
                    stored.id,
                    stored.agency,
                    stored.profile.name,
                    stored.profile.model_dump_json(exclude_computed_fields=True),
                    stored.updated_at.isoformat(),
                    stored.updated_by,
                    stored.shared_since.isoformat() if stored.shared_since else None,
                    stored.shared_report_id,
                    json.dumps(list(stored.shared_with)),
                ),
            )

    def of_agency(self, agency: str) -> list[StoredProfile]:
        """An agency's profiles, by name."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {COLUMNS} FROM profiles WHERE agency = ? ORDER BY name",  # noqa: S608
                (agency,),
            ).fetchall()
        return [_stored(r) for r in rows]

    def shared(self) -> list[StoredProfile]:
        """The profiles shared with police now, longest missing first."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {COLUMNS} FROM profiles WHERE shared_since IS NOT NULL "  # noqa: S608
                "ORDER BY shared_since"
            ).fetchall()
        return [_stored(r) for r in rows]


def _stored(
    row: tuple[str, str, str, str, str, str | None, str | None, str | None],
) -> StoredProfile:
    pid, agency, body, updated_at, updated_by, shared_since, shared_report_id, shared_with = row
    return StoredProfile(
        id=pid,
        agency=agency,
        profile=ChildProfile.model_validate_json(body),
        updated_at=datetime.fromisoformat(updated_at),
        updated_by=updated_by,
        shared_since=datetime.fromisoformat(shared_since) if shared_since else None,
        shared_report_id=shared_report_id,
        shared_with=tuple(json.loads(shared_with)) if shared_with else (),
    )
