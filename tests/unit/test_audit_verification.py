"""The audit check without Kafka or Neo4j: chains of real entries, then one edited, removed,
repeated or added, on the topic and in the copy; each is named, an intact audit passes."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from common.audit.trail import AuditTrail
from common.audit.verification import COPY, TOPIC, AuditVerifier, Problem, TopicRecord, Verdict
from common.auth import Principal, Role
from schemas.audit import AuditEntry, entry_hash
from tests.support.fakes.audit import FakeAudit

READER = Principal(user="a.analyst", agency="Synthetic Analysts", role=Role.ANALYST)
LONG_AGO = datetime(2026, 11, 1, tzinfo=UTC)
NOW = LONG_AGO + timedelta(days=30)


def _chain(length: int) -> list[AuditEntry]:
    """A writer's first entries, written a month before the check."""
    audit = FakeAudit()
    trail = AuditTrail(log=audit.log, copy=audit.copy, service="test", clock=lambda: LONG_AGO)
    for i in range(length):
        trail.record(
            reader=READER, action="person.read", purpose="review", subject_ids=[f"person:{i}"]
        )
    return audit.entries


def _wire(entry: AuditEntry, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {**json.loads(entry.model_dump_json()), **changes}
    return fields


def _verify(
    topic: list[dict[str, Any]], copies: list[dict[str, Any]] | None = None, *, start: int = 0
) -> Verdict:
    verifier = AuditVerifier()
    verifier.check_partition_start(0, start)
    for offset, fields in enumerate(topic):
        verifier.check_record(TopicRecord(0, offset, json.dumps(fields).encode()))
    if copies is not None:
        verifier.check_copies(copies, settled_before=NOW)
    return verifier.verdict()


def _copy(entry: AuditEntry, **changes: Any) -> dict[str, Any]:
    """As the Neo4j copy returns it: properties, `at` a datetime, the topic's name beside."""
    return {**entry.model_dump(), "topic": "intel.audit.v1", **changes}


def _problems(verdict: Verdict) -> list[tuple[str, Problem, str | None, int | None]]:
    return [(f.where, f.problem, f.entry_id, f.sequence) for f in verdict.findings]


def test_intact_chains_and_their_copy_pass() -> None:
    first, second = _chain(4), _chain(3)
    interleaved = [_wire(e) for pair in zip(first, second, strict=False) for e in pair]
    interleaved.append(_wire(first[3]))
    verdict = _verify(interleaved, [_copy(e) for e in first + second])
    assert verdict.intact, [str(f) for f in verdict.findings]
    assert (verdict.entries, verdict.chains, verdict.copies) == (7, 2, 7)


def test_an_edited_entry_is_named_whether_or_not_its_hash_was_recomputed() -> None:
    entries = _chain(4)
    kept_hash = _wire(entries[1], purpose="nothing to see")
    topic = [_wire(entries[0]), kept_hash, _wire(entries[2]), _wire(entries[3])]
    assert _problems(_verify(topic)) == [(TOPIC, Problem.CHANGED, entries[1].id, 1)]

    rehashed = _wire(entries[2], subject_ids=[])
    rehashed["hash"] = entry_hash(rehashed)
    topic = [_wire(entries[0]), _wire(entries[1]), rehashed, _wire(entries[3])]
    assert _problems(_verify(topic)) == [(TOPIC, Problem.CHANGED, entries[2].id, 2)]


def test_a_removed_entry_leaves_a_gap_and_the_copy_names_it() -> None:
    entries = _chain(4)
    topic = [_wire(e) for i, e in enumerate(entries) if i != 1]
    verdict = _verify(topic, [_copy(e) for e in entries])
    assert _problems(verdict) == [
        (COPY, Problem.ADDED, entries[1].id, 1),  # still in the copy: its id is known
        (TOPIC, Problem.REMOVED, None, 1),
    ]


def test_the_last_entry_removed_is_found_by_the_copy() -> None:
    entries = _chain(3)
    verdict = _verify([_wire(e) for e in entries[:2]], [_copy(e) for e in entries])
    assert _problems(verdict) == [(COPY, Problem.ADDED, entries[2].id, 2)]


def test_the_first_entries_removed_are_found_by_the_gap_and_the_partition_start() -> None:
    entries = _chain(3)
    verdict = _verify([_wire(entries[2])], start=2)
    assert {(f.problem, f.sequence) for f in verdict.findings} == {
        (Problem.REMOVED, 0),
        (Problem.REMOVED, None),  # partition 0 starts at offset 2
    }


def test_an_entry_repeated_or_unreadable_is_named() -> None:
    entries = _chain(2)
    repeated = _verify([_wire(entries[0]), _wire(entries[1]), _wire(entries[1])])
    assert _problems(repeated) == [(TOPIC, Problem.DUPLICATED, entries[1].id, 1)]
    verifier = AuditVerifier()
    verifier.check_record(TopicRecord(0, 0, b"not json"))
    assert [f.problem for f in verifier.verdict().findings] == [Problem.UNREADABLE]


def test_a_copy_changed_or_missing_is_named() -> None:
    entries = _chain(3)
    topic = [_wire(e) for e in entries]
    changed = _copy(entries[0], user="someone.else")
    verdict = _verify(topic, [changed, _copy(entries[1])])
    assert _problems(verdict) == [
        (COPY, Problem.CHANGED, entries[0].id, 0),
        (COPY, Problem.REMOVED, entries[2].id, 2),
    ]


def test_entries_still_settling_are_left_out_of_the_copy_comparison() -> None:
    entries = _chain(2)
    verifier = AuditVerifier()
    for offset, entry in enumerate(entries):
        verifier.check_record(TopicRecord(0, offset, entry.model_dump_json().encode()))
    verifier.check_copies([], settled_before=LONG_AGO)  # both written at LONG_AGO: too recent
    verdict = verifier.verdict()
    assert verdict.intact and verdict.recent == 2
