"""Ports of ingest: what its use cases need of Kafka and of the ledger, free of any client,
and the records they carry."""

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID


class PublishFailed(Exception):
    """Kafka did not acknowledge every message; nothing may be reported as accepted."""


@dataclass(frozen=True, slots=True)
class Delivered:
    """Where Kafka put an acknowledged message."""

    partition: int
    offset: int


@dataclass(frozen=True, slots=True)
class Message:
    """A keyed message to publish."""

    key: bytes
    value: bytes


class Publisher(Protocol):
    """Somewhere keyed messages can be durably published."""

    def publish(self, *, topic: str, messages: list[Message]) -> list[Delivered]:
        """Return only once every message is acknowledged, else raise PublishFailed."""
        ...


class ReportReader(Protocol):
    """Reads one message back from where it was delivered."""

    def read(self, *, topic: str, partition: int, offset: int) -> bytes | None:
        """The message's value, or None when it is no longer there."""
        ...


@dataclass(frozen=True, slots=True)
class Located:
    """Where an accepted report is on Kafka, and whose it is."""

    report_id: UUID
    agency: str
    topic: str
    partition: int
    offset: int


@dataclass(frozen=True, slots=True)
class Submission:
    """A submission made under an idempotency key: what was sent and the ids it got."""

    agency: str
    idempotency_key: str
    body_hash: str
    report_ids: tuple[UUID, ...]


class Ledger(Protocol):
    """Remembers accepted reports and used idempotency keys."""

    def submission(self, *, agency: str, idempotency_key: str) -> Submission | None:
        """The earlier submission under this key, if any."""
        ...

    def record(self, *, submission: Submission | None, located: list[Located]) -> None:
        """Remember reports Kafka acknowledged, and the key they were sent under."""
        ...

    def locate(self, report_id: UUID) -> Located | None:
        """Where a report is, or None when ingest never accepted it."""
        ...
