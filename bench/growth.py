"""Linking plus detection cost per report with 10 thousand against 1 million reports in the graph.

Each probe report is a fresh piece of everyday intelligence about the first district's existing
people and places. It goes through the services' own use cases in this process, as the workers
run them (their garbage collector's settings too): `link_batch` of one report (resolution
against the graph, one write transaction) with the network service's Neo4j adapters, then the
alert worker's detection of a batch that linked it (`examine_and_record`: its entities examined
together, each query's reads of them in one statement, then every candidate recorded together)
with the alert service's adapters. Kafka is left out: its cost does not depend on the graph.

The graph is grown between the two measurements by bulk-loading more districts (bench/bulk.py).
The population is connected (tests/support/population.py): districts share their area's homes,
schools and hotspots, county-wide hotspots, adults and cars, and long-tailed names, so growth
also makes the probed neighbourhoods and name blocks busier, as it would in one county; the
ratio says what growing one connected population costs. `--copies` loads districts of one shape
instead, so the probed neighbourhoods look alike at both sizes and the ratio says what the size
of the graph alone costs. The baseline is the measurement at one district.

    .venv/bin/python -m bench.growth --large 1000000
"""

import argparse
import asyncio
import random
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from neo4j import AsyncDriver, AsyncGraphDatabase

from bench import bulk, queries
from bench.harness import neo4j_driver, percentile
from bench.targets import measured
from common.collector import tune_for_a_worker
from common.keys import person_id_key
from common.logs import quiet_neo4j_notifications
from common.settings import InfraSettings
from schemas.alerts import AlertRaised
from schemas.linking import EntityKind, LinkedEntity
from services.alerts.agents import examine_and_record
from services.alerts.batched_reads import BatchedReads
from services.alerts.config import Settings as AlertSettings
from services.alerts.detection import Context
from services.alerts.evidence import KnownGradings
from services.alerts.ports import Explanation
from services.alerts.shared.catch_up import CatchUp
from services.alerts.shared.full_derivations import FullDerivations
from services.alerts.shared.remembered import Memo, Remembered
from services.alerts.shared_reads import runner
from services.alerts.store import Neo4jAlertStore, SavedVersions, writer
from services.network.linking.graph import link_batch
from tests.support.cleanup import delete_reports
from tests.support.population import DISTRICT_REPORTS, Population, run_tag

WARM_UP = 50


@dataclass
class Costs:
    """Milliseconds per probe report: linking, and detection over what it linked."""

    linking: list[float]
    detection: list[float]
    # ms each detector took, by name, detect's own reads ("(profile)", "(grading)") and each
    # candidate recorded ("(record_alert: saved)", "(record_alert: nothing new)"); a batch's
    # entities are examined together and its candidates recorded together, so these overlap.
    detectors: dict[str, list[float]] = field(default_factory=dict)
    # ms of each catch-up: the places whose full pass a probe left to the bulk lane, worked out
    # in full just after it, as the worker's bulk lane does (not in `detection`).
    catch_up: list[float] = field(default_factory=list)
    caught_up: int = 0  # places worked out so

    @property
    def total(self) -> list[float]:
        """Linking plus detection, per report."""
        return [a + b for a, b in zip(self.linking, self.detection, strict=True)]


class FullPasses(FullDerivations):
    """The worker's record of when each place was last worked out in full, counting the full
    passes made since `made` was last set to 0."""

    def __init__(self, every: timedelta, catch_up: CatchUp) -> None:
        super().__init__(every, catch_up=catch_up)
        self.made = 0

    def done(self, anchor_id: str, now: datetime) -> None:
        self.made += 1
        super().done(anchor_id, now)

    def spread(self, anchor_ids: Iterable[str], now: datetime, rng: random.Random) -> None:
        """As in a worker that has run for a while: each place's last full pass at a time
        spread evenly over the record's last `every`, so that a place falls due during the
        probes as often as it would in the stream (not counted)."""
        for anchor_id in anchor_ids:
            super().done(anchor_id, now - self._every * rng.random())


