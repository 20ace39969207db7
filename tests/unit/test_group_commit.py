"""Group commit of the ingest ledger: concurrent callers share a write, each returns once its
own item is written, and a bad item fails only its own caller."""

import threading
from pathlib import Path
from uuid import uuid4

import pytest

from services.ingest.group_commit import GroupCommit
from services.ingest.ledger import SqliteLedger
from services.ingest.ports import Located, Submission


class SlowWriter:
    """Records each write; the first one waits until released, so others queue behind it."""

    def __init__(self, *, refuse: str | None = None) -> None:
        self.writes: list[list[str]] = []
        self.first_started = threading.Event()
        self.release = threading.Event()
        self.refuse = refuse

    def __call__(self, items: list[str]) -> None:
        if not self.writes:
            self.first_started.set()
            self.release.wait(timeout=10)
        if self.refuse in items:
            raise ValueError(f"cannot write {self.refuse}")
        self.writes.append(list(items))


def _submit_in_threads(
    commits: GroupCommit[str], items: list[str]
) -> tuple[list[threading.Thread], dict[str, BaseException | None]]:
    outcomes: dict[str, BaseException | None] = {}

    def submit(item: str) -> None:
        try:
            commits.submit(item)
            outcomes[item] = None
        except Exception as error:
            outcomes[item] = error

    threads = [threading.Thread(target=submit, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    return threads, outcomes


def _wait_until_queued(commits: GroupCommit[str], count: int) -> None:
    for _ in range(1000):
        if len(commits._waiting) == count:
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"{count} callers did not queue")


def test_a_lone_caller_writes_its_own_item() -> None:
    writes: list[list[str]] = []
    GroupCommit(writes.append).submit("a")
    assert writes == [["a"]]


def test_callers_arriving_during_a_write_share_the_next_one() -> None:
    writer = SlowWriter()
    commits: GroupCommit[str] = GroupCommit(writer)
    first, outcomes = _submit_in_threads(commits, ["first"])
    assert writer.first_started.wait(timeout=10)
    others, more = _submit_in_threads(commits, ["b", "c", "d"])
    _wait_until_queued(commits, 3)
    writer.release.set()
    for thread in first + others:
        thread.join(timeout=10)
    assert writer.writes[0] == ["first"]
    assert sorted(writer.writes[1]) == ["b", "c", "d"]
    assert len(writer.writes) == 2
    assert outcomes | more == {"first": None, "b": None, "c": None, "d": None}


def test_a_bad_item_fails_only_its_own_caller() -> None:
    writer = SlowWriter(refuse="bad")
    commits: GroupCommit[str] = GroupCommit(writer)
    first, _ = _submit_in_threads(commits, ["first"])
    assert writer.first_started.wait(timeout=10)
    others, outcomes = _submit_in_threads(commits, ["b", "bad", "c"])
    _wait_until_queued(commits, 3)
    writer.release.set()
    for thread in first + others:
        thread.join(timeout=10)
    assert outcomes["b"] is None
    assert outcomes["c"] is None
    assert isinstance(outcomes["bad"], ValueError)
    assert sorted(item for write in writer.writes[1:] for item in write) == ["b", "c"]


def test_a_failed_lone_write_raises_to_its_caller() -> None:
    def refuse(items: list[str]) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        GroupCommit(refuse).submit("a")


def test_the_ledger_keeps_every_concurrent_record(tmp_path: Path) -> None:
    ledger = SqliteLedger(tmp_path / "ledger.sqlite3")
    ids = [uuid4() for _ in range(64)]

    def record(i: int) -> None:
        key = f"key-{i}" if i % 2 else None
        submission = Submission("Synthetic Home A", key, "hash", (ids[i],)) if key else None
        located = [Located(ids[i], "Synthetic Home A", "intel.reports.v1", i % 6, i)]
        ledger.record(submission=submission, located=located)

    threads = [threading.Thread(target=record, args=(i,)) for i in range(len(ids))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    located = [ledger.locate(report_id) for report_id in ids]
    assert [x.offset if x else None for x in located] == list(range(64))
    earlier = ledger.submission(agency="Synthetic Home A", idempotency_key="key-7")
    assert earlier is not None
    assert earlier.report_ids == (ids[7],)
    assert ledger.submission(agency="Synthetic Home A", idempotency_key="key-8") is None
    ledger.close()
