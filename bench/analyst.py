"""p50 and p99 of the analyst's depth-2 network and shortest path on a graph of many reports.

The queries are the analyst API's own use cases (`explore_network`, `shortest_path` in
services/network/analyst/analysis.py) over its Neo4j adapter (`Neo4jAnalystGraph`), as an analyst
of a police force sees the graph (handling-code filters included), without HTTP and the audit
write.

Neo4j Community has one user database, so the synthetic graph is loaded into the default one
next to whatever is there: every report and entity of the run carries the run's tag in its names
and ids derived from it, and all of it is removed at the end (`python -m bench.cleanup` removes
what an interrupted run left). Loading uses the service's own rows written with large UNWIND
transactions (bench/bulk.py).

The baseline, measured in the same run, is the same queries from the same entities when the
graph holds only their district (10,000 reports). The population is connected
(tests/support/population.py: areas share homes, schools and hotspots, county-wide hotspots,
adults and cars, long-tailed names shared by every district), so a bigger graph also makes the
probed neighbourhoods busier, as real growth does; `--copies` gives the earlier districts of one
shape, where the ratio says what the graph's size alone costs.

    .venv/bin/python -m bench.analyst --reports 1000000
"""

import argparse
import random
import time
from collections.abc import Callable
from typing import Any

from neo4j import Driver

from bench import bulk, queries
from bench.harness import neo4j_driver, neo4j_memory, percentile
from bench.targets import measured
from common.auth import Principal, Role
from common.keys import person_id_key
from common.logs import quiet_neo4j_notifications
from common.settings import InfraSettings
from services.network.analyst.analysis import NetworkFilter, explore_network, shortest_path
from services.network.analyst.reads import Neo4jAnalystGraph
from services.network.linking.reports import build_report_graph
from tests.support.cleanup import delete_reports
from tests.support.population import AGENCIES, Population, run_tag

PATH_DEPTH = 4  # the analyst API's default max_depth


def entities_of(population: Population) -> tuple[list[str], list[str]]:
    """Entity ids of the first district (people, places, cars), and its young people's ids."""
    entities: set[str] = set()
    children: set[str] = set()
    key = person_id_key(InfraSettings())
    for report in population.district(0).reports:
        graph = build_report_graph(population.submitted(report), id_key=key)
        entities |= {row["id"] for row in graph.persons + graph.locations + graph.vehicles}
        children |= {row["id"] for row in graph.persons if row["young_person"]}
    return sorted(entities), sorted(children)