class Memories(Remembered):
    """The worker's memory of what detectors worked out, counting the full reads made since
    `made` was last set to 0."""

    def __init__(self, every: timedelta, catch_up: CatchUp) -> None:
        super().__init__(every, catch_up=catch_up)
        self.made = 0

    def keep(self, detector: str, anchor_id: str, memo: Memo) -> None:
        before = self._memos.get((detector, anchor_id))
        self.made += before is None or before.full_at != memo.full_at
        super().keep(detector, anchor_id, memo)

    def spread(self, now: datetime, rng: random.Random) -> None:
        """As in a worker that has run for a while: each memo's last full read at a time spread
        evenly over the last `every` (not counted)."""
        for key, memo in list(self._memos.items()):
            self._memos[key] = replace(memo, full_at=now - self._every * rng.random())


class ExplainsCounted(Neo4jAlertStore):
    """The alert service's store, counting the updates it explained and those of them it worked
    out from the alert's last version (the rest it read whole: a county-wide place's is about a
    second at a million reports)."""

    def __init__(self, *, counts: Counter[str], **store: Any) -> None:
        super().__init__(**store)
        self._counts = counts

    async def explain(
        self,
        entity_ids: list[str],
        report_ids: list[str],
        *,
        previous: AlertRaised | None = None,
    ) -> Explanation:
        self._counts["updates"] += previous is not None
        return await super().explain(entity_ids, report_ids, previous=previous)

    async def _changed(
        self, previous: AlertRaised, entity_ids: list[str], report_ids: list[str]
    ) -> Explanation | None:
        changed = await super()._changed(previous, entity_ids, report_ids)
        self._counts["from the last version"] += changed is not None
        return changed


@dataclass
class Kept:
    """What the worker keeps from batch to batch (`services.alerts.agents.WorkerMemory`), with
    how many full passes and whole reads were made: when each place's peer groups were last all
    worked out, what detectors last worked out, the alerts it saved last and the gradings it
    read."""

    full_passes: FullPasses
    memories: Memories
    versions: SavedVersions
    catch_up: CatchUp
    gradings: KnownGradings = field(default_factory=KnownGradings)
    explains: Counter[str] = field(default_factory=Counter)

    def store(self, driver: AsyncDriver, database: str, reads: BatchedReads) -> Neo4jAlertStore:
        """The alert store as the worker has it for a batch: its reads are the batch's
        (`reads`), its saves made together, and it keeps the versions it saved."""
        return ExplainsCounted(
            counts=self.explains,
            driver=driver,
            database=database,
            versions=self.versions,
            reads=reads,
            writes=BatchedReads(writer(driver, database)),
        )

    def context(
        self,
        driver: AsyncDriver,
        database: str,
        alerts: AlertSettings,
        reads: BatchedReads,
        *,
        touched_by: tuple[str, ...],
        timings: dict[str, list[float]] | None = None,
    ) -> Context:
        """A batch's detection context as the worker makes it, with what the worker keeps."""
        return Context(
            driver=driver,
            database=database,
            settings=alerts,
            now=datetime.now(UTC),
            timings=timings,
            reads=reads,
            touched_by=touched_by,
            full_derivations=self.full_passes,
            remembered=self.memories,
            gradings=self.gradings,
        )

    @classmethod
    def new(cls) -> "Kept":
        settings = AlertSettings()
        catch_up = CatchUp(timedelta(seconds=settings.alerts_catch_up_grace_s))
        return cls(
            FullPasses(timedelta(seconds=settings.alerts_peer_group_full_every_s), catch_up),
            Memories(timedelta(seconds=settings.alerts_hotspot_full_every_s), catch_up),
            SavedVersions(keep=settings.alerts_saved_versions_keep),
            catch_up,
        )


def async_driver(settings: InfraSettings) -> AsyncDriver:
    """The async driver the services' use cases take."""
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )


