"""Neo4j adapter of the AuditCopy port (sync driver), and the reads `tessera audit verify` makes
of the copy."""

from collections.abc import Iterator
from typing import Any

from neo4j import Driver
from neo4j.exceptions import ConstraintError, DriverError, TransientError
from neo4j.time import DateTime

from common.adapters.audit import queries
from common.audit.trail import AuditUnavailable
from schemas.audit import AuditEntry

OUTAGES = (DriverError, TransientError)  # the server unreachable or busy: worth a retry later


class Neo4jAuditCopy:
    """Creates each entry's copy, tagged with the topic the entry is on."""

    def __init__(self, *, driver: Driver, database: str, topic: str) -> None:
        self._driver = driver
        self._database = database
        self._topic = topic

    def save(self, entry: AuditEntry) -> None:
        """Create the copy; one already there (a retried copy that had landed) is left as is."""
        try:
            self._driver.execute_query(
                queries.RECORD_AUDIT_ENTRY,
                entry=entry.model_dump(mode="json"),
                topic=self._topic,
                database_=self._database,
            )
        except ConstraintError:
            return  # the entry id is unique: this copy was made before
        except OUTAGES as error:
            raise AuditUnavailable(f"the audit copy could not be written: {error}") from error

    def close(self) -> None:
        """Close the driver."""
        self._driver.close()


def read_copies(driver: Driver, *, database: str, topic: str) -> Iterator[dict[str, Any]]:
    """Every copied entry of the topic, as its properties (times as Python datetimes)."""
    with driver.session(database=database, default_access_mode="READ") as session:
        for record in session.run(queries.COPIED_ENTRIES, topic=topic):
            entry = dict(record["entry"])
            if isinstance(entry.get("at"), DateTime):
                entry["at"] = entry["at"].to_native()
            yield entry


def count_unchained(driver: Driver, *, database: str) -> int:
    """Entries written before the audit was chained (they carry no chain and no topic)."""
    records, _, _ = driver.execute_query(queries.COUNT_UNCHAINED_ENTRIES, database_=database)
    return int(records[0]["entries"])
