"""Ports of the analyst API towards Kafka: what its use cases need, free of any client."""

from typing import Protocol


class PublishFailed(Exception):
    """Kafka did not acknowledge the message; nothing may be recorded as done."""


class Publisher(Protocol):
    """Somewhere a keyed message can be durably published."""

    def publish(self, *, topic: str, key: bytes, value: bytes) -> None:
        """Return only once Kafka acknowledged the message (acks=all), else raise PublishFailed."""
        ...
