"""Ports of ingest towards Kafka: what the use cases need, free of any Kafka client."""

from dataclasses import dataclass
from typing import Protocol


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
