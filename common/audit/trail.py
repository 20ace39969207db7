"""One writer's audit trail: each read of personal data becomes the next entry of this writer's
hash chain, acknowledged by Kafka (acks=all) and copied to Neo4j before the read may answer.

Framework-free: the Kafka topic and the Neo4j copy are ports (AuditLog, AuditCopy). Reads call
`record` after they have read and before they answer; when it raises AuditUnavailable the read
fails (503) and returns nothing, so no read is ever unaudited.
"""

import asyncio
import functools
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Protocol

from common.auth import Principal
from schemas.audit import GENESIS_HASH, AuditEntry, sealed

log = logging.getLogger(__name__)

MAX_PENDING_COPIES = 10_000  # entries on the topic still to be copied to Neo4j, at most


class AuditUnavailable(Exception):
    """The entry could not be written; the read it records must fail and return nothing."""


class AuditLog(Protocol):
    """The append-only topic: the audit's system of record."""

    def append(self, entry: AuditEntry) -> None:
        """Return once Kafka acknowledged the entry (acks=all), else raise AuditUnavailable."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


class AuditCopy(Protocol):
    """The copy of the entries kept in Neo4j to query (GET /v1/audit)."""

    def save(self, entry: AuditEntry) -> None:
        """Create the entry's copy (once; saving it again changes nothing), or raise
        AuditUnavailable."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


class Auditor(Protocol):
    """What a read needs: record that a reader saw these subjects, for this purpose."""

    def record(
        self,
        *,
        reader: Principal,
        action: str,
        purpose: str,
        subject_ids: Iterable[str],
        parameters: Mapping[str, object] | None = None,
    ) -> AuditEntry:
        """Write the entry, or raise AuditUnavailable."""
        ...


def parameter_list(parameters: Mapping[str, object] | None) -> tuple[str, ...]:
    """What was asked for, as sorted name=value strings; unset values are left out."""
    return tuple(f"{k}={v}" for k, v in sorted((parameters or {}).items()) if v is not None)


class AuditTrail:
    """A hash chain of its own for one writer (one per process), safe to call from threads."""

    def __init__(
        self,
        *,
        log: AuditLog,
        copy: AuditCopy,
        service: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._log = log
        self._copy = copy
        self._service = service
        self._clock = clock
        self._new_id = new_id
        self._lock = threading.Lock()  # one entry at a time: the chain is a sequence
        self._pending_lock = threading.Lock()
        self._pending: list[AuditEntry] = []
        self._chain_id = ""
        self._sequence = 0
        self._prev_hash = GENESIS_HASH
        self._start_chain()

    @property
    def chain_id(self) -> str:
        """The chain the next entry joins."""
        return self._chain_id

    def _start_chain(self) -> None:
        self._chain_id = self._new_id()
        self._sequence = 0
        self._prev_hash = GENESIS_HASH

    def record(
        self,
        *,
        reader: Principal,
        action: str,
        purpose: str,
        subject_ids: Iterable[str],
        parameters: Mapping[str, object] | None = None,
    ) -> AuditEntry:
        """Append the read to the chain on Kafka and copy it to Neo4j; AuditUnavailable when
        either cannot be done now (the read must then fail)."""
        with self._lock:
            entry = sealed(
                AuditEntry(
                    id=self._new_id(),
                    at=self._clock(),
                    chain_id=self._chain_id,
                    sequence=self._sequence,
                    prev_hash=self._prev_hash,
                    service=self._service,
                    user=reader.user,
                    agency=reader.agency,
                    role=reader.role.value,
                    action=action,
                    purpose=purpose,
                    subject_ids=tuple(sorted(set(subject_ids))),
                    parameters=parameter_list(parameters),
                    hash="",
                )
            )
            try:
                self._log.append(entry)
            except AuditUnavailable:
                # Kafka may hold an entry it did not acknowledge in time; another entry with
                # the same sequence would fork the chain, so the next one starts a new chain.
                log.warning("audit entry not acknowledged; chain %s ends here", self._chain_id)
                self._start_chain()
                raise
            self._sequence += 1
            self._prev_hash = entry.hash
        self._copy_with_pending(entry)
        return entry

    def _copy_with_pending(self, entry: AuditEntry) -> None:
        """Copy the entry, and any an earlier outage left uncopied; raise if this one fails."""
        with self._pending_lock:
            waiting, self._pending = [*self._pending, entry], []
        failed: list[AuditEntry] = []
        error: AuditUnavailable | None = None
        for item in waiting:
            try:
                self._copy.save(item)
            except AuditUnavailable as why:
                failed.append(item)
                error = why
        if not failed:
            return
        with self._pending_lock:
            self._pending = [*failed, *self._pending]
            if len(self._pending) > MAX_PENDING_COPIES:
                dropped = len(self._pending) - MAX_PENDING_COPIES
                log.error("audit copy: %d entries left uncopied (verify will name them)", dropped)
                self._pending = self._pending[dropped:]
        if entry in failed:
            raise AuditUnavailable("the audit entry could not be copied to Neo4j") from error

    def close(self) -> None:
        """Close the topic's producer and the copy's connection."""
        self._log.close()
        self._copy.close()


async def record_off_loop(
    auditor: Auditor,
    *,
    reader: Principal,
    action: str,
    purpose: str,
    subject_ids: Iterable[str],
    parameters: Mapping[str, object] | None = None,
) -> AuditEntry:
    """`auditor.record` from async code: in a thread, since waiting for Kafka blocks."""
    call = functools.partial(
        auditor.record,
        reader=reader,
        action=action,
        purpose=purpose,
        subject_ids=list(subject_ids),
        parameters=parameters,
    )
    return await asyncio.to_thread(call)
