"""Writing many reports' graph rows in one transaction of UNWIND statements, and removing them.

The rows are the network service's own (`build_report_graph`): the same nodes, links,
evidence and match keys the worker writes, only without person resolution (every mention gets
the id the service gives a new person, so exact repeats of a full name and birth date converge).
"""

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from neo4j import Driver, ManagedTransaction

from common.keys import person_id_key
from common.settings import InfraSettings
from services.network.linking import queries as network
from services.network.linking.graph import report_writes
from services.network.linking.ports import ReportGraph
from services.network.linking.reports import build_report_graph
from tests.support.population import Population, report_key


def _tx_write(tx: ManagedTransaction, graphs: list[ReportGraph]) -> None:
    """The service's own statements, as its async `write_graphs_tx` runs them, on the sync
    driver the loader uses."""
    opened = tx.run(network.MERGE_REPORTS, reports=[g.report for g in graphs]).single(strict=True)
    fresh = set(opened["fresh"])
    for query, params in report_writes([g for g in graphs if g.report["id"] in fresh]):
        tx.run(query, params).consume()


def write_bulk(driver: Driver, graphs: list[ReportGraph], *, database: str) -> None:
    """Write the reports' rows in one transaction; idempotent by report id, as the service is."""
    with driver.session(database=database) as session:
        session.execute_write(_tx_write, graphs)


def graphs_of(
    population: Population, *, start: int = 0, stop: int | None = None
) -> Iterator[ReportGraph]:
    """The service's rows for every report of districts start..stop, in stream order."""
    stop = population.districts if stop is None else stop
    key = person_id_key(InfraSettings())
    for index in range(start, stop):
        for report in population.district(index).reports:
            yield build_report_graph(population.submitted(report), id_key=key)


def load(
    driver: Driver,
    graphs: Iterable[ReportGraph],
    *,
    database: str,
    batch: int,
    progress: Callable[[int, float], None] = lambda _n, _s: None,
) -> tuple[int, float]:
    """Bulk-write the rows `batch` reports a transaction; rows are built in a second thread.

    Returns how many reports were written and the seconds it took.
    """
    batches: queue.Queue[list[ReportGraph] | None] = queue.Queue(maxsize=4)
    failure: list[BaseException] = []

    def produce() -> None:
        try:
            chunk: list[ReportGraph] = []
            for graph in graphs:
                chunk.append(graph)
                if len(chunk) == batch:
                    batches.put(chunk)
                    chunk = []
            if chunk:
                batches.put(chunk)
        except BaseException as error:  # noqa: BLE001 - re-raised in the writing thread
            failure.append(error)
        finally:
            batches.put(None)

    threading.Thread(target=produce, daemon=True).start()
    written, began = 0, time.monotonic()
    while (chunk := batches.get()) is not None:
        write_bulk(driver, chunk, database=database)
        written += len(chunk)
        progress(written, time.monotonic() - began)
    if failure:
        raise failure[0]
    return written, time.monotonic() - began


def population_report_ids(
    population: Population, *, start: int = 0, stop: int | None = None
) -> Iterator[str]:
    """The ids the population's reports have when published directly (some never used)."""
    stop = population.districts if stop is None else stop
    for index in range(start, stop):
        # Keys count up from 0 in each district; a missing episode's second report may take one
        # more, so two extra ids cover every district without generating it again.
        size = min(
            population.district_reports, population.total - index * population.district_reports
        )
        for count in range(max(size, 1) + 2):
            yield str(population.report_id(report_key(index, count)))


def stamp() -> str:
    """The time now, for progress lines."""
    return datetime.now().strftime("%H:%M:%S")  # noqa: DTZ005 - a local clock for people


def load_districts(
    driver: Driver, population: Population, *, start: int, stop: int, database: str, batch: int
) -> tuple[int, float]:
    """Bulk-load districts start..stop, printing progress about every 50,000 reports."""
    step = max(batch, 50_000 // batch * batch)
    already = start * population.district_reports

    def progress(written: int, seconds: float) -> None:
        if written % step < batch:
            print(
                f"  {stamp()} {already + written:,} reports in the graph "
                f"({written / seconds:,.0f}/s)",
                flush=True,
            )

    return load(
        driver,
        graphs_of(population, start=start, stop=stop),
        database=database,
        batch=batch,
        progress=progress,
    )


def load_baseline(driver: Driver, population: Population, *, database: str, batch: int) -> int:
    """Bulk-load the first district, the baseline graph; print how long it took."""
    written, seconds = load_districts(
        driver, population, start=0, stop=1, database=database, batch=batch
    )
    print(f"loaded district 0: {written:,} reports in {seconds:.0f}s")
    return written


def load_the_rest(driver: Driver, population: Population, *, database: str, batch: int) -> int:
    """Bulk-load every district after the first; print how long it took and how fast."""
    if population.districts <= 1:
        return 0
    more, seconds = load_districts(
        driver, population, start=1, stop=population.districts, database=database, batch=batch
    )
    print(f"loaded {more:,} more reports in {seconds:.0f}s ({more / seconds:,.0f}/s)")
    return more
