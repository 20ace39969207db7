"""What the benchmarks share beyond the private stack: a Neo4j driver and percentiles.

The private Tessera they run (its own topics, ports, tokens and processes) is the tests' harness,
`tests.support.stack.PrivateStack`, which the fault and end-to-end tests start too.
"""

import math
from collections.abc import Iterable

from neo4j import Driver, GraphDatabase

from bench import queries
from common.settings import InfraSettings


def percentile(values: Iterable[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..100) of the values; nan when there are none."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def neo4j_driver(settings: InfraSettings) -> Driver:
    """A sync driver to the running Neo4j."""
    return GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )


def neo4j_memory(driver: Driver, *, database: str) -> str:
    """Neo4j's page cache, transaction memory and JVM heap, as one line for a report."""
    settings, _, _ = driver.execute_query(queries.MEMORY_SETTINGS, database_=database)
    heap, _, _ = driver.execute_query(queries.JVM_HEAP, database_=database)
    return ", ".join(
        [f"{r['name']} {r['value']}" for r in settings]
        + [f"JVM heap {heap[0]['bytes'] / 2**30:.2f}GiB"]
    )
