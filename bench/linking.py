"""Reports per second the network worker links from the reports topic into Neo4j.

Three writers, each given its own copy of the same synthetic population (same seed, other
names, so none finds the others' nodes):

- the network worker process (faust, as `tessera run` starts it) reading a private topic the
  reports were published to beforehand: parse, resolve every person against the graph, write,
  emit EntitiesLinked, however it batches that. Its rate is taken from 10% to 100% of the
  reports linked (counted on its EntitiesLinked topic), so the consumer group's start-up is
  left out; the whole run's rate is printed too, since the first batches create most of the
  population's entities and a cost that falls on creating them shows only there;
- the baselines, measured in the same run on the same Neo4j with the service's own rows
  (`build_report_graph`, no person resolution, rows built before the clock starts):
  one transaction of UNWIND statements per `--batch` reports (the bulk write), and one
  transaction per report written in turn with the service's own `write_report` (naive).

    .venv/bin/python -m bench.linking --reports 3000
"""

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from kafka import KafkaProducer
from neo4j import AsyncGraphDatabase

from bench import bulk
from bench.cpu import budget, meter
from bench.harness import neo4j_driver
from bench.profiling import Profiler
from bench.targets import measured
from common.kafka_access import KafkaAccess
from common.keys import person_id_key
from common.settings import InfraSettings
from services.network.linking.graph import Neo4jGraphStore
from services.network.linking.ports import ReportGraph
from services.network.linking.reports import build_report_graph
from tessera_cli.kafka_principals import admin_access
from tessera_cli.topics import topic_end
from tests.support.cleanup import count_reports, delete_reports
from tests.support.population import Population, run_tag
from tests.support.stack import PrivateStack

POLL_S = 0.2
TARGET_RATE = 2000.0  # issue 17: reports a second


def publish(*, access: KafkaAccess, topic: str, messages: list[tuple[bytes, bytes]]) -> None:
    """Put the events on the topic (acks=all) before the worker starts."""
    producer = KafkaProducer(**access.client_options(), acks="all", linger_ms=20)
    try:
        for key, value in messages:
            producer.send(topic, key=key, value=value)
        producer.flush(timeout=120)
    finally:
        producer.close()


def run_worker(
    *, settings: InfraSettings, population: Population, workdir: Path, profile: bool
) -> tuple[float, list[str]]:
    """Reports per second the worker process links, and the ids it was given."""
    events = [population.submitted(r) for r in population.reports()]
    ids = [str(e.event_id) for e in events]
    n = len(events)
    st = PrivateStack(settings=settings, workdir=workdir, services=("network-worker",))
    try:
        st.create_topics()
        publish(
            access=admin_access(settings),
            topic=st.topics["reports"],
            messages=[(e.partition_key(), e.model_dump_json().encode()) for e in events],
        )
        st.start_service("network-worker")
        linked = st.topics["linked"]
        cpu = meter(worker=st.pid("network-worker"))
        cpu_before = cpu.read()
        with Profiler(st.pid("network-worker"), workdir / "worker.raw", enabled=profile) as prof:
            began = time.monotonic()
            tenth_at = None
            while (done := topic_end(admin_access(settings), linked)) < n:
                if tenth_at is None and done >= n // 10:
                    tenth_at = (time.monotonic(), done, cpu.read())
                if time.monotonic() - began > 30 + n:  # far below one report a second: stuck
                    raise SystemExit(
                        f"worker stuck at {done}/{n}:\n{st.log_tail('network-worker')}"
                    )
                time.sleep(POLL_S)
            finished = time.monotonic()
        cpu_after = cpu.read()
        start_t, start_n, cpu_tenth = tenth_at or (began, 0, cpu_before)
        rate = (n - start_n) / (finished - start_t)
        print(
            f"network worker: {rate:,.0f} reports/s after the first tenth; all {n} linked in "
            f"{finished - began:.1f}s after the worker was ready ({n / (finished - began):,.0f}/s, "
            "the first batches, which create most of the entities, included)"
        )
        print("the whole run:")
        print("\n".join(budget(cpu_before, cpu_after, items=n, rate=TARGET_RATE)))
        if tenth_at is not None:
            print("after the first tenth:")
            print("\n".join(budget(cpu_tenth, cpu_after, items=n - start_n, rate=TARGET_RATE)))
        dead = topic_end(admin_access(settings), st.topics["dead_letters"])
        if dead:
            raise SystemExit(f"{dead} reports went to the dead-letter topic")
        if profile:
            print("\n".join("    " + line for line in prof.summary()))
        return rate, ids
    finally:
        st.stop()


