"""Submission-to-alert latency (p50, p95, p99) of planted patterns under a steady background load.

The full pipeline runs as processes on private topics: ingest API, network worker, alert worker.
Reports are POSTed one at a time by concurrent clients, paced to `--rate` reports a second for
`--duration` seconds; the planted patterns (tests/support/population.py) are spread through that
stream. A consumer reads the private alerts topic, as a police system would. An alert's latency
is from the moment the last report it must cite was POSTed to the moment the first alert message
citing all of them arrived.

The baseline, measured first in the same run on the same processes, is the latency of planted
patterns submitted alone (a few reports a second, nothing else in flight). Before it,
`--warmup` sets of planted patterns (other seeds) go through the just-started services and the
Neo4j that may have just started: their latencies are printed as warm-ups, not the baseline (on
a Neo4j started moments before, every statement's first run is planned: on 2026-12-03 the first
set's alerts took p50 12.3 s, the second's 1.6 s, the third's 0.8 s).

`--bulk N` also measures live before bulk: N reports are imported on the bulk lane in the
background (`POST /v1/reports:batch?lane=bulk`, 1,000 a request, as `tessera import` sends them)
while a second set of planted patterns is submitted live, as the baseline's were; it prints
their p50 and p99 beside the baseline's, the ratio, and how far the import had got.

`--background N` first bulk-writes N reports of another connected population (history: no
detection), so the services meet a graph that already holds reports, as a deployed one does;
they are removed at the end.

    .venv/bin/python -m bench.latency --rate 200 --duration 120 --wait 900
    .venv/bin/python -m bench.latency --rate 200 --duration 30 --wait 300 --background 30000
    .venv/bin/python -m bench.latency --bulk 100000 --duration 0
"""

import argparse
import asyncio
import json
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from kafka import KafkaConsumer, TopicPartition
from neo4j import Driver

from bench import bulk
from bench.cpu import budget, meter, shares
from bench.harness import neo4j_driver, percentile
from bench.profiling import Profiler
from bench.targets import measured
from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from schemas import topics
from tessera_cli.kafka_principals import admin_access
from tessera_cli.topics import group_lag, topic_end
from tests.support.cleanup import delete_reports
from tests.support.population import ExpectedAlert, Population, SyntheticReport, run_tag
from tests.support.stack import PrivateStack

SERVICES = ("network-worker", "alerts-worker", "ingest-api")
IMPORT_BATCH = 1000  # the most ingest takes in one request
BACKGROUND_BATCH = 2000  # reports a transaction when --background loads


