"""Running one schema migration file as `tessera infra migrate` does: each statement in a
transaction of its own, so a data migration may commit as it goes."""

from neo4j import Driver

from tessera_cli.graph_setup import MIGRATION_PARAMS, MIGRATIONS, _statements

LATEST_LINKS_MIGRATION = "020_latest_link_spans.cypher"


def run_migration(driver: Driver, name: str, *, database: str) -> None:
    """Run the statements of `infra/neo4j/schema/<name>` again (they are safe to re-run)."""
    with driver.session(database=database) as session:
        for statement in _statements(MIGRATIONS / name):
            session.run(statement, MIGRATION_PARAMS).consume()
