"""Neo4j set-up: the first-start password change and re-runnable schema migrations."""

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError

from common.settings import InfraSettings
from schemas.graph import LATEST_LINKS_KEPT, evidence_fields, latest_link_fields
from tessera_cli import queries
from tessera_cli.paths import INFRA
from tessera_cli.processes import port_open

FACTORY_PASSWORD = "neo4j"  # noqa: S105 - what every fresh Neo4j store starts with
MIGRATIONS = INFRA / "neo4j" / "schema"


def _driver(settings: InfraSettings, password: str) -> Driver:
    return GraphDatabase.driver(settings.neo4j_uri, auth=(settings.neo4j_user, password))


def connected(settings: InfraSettings) -> bool:
    """Bolt answers RETURN 1 with our password, setting it first on a fresh store."""
    if not port_open(_bolt_port(settings.neo4j_uri)):
        return False
    password = settings.neo4j_password.get_secret_value()
    try:
        with _driver(settings, password) as driver:
            driver.execute_query(queries.PING, database_=settings.neo4j_database)
            return True
    except AuthError:
        pass
    # A fresh store has neo4j/neo4j marked "change required": change it on the system database.
    with _driver(settings, FACTORY_PASSWORD) as driver, driver.session(database="system") as s:
        s.run(queries.SET_INITIAL_PASSWORD, old=FACTORY_PASSWORD, new=password).consume()
    return True


def _bolt_port(uri: str) -> int:
    return urlsplit(uri).port or 7687


# What a data migration may read as $parameters: the graph contract's evidence positions, and
# those and the length of a place's latest links (schemas/graph.py).
MIGRATION_PARAMS = {
    "evidence": evidence_fields(),
    "latest": latest_link_fields(),
    "keep": LATEST_LINKS_KEPT,
}


def _statements(path: Path) -> list[str]:
    text = re.sub(r"^\s*//.*$", "", path.read_text(), flags=re.MULTILINE)
    return [statement.strip() for statement in text.split(";") if statement.strip()]


def migrate(settings: InfraSettings) -> list[str]:
    """Apply every schema file not applied yet (or changed since), in order; each statement is
    safe to run again (IF NOT EXISTS, or data migrations that only touch what they have not)."""
    applied = []
    with _driver(settings, settings.neo4j_password.get_secret_value()) as driver:
        for path in sorted(MIGRATIONS.glob("*.cypher")):
            checksum = hashlib.sha256(path.read_bytes()).hexdigest()
            records, _, _ = driver.execute_query(
                queries.MIGRATION_APPLIED, id=path.name, database_=settings.neo4j_database
            )
            if records and records[0]["checksum"] == checksum:
                continue
            # Each statement in a transaction of its own (auto-commit), so a data migration
            # may commit as it goes (`CALL { ... } IN TRANSACTIONS`).
            with driver.session(database=settings.neo4j_database) as session:
                for statement in _statements(path):
                    session.run(statement, MIGRATION_PARAMS).consume()
            driver.execute_query(
                queries.RECORD_MIGRATION,
                id=path.name,
                checksum=checksum,
                database_=settings.neo4j_database,
            )
            applied.append(path.name)
    return applied