class TopicListener:
    """Reads a topic in a thread and keeps each message with the time it arrived."""

    def __init__(self, *, access: KafkaAccess, topic: str) -> None:
        self._consumer = KafkaConsumer(
            **access.client_options(), group_id=None, enable_auto_commit=False
        )
        partitions = [TopicPartition(topic, p) for p in self._consumer.partitions_for_topic(topic)]
        self._consumer.assign(partitions)
        self._consumer.seek_to_beginning(*partitions)
        self.messages: list[tuple[float, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for records in self._consumer.poll(timeout_ms=100).values():
                arrived = time.monotonic()
                with self._lock:
                    self.messages += [(arrived, json.loads(r.value)) for r in records]

    def close(self) -> None:
        """Stop reading."""
        self._stop.set()
        self._thread.join(timeout=10)
        self._consumer.close()


class LinkedListener(TopicListener):
    """Reads a linked topic: when each report was announced linked."""

    def linked_at(self) -> dict[str, float]:
        """Report ids to when their first announcement arrived."""
        with self._lock:
            seen: dict[str, float] = {}
            for arrived, event in self.messages:
                seen.setdefault(event["report_id"], arrived)
            return seen


class AlertListener(TopicListener):
    """Reads the alerts topic, as a police system would."""

    def first_citing(self, expected: ExpectedAlert, ids: set[str]) -> float | None:
        """When the first alert of the type, about the anchor, citing every id arrived."""
        with self._lock:
            for arrived, alert in self.messages:
                cited = {e["report_id"] for e in alert["evidence"]}
                anchor = alert["subjects"][0]["display_name"] if alert["subjects"] else None
                if alert["type"] == expected.type and anchor == expected.anchor and ids <= cited:
                    return arrived
        return None


@dataclass
class Submitted:
    """What was POSTed: report keys to ids, when each was sent and when it was accepted."""

    ids: dict[str, str] = field(default_factory=dict)
    sent_at: dict[str, float] = field(default_factory=dict)
    accepted_at: dict[str, float] = field(default_factory=dict)
    refused: int = 0


async def submit(
    *, url: str, headers: dict[str, str], reports: list[SyntheticReport], rate: float, clients: int
) -> tuple[Submitted, float]:
    """POST the reports paced to `rate` a second; what was accepted and the rate achieved."""
    out = Submitted()
    gate = asyncio.Semaphore(clients)
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(
        connector=connector,
        headers=headers | {"Content-Type": "application/json"},
        timeout=aiohttp.ClientTimeout(total=120),
    ) as session:

        async def post(report: SyntheticReport) -> None:
            try:
                sent = time.monotonic()
                async with session.post(url, data=json.dumps(report.body)) as response:
                    body = await response.read()
                    if response.status != 202:
                        out.refused += 1
                        return
                    out.ids[report.key] = json.loads(body)["report_id"]
                    out.sent_at[report.key] = sent
                    out.accepted_at[report.key] = time.monotonic()
            finally:
                gate.release()

        began = time.monotonic()
        tasks = []
        for i, report in enumerate(reports):
            await asyncio.sleep(max(0.0, began + i / rate - time.monotonic()))
            await gate.acquire()
            tasks.append(asyncio.create_task(post(report)))
        await asyncio.gather(*tasks)
        return out, len(reports) / (time.monotonic() - began)


def latencies(
    *,
    listener: AlertListener,
    expected: list[ExpectedAlert],
    submitted: Submitted,
    wait_s: float,
) -> tuple[list[float], list[ExpectedAlert]]:
    """Seconds from the last cited report's POST to the alert, and the alerts never seen."""
    deadline = time.monotonic() + wait_s
    pending = [e for e in expected if all(k in submitted.ids for k in e.report_keys)]
    found: dict[int, float] = {}
    while time.monotonic() < deadline and len(found) < len(pending):
        for i, alert in enumerate(pending):
            if i not in found:
                ids = {submitted.ids[k] for k in alert.report_keys}
                arrived = listener.first_citing(alert, ids)
                if arrived is not None:
                    found[i] = arrived - max(submitted.sent_at[k] for k in alert.report_keys)
        time.sleep(0.5)
    missing = [alert for i, alert in enumerate(pending) if i not in found]
    return list(found.values()), missing


@dataclass
class Planted:
    """Planted patterns sent live: their alerts' latencies, those never seen, and what was sent."""

    seconds: list[float]
    missing: list[ExpectedAlert]
    submitted: Submitted

    def stages(self, linked: LinkedListener) -> str:
        """Where the reports' time went before detection: from POST to accepted (202), and
        from POST to announced linked."""
        linked_at = linked.linked_at()
        sent = self.submitted.sent_at
        accepted = [self.submitted.accepted_at[k] - sent[k] for k in sent]
        done = [
            linked_at[self.submitted.ids[k]] - sent[k]
            for k in sent
            if self.submitted.ids[k] in linked_at
        ]
        return (
            f"  its {len(sent)} reports: accepted p50 {percentile(accepted, 50):.2f}s, "
            f"p99 {percentile(accepted, 99):.2f}s after POST; announced linked p50 "
            f"{percentile(done, 50):.2f}s, p99 {percentile(done, 99):.2f}s after POST "
            f"({len(done)} of {len(sent)} linked)"
            if sent and done
            else f"  its {len(sent)} reports: {len(done)} announced linked"
        )


def planted_alone(
    *,
    st: PrivateStack,
    listener: AlertListener,
    population: Population,
    ids: list[str],
    wait_s: float,
) -> Planted:
    """The population's planted patterns POSTed live, two reports a second: their latencies."""
    done, _ = asyncio.run(
        submit(
            url=f"{st.ingest_url}/v1/reports",
            headers=st.submitter_headers,
            reports=[r for r in population.reports() if r.pattern is not None],
            rate=2.0,
            clients=2,
        )
    )
    ids += done.ids.values()
    seconds, missing = latencies(
        listener=listener, expected=population.expected_alerts(), submitted=done, wait_s=wait_s
    )
    return Planted(seconds=seconds, missing=missing, submitted=done)


def import_in_background(
    *, st: PrivateStack, population: Population, ids: list[str], lane: str = "bulk"
) -> threading.Thread:
    """Start importing the population's reports on a lane (bulk, as `tessera import` does);
    their ids go into `ids`."""
    bodies = [r.body for r in population.reports()]

    def run() -> None:
        with httpx.Client(base_url=st.ingest_url, headers=st.submitter_headers) as client:
            for first in range(0, len(bodies), IMPORT_BATCH):
                response = client.post(
                    "/v1/reports:batch",
                    params={"lane": lane},
                    json={"reports": bodies[first : first + IMPORT_BATCH]},
                    timeout=300.0,
                )
                response.raise_for_status()
                ids.extend(str(i) for i in response.json()["report_ids"])

    thread = threading.Thread(target=run, name="bulk-import", daemon=True)
    thread.start()
    return thread


def live_beside_bulk(
    *,
    st: PrivateStack,
    settings: InfraSettings,
    listener: AlertListener,
    args: argparse.Namespace,
    linked: LinkedListener,
    base: list[float],
    ids: list[str],
) -> None:
    """Planted patterns submitted live while an import runs on the bulk lane: their latency,
    beside the baseline's, where their reports' time went, and how far the import had got when
    the last alert came."""
    admin = admin_access(settings)
    bulk_ids: list[str] = []
    cpu = meter(this="bench (importer)", **{name: st.pid(name) for name in SERVICES})
    cpu_before = cpu.read()
    importing = import_in_background(
        st=st,
        population=Population(reports=args.bulk, seed=args.seed + 2, tag=run_tag()),
        ids=bulk_ids,
        lane=args.import_lane,
    )
    bulk_topic = st.private[topics.REPORTS_BULK if args.import_lane == "bulk" else topics.REPORTS]
    while importing.is_alive() and topic_end(admin, bulk_topic) < min(args.bulk, IMPORT_BATCH):
        time.sleep(0.2)  # the live patterns start once the import is under way
    live = Population(reports=args.idle_reports, seed=args.seed + 3, tag=run_tag())
    planted = planted_alone(st=st, listener=listener, population=live, ids=ids, wait_s=args.wait)
    cpu_after = cpu.read()
    beside = planted.seconds
    linked_bulk = st.private[
        topics.ENTITIES_LINKED_BULK if args.import_lane == "bulk" else topics.ENTITIES_LINKED
    ]
    print(
        f"when the live alerts had come (or --wait ran out): {topic_end(admin, bulk_topic):,} "
        f"reports on the import's topic, {topic_end(admin, linked_bulk):,} announced linked, "
        f"about {group_lag(admin, st.env['ALERTS_APP_ID'], linked_bulk):,} not yet through "
        "detection"
    )
    print(
        describe(
            f"planted patterns, live, while {args.bulk:,} reports import on the "
            f"{args.import_lane} lane",
            beside,
        )
    )
    print(planted.stages(linked))
    print("\n".join(shares(cpu_before, cpu_after)))
    for alert in planted.missing[:10]:
        print(f"  never seen within {args.wait:.0f}s: {alert.type} on {alert.anchor}")
    if base and beside:
        for q in (50, 99):
            ratio = percentile(beside, q) / percentile(base, q)
            print(f"p{q} live beside the import / p{q} alone: {ratio:.2f}")
    if args.import_lane == "bulk":
        measured(
            "live_beside_import",
            percentile(beside, 99),
            baseline=f"p99 {percentile(base, 99):.2f} s alone",
            at={"imported reports": args.bulk},
        )
    importing.join()
    ids += bulk_ids


def load_background(driver: Driver, population: Population, *, database: str) -> None:
    """Bulk-write a connected population's reports (no detection: history), so the services
    meet a graph whose counts the load barely moves. On a graph the run grows from nearly
    empty, Neo4j plans each statement again as its counts change (bench/RESULTS.md, "Detection's
    statements, the outbox, and a graph that already holds reports")."""
    written, seconds = bulk.load(
        driver, bulk.graphs_of(population), database=database, batch=BACKGROUND_BATCH
    )
    print(
        f"background: {written:,} reports bulk-loaded in {seconds:.0f}s before the services start"
    )


def through_detection(
    *, st: PrivateStack, settings: InfraSettings, linked_before: int, accepted: int, until: float
) -> bool:
    """Wait until every accepted report is linked and every linked event is through detection
    (or until `until`, monotonic); whether it got there."""
    admin = admin_access(settings)
    while time.monotonic() < until:
        linked = topic_end(admin, st.topics["linked"]) - linked_before
        if (
            linked >= accepted
            and group_lag(admin, st.env["ALERTS_APP_ID"], st.topics["linked"]) == 0
        ):
            return True
        time.sleep(0.5)
    return False


def describe(name: str, seconds: list[float]) -> str:
    """p50/p95/p99 of the latencies, in seconds."""
    return (
        f"{name}: {len(seconds)} alerts, p50 {percentile(seconds, 50):.2f}s, "
        f"p95 {percentile(seconds, 95):.2f}s, p99 {percentile(seconds, 99):.2f}s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50.0, help="reports a second (issue: 200)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--idle-reports", type=int, default=400, help="population of the baseline")
    parser.add_argument("--wait", type=float, default=180.0, help="seconds to wait for alerts")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="sets of planted patterns sent through the new services before the baseline",
    )
    parser.add_argument(
        "--profile", action="store_true", help="sample the three services with py-spy"
    )
    parser.add_argument(
        "--background",
        type=int,
        default=0,
        help="reports bulk-loaded first, as a deployed graph holds them (removed at the end)",
    )
    parser.add_argument(
        "--bulk",
        type=int,
        default=0,
        help="also measure live alerts while this many reports import on the bulk lane",
    )
    parser.add_argument(
        "--import-lane",
        choices=("bulk", "live"),
        default="bulk",
        help="the lane the --bulk import takes; `live` shows what one lane would cost",
    )
    args = parser.parse_args()
    settings = InfraSettings()
    idle = Population(reports=args.idle_reports, seed=args.seed, tag=run_tag())
    loaded = Population(reports=int(args.rate * args.duration), seed=args.seed + 1, tag=run_tag())
    ids: list[str] = []
    driver = neo4j_driver(settings)
    background = Population(reports=args.background, seed=args.seed + 5, tag=run_tag())
    try:
        if args.background:
            load_background(driver, background, database=settings.neo4j_database)
        with (
            tempfile.TemporaryDirectory(prefix="tessera-bench-latency-") as tmp,
            PrivateStack(settings=settings, workdir=Path(tmp), services=SERVICES) as st,
        ):
            url = f"{st.ingest_url}/v1/reports"
            listener = AlertListener(access=admin_access(settings), topic=st.topics["alerts"])
            announced = LinkedListener(access=admin_access(settings), topic=st.topics["linked"])
            try:
                for rnd in range(args.warmup + 1):
                    population = (
                        idle
                        if rnd == args.warmup
                        else Population(
                            reports=args.idle_reports, seed=args.seed + 10 + rnd, tag=run_tag()
                        )
                    )
                    planted = planted_alone(
                        st=st, listener=listener, population=population, ids=ids, wait_s=args.wait
                    )
                    base, base_missing = planted.seconds, planted.missing
                    name = (
                        "baseline, planted patterns alone"
                        if rnd == args.warmup
                        else (
                            f"warm-up {rnd + 1} of {args.warmup} after the services' start, "
                            "planted patterns alone (not the baseline)"
                        )
                    )
                    print(describe(name, base))
                    print(planted.stages(announced))
                if args.bulk:
                    live_beside_bulk(
                        st=st,
                        settings=settings,
                        listener=listener,
                        linked=announced,
                        args=args,
                        base=base,
                        ids=ids,
                    )
                if args.duration <= 0:
                    return

                reports = list(loaded.reports())
                profilers = [
                    Profiler(st.pid(name), Path(tmp) / f"{name}.raw", enabled=args.profile)
                    for name in SERVICES
                ]
                for profiler in profilers:
                    profiler.__enter__()
                linked_before = topic_end(admin_access(settings), st.topics["linked"])
                cpu = meter(this="load generator", **{name: st.pid(name) for name in SERVICES})
                cpu_before = cpu.read()
                load_began = time.monotonic()
                try:
                    done, achieved = asyncio.run(
                        submit(
                            url=url,
                            headers=st.submitter_headers,
                            reports=reports,
                            rate=args.rate,
                            clients=args.clients,
                        )
                    )
                    ids += done.ids.values()
                    linked = topic_end(admin_access(settings), st.topics["linked"])
                    behind = len(done.ids) - (linked - linked_before)
                    undetected = group_lag(
                        admin_access(settings),
                        st.env["ALERTS_APP_ID"],
                        st.topics["linked"],
                    )
                    print(
                        f"load: {len(reports)} reports at {achieved:,.0f}/s "
                        f"(target {args.rate:,.0f}/s, {done.refused} refused); when it ended, "
                        f"{behind} were not yet linked and {undetected} linked ones not yet "
                        "through detection"
                    )
                    under_load, missing = latencies(
                        listener=listener,
                        expected=loaded.expected_alerts(),
                        submitted=done,
                        wait_s=args.wait,
                    )
                    drained = through_detection(
                        st=st,
                        settings=settings,
                        linked_before=linked_before,
                        accepted=len(done.ids),
                        until=load_began + args.duration + args.wait,
                    )
                    cpu_after = cpu.read()
                finally:
                    for profiler in profilers:
                        profiler.__exit__(None, None, None)
                print(describe(f"under {args.rate:,.0f} reports/s", under_load))
                for alert in (base_missing + missing)[:10]:
                    print(f"  never seen within {args.wait:.0f}s: {alert.type} on {alert.anchor}")
                if base and under_load:
                    ratio = percentile(under_load, 99) / percentile(base, 99)
                    print(f"p99 under load / p99 alone: {ratio:.2f}")
                measured(
                    "end_to_end",
                    percentile(under_load, 99),
                    baseline=f"p99 {percentile(base, 99):.2f} s alone",
                    at={"reports/s": achieved, "seconds": args.duration},
                )
                print("from the load's start until every report was through detection:")
                print("\n".join(budget(cpu_before, cpu_after, items=len(done.ids), rate=args.rate)))
                if not drained:
                    print("  (--wait ran out before every report was through detection)")
                if args.profile:
                    for name, profiler in zip(SERVICES, profilers, strict=True):
                        print(f"  {name}:")
                        print("\n".join("    " + line for line in profiler.summary()))
            finally:
                listener.close()
                announced.close()
    finally:
        removed = delete_reports(driver, ids, database=settings.neo4j_database)
        if args.background:
            removed += delete_reports(
                driver, bulk.population_report_ids(background), database=settings.neo4j_database
            )
        print(f"removed {removed} reports and their entities")
        driver.close()


if __name__ == "__main__":
    main()