async def probe(
    *,
    settings: InfraSettings,
    population: Population,
    salt: str,
    count: int,
    kept: Kept,
) -> tuple[Costs, list[str]]:
    """Link and detect `count` fresh reports one after another; their costs and ids."""
    alerts = AlertSettings()
    driver = async_driver(settings)
    database = settings.neo4j_database
    costs = Costs([], [])
    ids = []
    try:
        for report in population.probes(district=0, count=count, salt=salt):
            event = population.submitted(report, at=datetime.now(UTC))
            ids.append(str(event.event_id))
            began = time.perf_counter()
            (linked,) = (
                await link_batch(
                    driver=driver,
                    database=database,
                    events=[event],
                    now=datetime.now(UTC),
                    new_id=uuid.uuid4,
                    id_key=person_id_key(settings),
                )
            ).linked
            written = time.perf_counter()
            reads = BatchedReads(runner(driver, database))  # a batch's, as in the worker
            await detect_and_record(
                linked.entities,
                store=kept.store(driver, database, reads),
                ctx=kept.context(
                    driver,
                    database,
                    alerts,
                    reads,
                    touched_by=(str(linked.report_id),),  # as the alert worker gives them
                    timings=costs.detectors,
                ),
            )
            done = time.perf_counter()
            costs.linking.append((written - began) * 1000)
            costs.detection.append((done - written) * 1000)
            await catch_up(driver, database, alerts, kept, costs)
    finally:
        await driver.close()
    return costs, ids


async def catch_up(
    driver: AsyncDriver, database: str, alerts: AlertSettings, kept: Kept, costs: Costs
) -> None:
    """The places whose full passes the last probe left to the bulk lane, each examined for
    them as the worker's bulk lane does just after (`CatchUp.making`), timed apart from the
    probe."""
    with kept.catch_up.making() as places:
        if not places:
            return
        began = time.perf_counter()
        reads = BatchedReads(runner(driver, database))
        await detect_and_record(
            [LinkedEntity(kind=EntityKind.of(place), id=place) for place in places],
            store=kept.store(driver, database, reads),
            # Touched by no report: only the passes due there are made.
            ctx=kept.context(driver, database, alerts, reads, touched_by=()),
        )
    costs.catch_up.append((time.perf_counter() - began) * 1000)
    costs.caught_up += len(places)


async def detect_and_record(
    entities: Iterable[LinkedEntity], *, store: Neo4jAlertStore, ctx: Context
) -> int:
    """Every detector on each entity and each candidate recorded, as the alert worker does for
    a batch that linked them (`examine_and_record`, with the worker's concurrency): how many
    alerts that raised or changed. With `ctx.timings`, each record's time goes there."""
    done = await examine_and_record(
        {(entity.kind, entity.id): ctx.touched_by for entity in entities},
        context=ctx,
        store=store,
        concurrency=ctx.settings.alerts_detection_concurrency,
        cool_down=timedelta(days=ctx.settings.alerts_cool_down_days),
    )
    return len(done.saved)


