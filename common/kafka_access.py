"""How a process reaches Kafka: the brokers and the identity it connects as.

Every Kafka client in the services and the CLI is built from a KafkaAccess, so the security
settings live in one place.
"""

from dataclasses import dataclass
from typing import Any

from common.settings import InfraSettings


@dataclass(frozen=True, slots=True)
class KafkaAccess:
    """The brokers to bootstrap from, and the credentials to present."""

    bootstrap_servers: str

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for any kafka-python client (producer, consumer, admin)."""
        return {"bootstrap_servers": self.bootstrap_servers}


def kafka_access(settings: InfraSettings) -> KafkaAccess:
    """The process's access, from its settings."""
    return KafkaAccess(bootstrap_servers=settings.kafka_bootstrap_servers)