class TimedGraph(Neo4jAnalystGraph):
    """The analyst API's adapter, keeping the milliseconds of each statement the network reads
    make (`expand`: one hop's links; `nodes`: what the caller's reports say of each entity) and
    every entity they were asked about."""

    def __init__(self, *, driver: Driver, database: str) -> None:
        super().__init__(driver=driver, database=database)
        self.spent: dict[str, float] = {"expand": 0.0, "nodes": 0.0}
        self.asked: set[str] = set()

    def _timed(self, kind: str, ids: list[str], read: Callable[[], Any]) -> Any:
        began = time.perf_counter()
        rows = read()
        self.spent[kind] += (time.perf_counter() - began) * 1000
        self.asked.update(ids)
        return rows

    def expand(self, ids: list[str], **params: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self._timed(
            "expand", ids, lambda: super(TimedGraph, self).expand(ids, **params)
        )
        return rows

    def nodes(self, ids: list[str], *, audiences: list[str]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self._timed(
            "nodes", ids, lambda: super(TimedGraph, self).nodes(ids, audiences=audiences)
        )
        return rows


def measure(
    driver: Driver, *, database: str, centres: list[str], pairs: list[tuple[str, str]]
) -> dict[str, Any]:
    """Milliseconds of each network and path query (after one unmeasured pass), and sizes."""
    graph = TimedGraph(driver=driver, database=database)
    analyst = Principal(user="analyst.bench", agency=AGENCIES[2], role=Role.ANALYST)
    depth2 = NetworkFilter(depth=2)
    sizes: list[int] = []
    found: list[bool] = []

    def network(centre: str) -> None:
        result = explore_network(centre=centre, filters=depth2, principal=analyst, graph=graph)
        sizes.append(len(result.nodes))

    def path(pair: tuple[str, str]) -> None:
        result = shortest_path(
            source=pair[0], target=pair[1], max_depth=PATH_DEPTH, principal=analyst, graph=graph
        )
        found.append(result is not None)

    def timed(call: Callable[[Any], None], items: list[Any]) -> list[float]:
        times = []
        for item in items:
            began = time.perf_counter()
            call(item)
            times.append((time.perf_counter() - began) * 1000)
        return times

    timed(network, centres)  # warm the plan cache and the page cache alike at both sizes
    timed(path, pairs)
    sizes.clear()
    found.clear()
    graph.spent = dict.fromkeys(graph.spent, 0.0)
    network_ms = timed(network, centres)
    spent = dict(graph.spent)  # the path reads name their nodes too: not counted here
    return {
        "network": network_ms,
        "path": timed(path, pairs),
        "nodes": sum(sizes) / max(len(sizes), 1),
        "found": sum(found) / max(len(found), 1),
        "spent": spent,
        "busiest": busiest(driver, database=database, ids=sorted(graph.asked)),
    }


def busiest(driver: Driver, *, database: str, ids: list[str]) -> list[tuple[str, int]]:
    """The kinds and relationship counts of the five busiest entities the network reads met."""
    records, _, _ = driver.execute_query(queries.DEGREES, ids=ids, database_=database, routing_="r")
    top = sorted(records, key=lambda r: -r["degree"])[:5]
    return [(r["kind"], r["degree"]) for r in top]


def report(label: str, figures: dict[str, Any]) -> None:
    """Print one size's figures."""
    net, path = figures["network"], figures["path"]
    print(
        f"{label}: depth-2 network p50 {percentile(net, 50):.1f} ms, p99 "
        f"{percentile(net, 99):.1f} ms ({figures['nodes']:.0f} nodes on average); shortest path "
        f"p50 {percentile(path, 50):.1f} ms, p99 {percentile(path, 99):.1f} ms "
        f"({figures['found']:.0%} found within {PATH_DEPTH} links)"
    )
    spent = figures["spent"]
    total = sum(net) or 1.0
    print(
        "  where the network reads go: "
        + ", ".join(f"{kind} {ms / total:.0%}" for kind, ms in spent.items())
        + " of the depth-2 time (each statement with its rows' decoding; the rest is the use "
        "case's own work); the busiest entities met: "
        + ", ".join(f"{kind} with {degree:,} relationships" for kind, degree in figures["busiest"])
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000, help="the issue asks 1,000,000")
    parser.add_argument("--queries", type=int, default=200, help="of each kind, at each size")
    parser.add_argument("--batch", type=int, default=2000, help="reports per load transaction")
    parser.add_argument(
        "--copies",
        action="store_true",
        help="districts as copies of one shape (the earlier population), not one connected one",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="leave the synthetic graph in Neo4j")
    args = parser.parse_args()
    quiet_neo4j_notifications()  # a young graph's missing property keys, once a query
    settings = InfraSettings()
    database = settings.neo4j_database
    population = Population(
        reports=args.reports, seed=args.seed, tag=run_tag(), connected=not args.copies
    )
    rng = random.Random(args.seed)  # noqa: S311 - picks synthetic entities, not secrets
    entities, children = entities_of(population)
    centres = [rng.choice(entities) for _ in range(args.queries)]
    pairs = [(rng.choice(children), rng.choice(children)) for _ in range(args.queries)]
    print(
        f"population tag {population.tag}: {args.reports:,} reports in "
        f"{population.districts} districts of {population.district_reports:,}"
    )
    driver = neo4j_driver(settings)
    print(f"Neo4j: {neo4j_memory(driver, database=database)}")
    try:
        written = baseline = bulk.load_baseline(
            driver, population, database=database, batch=args.batch
        )
        small = measure(driver, database=database, centres=centres, pairs=pairs)
        report(f"baseline, {written:,} reports", small)
        written += bulk.load_the_rest(driver, population, database=database, batch=args.batch)
        large = measure(driver, database=database, centres=centres, pairs=pairs)
        report(f"{written:,} reports", large)
        for kind, target in (("network", "depth2_p99"), ("path", "path_p99")):
            ratio = percentile(large[kind], 99) / percentile(small[kind], 99)
            print(f"{kind} p99 at {written:,} / at baseline: {ratio:.2f}")
            measured(
                target,
                percentile(large[kind], 99),
                baseline=f"p99 {percentile(small[kind], 99):.1f} ms at {baseline:,} reports",
                at={"reports": written},
            )
    finally:
        if args.keep:
            print(f"kept; remove with: .venv/bin/python -m bench.cleanup  (tag {population.tag})")
        else:
            began = time.monotonic()
            removed = delete_reports(
                driver, bulk.population_report_ids(population), database=database
            )
            print(
                f"removed {removed:,} reports and their entities in {time.monotonic() - began:.0f}s"
            )
        driver.close()


if __name__ == "__main__":
    main()