async def settle(*, settings: InfraSettings, population: Population, kept: Kept) -> None:
    """Raise, untimed, the alerts the worker would have raised while the bulk-loaded reports
    arrived, for everything the first district's reports mention (its people, cars, area places,
    and the county's places, adults and cars it shares): the bulk load runs no detection, so
    otherwise a probe's first pass at a county-wide place would raise a thousand peer groups at
    once, which the stream never does. Each entity is worked out in full, as after a decision;
    then each place's last full pass is spread over the last ten minutes (`FullPasses.spread`,
    `Memories.spread`)."""
    alerts = AlertSettings()
    driver = async_driver(settings)
    database = settings.neo4j_database
    began = time.monotonic()
    try:
        report_ids = list(bulk.population_report_ids(population, stop=1))
        result = await driver.execute_query(
            queries.ENTITIES_MENTIONED, report_ids=report_ids, database_=database
        )
        entities = [LinkedEntity(kind=EntityKind(r["kind"]), id=r["id"]) for r in result.records]
        changes = 0
        for done, entity in enumerate(entities, 1):
            reads = BatchedReads(runner(driver, database))
            ctx = Context(
                driver=driver,
                database=database,
                settings=alerts,
                now=datetime.now(UTC),
                reads=reads,
                remembered=kept.memories,
                gradings=kept.gradings,
            )
            changes += await detect_and_record(
                [entity], store=kept.store(driver, database, reads), ctx=ctx
            )
            if done % 500 == 0:
                print(f"  settling: {done:,} of {len(entities):,} entities", flush=True)
    finally:
        await driver.close()
    rng = random.Random(population.tag)  # noqa: S311 - a bench's spread, not a secret
    now = datetime.now(UTC)
    kept.full_passes.spread((e.id for e in entities if e.kind is EntityKind.LOCATION), now, rng)
    kept.memories.spread(now, rng)
    print(
        f"settled: {changes:,} alerts raised or changed about {len(entities):,} entities the "
        f"first district mentions, in {time.monotonic() - began:.0f}s (untimed)"
    )


def measure(
    settings: InfraSettings, population: Population, salt: str, count: int
) -> tuple[Costs, list[str]]:
    """The loaded reports' alerts settled, a warm-up, then the measured probes, with one record
    of full passes and one memory throughout, as a worker keeps them."""
    kept = Kept.new()
    asyncio.run(settle(settings=settings, population=population, kept=kept))
    _, warm_ids = asyncio.run(
        probe(
            settings=settings,
            population=population,
            salt=f"{salt}-warm",
            count=WARM_UP,
            kept=kept,
        )
    )
    kept.full_passes.made = kept.memories.made = 0
    kept.explains.clear()
    costs, ids = asyncio.run(
        probe(
            settings=settings,
            population=population,
            salt=salt,
            count=count,
            kept=kept,
        )
    )
    print(
        f"  during the {count} probes, places whose peer groups were all worked out: "
        f"{kept.full_passes.made}; hotspots read whole: {kept.memories.made}; alert updates "
        f"{kept.explains['updates']}, explained from the last version "
        f"{kept.explains['from the last version']} (the bulk lane's catch-up included); "
        f"{caught_up(costs)}"
    )
    return costs, warm_ids + ids


def caught_up(costs: Costs) -> str:
    """What the bulk lane's catch-up after the probes cost, in all and shared among them."""
    spent = sum(costs.catch_up)
    return (
        f"the bulk lane caught up {costs.caught_up} places after {len(costs.catch_up)} probes in "
        f"{spent:,.0f} ms ({spent / len(costs.total):.1f} ms a probe, not in the figures below)"
    )


def describe(label: str, costs: Costs) -> str:
    """Mean and p50/p99 per report."""
    parts = []
    for name, values in (
        ("linking", costs.linking),
        ("detection", costs.detection),
        ("total", costs.total),
    ):
        parts.append(
            f"{name} mean {statistics.fmean(values):.1f} ms "
            f"(p50 {percentile(values, 50):.1f}, p99 {percentile(values, 99):.1f})"
        )
    return f"{label}: " + "; ".join(parts)