def run_bulk(*, settings: InfraSettings, graphs: list[ReportGraph], batch: int) -> float:
    """Reports per second of one UNWIND transaction per batch."""
    driver = neo4j_driver(settings)
    cpu = meter()
    try:
        cpu_before = cpu.read()
        written, seconds = bulk.load(
            driver, iter(graphs), database=settings.neo4j_database, batch=batch
        )
        cpu_after = cpu.read()
    finally:
        driver.close()
    print("the bulk write:")
    print("\n".join(budget(cpu_before, cpu_after, items=written, rate=TARGET_RATE)))
    return written / seconds


async def _naive(settings: InfraSettings, graphs: list[ReportGraph]) -> float:
    driver = AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )
    try:
        store = Neo4jGraphStore(driver=driver, database=settings.neo4j_database)
        began = time.monotonic()
        for graph in graphs:
            await store.write_report(graph)
        return len(graphs) / (time.monotonic() - began)
    finally:
        await driver.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=1000, help="reports per bulk transaction")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="sample the worker with py-spy")
    args = parser.parse_args()
    settings = InfraSettings()
    copies = {
        name: Population(reports=args.reports, seed=args.seed, tag=run_tag())
        for name in ("worker", "bulk", "naive")
    }
    rows = {
        name: [
            build_report_graph(copies[name].submitted(r), id_key=person_id_key(settings))
            for r in copies[name].reports()
        ]
        for name in ("bulk", "naive")
    }
    print(f"{args.reports} synthetic reports per writer (seed {args.seed})")
    ids: list[str] = []
    driver = neo4j_driver(settings)
    try:
        with tempfile.TemporaryDirectory(prefix="tessera-bench-linking-") as tmp:
            worker, worker_ids = run_worker(
                settings=settings,
                population=copies["worker"],
                workdir=Path(tmp),
                profile=args.profile,
            )
            ids += worker_ids
            present = count_reports(driver, worker_ids, database=settings.neo4j_database)
            if present != len(worker_ids):
                raise SystemExit(f"only {present} of {len(worker_ids)} reports are in Neo4j")
        ids += [g.report["id"] for g in rows["bulk"]]
        bulk_rate = run_bulk(settings=settings, graphs=rows["bulk"], batch=args.batch)
        print(
            f"baseline bulk UNWIND, {args.batch} reports a transaction: {bulk_rate:,.0f} reports/s"
        )
        ids += [g.report["id"] for g in rows["naive"]]
        naive = asyncio.run(_naive(settings, rows["naive"]))
        print(f"baseline naive, one transaction per report: {naive:,.0f} reports/s")
        print(
            f"ratios: worker / bulk {worker / bulk_rate:.2f}, worker / naive {worker / naive:.2f}"
        )
        measured("linking_rate", worker, baseline=f"bulk write {bulk_rate:,.0f}/s")
        measured("linking_ratio", worker / bulk_rate, baseline=f"bulk write {bulk_rate:,.0f}/s")
    finally:
        began = time.monotonic()
        removed = delete_reports(driver, ids, database=settings.neo4j_database)
        print(f"removed {removed} reports and their entities in {time.monotonic() - began:.1f}s")
        driver.close()


if __name__ == "__main__":
    main()
