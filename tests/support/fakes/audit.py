"""The audit trail's two ports in memory (the topic and the Neo4j copy), and a real trail over
them."""

from dataclasses import dataclass, field

from common.audit.trail import AuditTrail, AuditUnavailable
from schemas.audit import AuditEntry


@dataclass
class FakeAuditLog:
    """The audit topic in memory; `down` makes it refuse like Kafka without acknowledgement."""

    entries: list[AuditEntry] = field(default_factory=list)
    down: bool = False

    def append(self, entry: AuditEntry) -> None:
        if self.down:
            raise AuditUnavailable("Kafka did not acknowledge (fake)")
        self.entries.append(entry)

    def close(self) -> None:
        return None


@dataclass
class FakeAuditCopy:
    """The Neo4j copy in memory; `down` makes it refuse like Neo4j out of reach."""

    saved: list[AuditEntry] = field(default_factory=list)
    down: bool = False

    def save(self, entry: AuditEntry) -> None:
        if self.down:
            raise AuditUnavailable("Neo4j is unavailable (fake)")
        if entry not in self.saved:
            self.saved.append(entry)

    def close(self) -> None:
        return None


@dataclass
class FakeAudit:
    """A real AuditTrail over the two fakes."""

    log: FakeAuditLog = field(default_factory=FakeAuditLog)
    copy: FakeAuditCopy = field(default_factory=FakeAuditCopy)
    trail: AuditTrail = field(init=False)

    def __post_init__(self) -> None:
        self.trail = AuditTrail(log=self.log, copy=self.copy, service="test")

    @property
    def entries(self) -> list[AuditEntry]:
        """What reached the topic, in order."""
        return self.log.entries

    def actions(self) -> list[str]:
        """The action of each entry, in order."""
        return [e.action for e in self.entries]