def profile_detectors(small: Costs, large: Costs) -> str:
    """Each detector's runs, mean and p99 ms at both sizes, and its share of all detector time
    at the large size, costliest first."""
    total = sum(sum(v) for v in large.detectors.values()) or 1.0
    lines = [
        "detection by detector (ms a run; runs overlap, so shares are of summed detector time):",
        f"  {'detector':32} {'runs':>6} {'small mean':>10} {'p99':>7} {'large mean':>10} "
        f"{'p99':>7} {'ratio':>6} {'share':>6}",
    ]
    for name, times in sorted(large.detectors.items(), key=lambda item: -sum(item[1])):
        before = small.detectors.get(name) or [float("nan")]
        lines.append(
            f"  {name:32} {len(times):>6} {statistics.fmean(before):>10.1f} "
            f"{percentile(before, 99):>7.1f} {statistics.fmean(times):>10.1f} "
            f"{percentile(times, 99):>7.1f} "
            f"{statistics.fmean(times) / statistics.fmean(before):>6.2f} "
            f"{sum(times) / total:>6.1%}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--large", "--reports", type=int, default=100_000, help="the issue asks 1,000,000"
    )
    parser.add_argument("--district", type=int, default=DISTRICT_REPORTS, help="the small graph")
    parser.add_argument("--probes", type=int, default=200, help="reports measured at each size")
    parser.add_argument("--batch", type=int, default=2000, help="reports per load transaction")
    parser.add_argument(
        "--copies",
        action="store_true",
        help="districts as copies of one shape (the earlier population), not one connected one",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--warm-rounds",
        type=int,
        default=2,
        help="unmeasured rounds at the small size before its baseline (Neo4j warms up)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="leave the population in the graph (to profile it; `python -m bench.cleanup` "
        "removes every bench report)",
    )
    args = parser.parse_args()
    tune_for_a_worker()  # the collector as the alert worker runs it, over the memory it keeps
    quiet_neo4j_notifications()
    settings = InfraSettings()
    database = settings.neo4j_database
    population = Population(
        reports=args.large,
        seed=args.seed,
        tag=run_tag(),
        district_reports=args.district,
        connected=not args.copies,
    )
    print(
        f"population tag {population.tag}: {args.large:,} reports in "
        f"{population.districts} districts of {args.district:,}, "
        f"{'copies of one shape' if args.copies else 'connected'}"
    )
    driver = neo4j_driver(settings)
    probe_ids: list[str] = []
    try:
        written = baseline = bulk.load_baseline(
            driver, population, database=database, batch=args.batch
        )
        # Neo4j has just started (and linking's statements were never planned): the first
        # round at 10,000 cost 100.5 ms a report, the next two 82.3 and 74.8 (RESULTS.md,
        # thirty-third session). Rounds before the baseline, unmeasured, so it is a warm one.
        for round_ in range(args.warm_rounds):
            warm, ids = measure(settings, population, f"small-warm{round_}", args.probes)
            probe_ids += ids
            print(describe(f"warm-up round {round_ + 1} (not the baseline)", warm))
        small, ids = measure(settings, population, "small", args.probes)
        probe_ids += ids
        print(describe(f"baseline, {written:,} reports in the graph", small))
        written += bulk.load_the_rest(driver, population, database=database, batch=args.batch)
        large, ids = measure(settings, population, "large", args.probes)
        probe_ids += ids
        print(describe(f"{written:,} reports in the graph", large))
        for name in ("linking", "detection", "total"):
            ratio = statistics.fmean(getattr(large, name)) / statistics.fmean(getattr(small, name))
            print(f"growth ratio of mean {name} cost per report: {ratio:.2f}")
        # The catch-up's share of a probe hangs on how many probes a full pass's period holds,
        # so on the probes' rate (one at a time here), not on the reports alone: apart.
        with_catch_up = (sum(large.total) + sum(large.catch_up)) / (
            sum(small.total) + sum(small.catch_up)
        )
        print(
            f"growth ratio with the bulk lane's catch-up shared among the probes: "
            f"{with_catch_up:.2f}"
        )
        measured(
            "growth",
            statistics.fmean(large.total) / statistics.fmean(small.total),
            baseline=f"{statistics.fmean(small.total):.1f} ms a report at {baseline:,} reports",
            at={"reports": written},
        )
        print(profile_detectors(small, large))
    finally:
        if args.keep:
            print(f"kept population {population.tag} and its probes in the graph")
        else:
            began = time.monotonic()
            removed = delete_reports(driver, probe_ids, database=database)
            removed += delete_reports(
                driver, bulk.population_report_ids(population), database=database
            )
            print(
                f"removed {removed:,} reports and their entities in {time.monotonic() - began:.0f}s"
            )
        driver.close()


if __name__ == "__main__":
    main()
