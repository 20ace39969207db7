"""The web's SQLite profile store: who a shared profile is shared with survives a restart, and a
file made before it was kept opens, its shared profiles shared as they were then."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from services.web.ports import ChildProfile, StoredProfile
from services.web.profile_store import SqliteProfileStore

NOW = datetime(2026, 11, 20, 14, 5, tzinfo=UTC)
OLD_SCHEMA = """
CREATE TABLE profiles (
    id TEXT PRIMARY KEY, agency TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, shared_since TEXT, shared_report_id TEXT
);
"""


def _profile(**shared: object) -> StoredProfile:
    return StoredProfile(
        id="p-1",
        agency="Synthetic Home A",
        profile=ChildProfile(name="Ava Synth"),
        updated_at=NOW,
        updated_by="k.worker",
        **shared,  # type: ignore[arg-type]
    )


def test_who_a_profile_is_shared_with_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "profiles.sqlite"
    shared = _profile(
        shared_since=NOW, shared_report_id="r-1", shared_with=("agency:Synthetic Police B",)
    )
    SqliteProfileStore(path).put(shared)
    again = SqliteProfileStore(path)
    assert again.get("p-1") == shared
    assert again.shared() == [shared]


def test_a_file_from_before_opens_with_its_profiles_shared_with_no_one_named(
    tmp_path: Path,
) -> None:
    path = tmp_path / "profiles.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
        db.execute(
            "INSERT INTO profiles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "p-1",
                "Synthetic Home A",
                "Ava Synth",
                ChildProfile(name="Ava Synth").model_dump_json(exclude_computed_fields=True),
                NOW.isoformat(),
                "k.worker",
                NOW.isoformat(),
                "r-1",
            ),
        )
    store = SqliteProfileStore(path)
    assert store.get("p-1") == _profile(shared_since=NOW, shared_report_id="r-1")
    store.put(_profile())
    assert store.shared() == []
