"""Checks the audit for tampering: every chain on the topic, then the Neo4j copy against it.

On the topic, each entry must still match its own hash, follow the entry before it in its chain
(its prev_hash is that entry's hash) and carry the next sequence number: a changed entry fails
its hash or the next entry's link, a removed one leaves a gap. In the copy, each entry must be
on the topic, unchanged, and each entry on the topic must have its copy. Entries newer than a
settling time are left out of the copy comparison: a copy is written just after Kafka's
acknowledgement, so the two can differ for a moment without anyone having touched either.

Framework-free: the caller reads the topic and the copy and feeds them in.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from schemas.audit import GENESIS_HASH, AuditEntry, entry_hash, intact

TOPIC = "topic"
COPY = "Neo4j copy"


class Problem(StrEnum):
    """What is wrong with an entry."""

    CHANGED = "changed"
    REMOVED = "removed"
    ADDED = "added"  # in the copy, not on the topic
    DUPLICATED = "duplicated"
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class Finding:
    """One entry (or run of entries) that was changed, removed, added or cannot be read."""

    where: str
    problem: Problem
    detail: str
    chain_id: str | None = None
    sequence: int | None = None
    entry_id: str | None = None

    def __str__(self) -> str:
        entry = f" entry {self.entry_id}" if self.entry_id else ""
        place = f" (chain {self.chain_id}, sequence {self.sequence})" if self.chain_id else ""
        return f"{self.where}: {self.problem.value}{entry}{place}: {self.detail}"


@dataclass(frozen=True, slots=True)
class TopicRecord:
    """One message of the audit topic, where it was found."""

    partition: int
    offset: int
    value: bytes | None


@dataclass(slots=True)
class _Chain:
    next_sequence: int = 0
    last_hash: str = GENESIS_HASH
    last_id: str | None = None


@dataclass(frozen=True, slots=True)
class _Seen:
    hash: str
    chain_id: str
    sequence: int
    at: datetime


@dataclass
class Verdict:
    """What a verification read and found."""

    entries: int = 0
    chains: int = 0
    copies: int = 0
    recent: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        """Whether nothing was found wrong."""
        return not self.findings


class AuditVerifier:
    """Fed the topic's records (in offset order per partition), then the copy's entries."""

    def __init__(self) -> None:
        self._chains: dict[str, _Chain] = {}
        self._seen: dict[str, _Seen] = {}
        self._findings: list[Finding] = []
        self._entries = 0
        self._copies = 0
        self._recent = 0

    def check_partition_start(self, partition: int, first_offset: int) -> None:
        """A topic kept forever starts every partition at offset 0; a later start means the
        records before it were deleted."""
        if first_offset > 0:
            self._findings.append(
                Finding(
                    TOPIC,
                    Problem.REMOVED,
                    f"partition {partition} starts at offset {first_offset}: the records "
                    "before it were deleted",
                )
            )

    def check_record(self, record: TopicRecord) -> None:
        """Check one message of the topic against the chain it belongs to."""
        where = f"partition {record.partition}, offset {record.offset}"
        try:
            fields = json.loads(record.value or b"")
            entry = AuditEntry.model_validate(fields)
        except (ValueError, ValidationError):
            self._findings.append(
                Finding(TOPIC, Problem.UNREADABLE, f"at {where}: not an audit entry")
            )
            return
        self._entries += 1
        if not intact(fields):
            self._found(TOPIC, Problem.CHANGED, entry, f"at {where}: it no longer matches its hash")
        chain = self._chains.setdefault(entry.chain_id, _Chain())
        if entry.sequence < chain.next_sequence or entry.id in self._seen:
            self._found(TOPIC, Problem.DUPLICATED, entry, f"at {where}: its sequence came before")
            return
        if entry.sequence > chain.next_sequence:
            first, last = chain.next_sequence, entry.sequence - 1
            self._findings.append(
                Finding(
                    TOPIC,
                    Problem.REMOVED,
                    f"sequence {first}" + (f" to {last}" if last > first else "") + " missing "
                    f"before {where}",
                    chain_id=entry.chain_id,
                    sequence=first,
                )
            )
        elif entry.prev_hash != chain.last_hash:
            if chain.last_id is None:
                detail = f"the first entry of its chain (at {where}) does not start from genesis"
                self._found(TOPIC, Problem.CHANGED, entry, detail)
            else:
                self._findings.append(
                    Finding(
                        TOPIC,
                        Problem.CHANGED,
                        f"its hash is not what the next entry (at {where}) recorded as before it",
                        chain_id=entry.chain_id,
                        sequence=entry.sequence - 1,
                        entry_id=chain.last_id,
                    )
                )
        chain.next_sequence = entry.sequence + 1
        chain.last_hash = entry.hash
        chain.last_id = entry.id
        self._seen[entry.id] = _Seen(entry.hash, entry.chain_id, entry.sequence, entry.at)

    def check_copies(
        self, copies: Iterable[Mapping[str, Any]], *, settled_before: datetime
    ) -> None:
        """Compare the copy with the topic: entries at or after `settled_before` are left out."""
        on_topic = {k: v for k, v in self._seen.items() if v.at < settled_before}
        self._recent = len(self._seen) - len(on_topic)
        for fields in copies:
            try:
                copy = AuditEntry.model_validate(fields)
            except ValidationError:
                detail = "not an audit entry any more"
                entry_id = str(fields.get("id"))
                self._findings.append(Finding(COPY, Problem.CHANGED, detail, entry_id=entry_id))
                continue
            if copy.at >= settled_before:
                continue
            self._copies += 1
            seen = on_topic.pop(copy.id, None)
            if seen is None:
                detail = "it is not on the topic (removed from the topic, or added to the copy)"
                self._found(COPY, Problem.ADDED, copy, detail)
            elif entry_hash(copy.model_dump(mode="json")) != seen.hash or copy.hash != seen.hash:
                self._found(COPY, Problem.CHANGED, copy, "it differs from the entry on the topic")
        for entry_id, seen in on_topic.items():
            self._findings.append(
                Finding(
                    COPY,
                    Problem.REMOVED,
                    "it is on the topic but not in the copy",
                    chain_id=seen.chain_id,
                    sequence=seen.sequence,
                    entry_id=entry_id,
                )
            )

    def _found(self, where: str, problem: Problem, entry: AuditEntry, detail: str) -> None:
        self._findings.append(
            Finding(
                where,
                problem,
                detail,
                chain_id=entry.chain_id,
                sequence=entry.sequence,
                entry_id=entry.id,
            )
        )

    def verdict(self) -> Verdict:
        """What was read, and every problem found, by place in the chains."""
        findings = sorted(
            self._findings,
            key=lambda f: (f.where, f.chain_id or "", f.sequence or 0, f.entry_id or ""),
        )
        return Verdict(
            entries=self._entries,
            chains=len(self._chains),
            copies=self._copies,
            recent=self._recent,
            findings=findings,
        )
