"""Person resolution cost per mention with 10 thousand against 1 million people in the graph.

Issue 15's speed target: resolution at most 1 ms a mention with a million people in the graph.
What is timed is what the network worker does to resolve a batch's person mentions (the
resolution steps of `services/network/linking/reports.py` `link_reports`): the blocking keys of the
batch's mentions, one read of each mention's best-ranked candidates among those sharing a rare one
(`TransactionGraph.people_sharing`:
CLAIM_MATCH_KEYS, PEOPLE_SHARING_KEYS and, when there are open candidates,
PEOPLE_BY_IDS, in the worker's own adapter and the async driver), the `PersonPool`, then for
each mention (a report of one person) `resolve_persons` and `learn_and_rescore`. Left out:
parsing the report into facts, building its rows, writing them and the commit (bench.linking
and bench.growth time those). Each batch runs in a write transaction that is rolled back, so a
probe writes nothing (CLAIM_MATCH_KEYS does write: its keys and locks go with the rollback).
Three ways, as the worker may get them: one report a transaction, and batches of 100 and 500.

The people are bench/resolution_quality.py's synthetic population (given names from the
`nicknames` table and surnames of nonsense syllables, both long-tailed, with twins, siblings
and namesakes, dates of birth of 10- to 17-year-olds, home addresses and postcodes), each
stored from one record corrupted by that file's model, so blocking keys are shared as in real
data. Each person is written as the worker writes a new person: one screening report by the
bench user about them, through the service's own rows (`build_report_graph`) and statements
(`report_writes`: MERGE_PERSONS with its HAS_KEY match keys), bulk-loaded as bench/bulk.py
does, without resolution. Person ids are keyed with a key of the run, so no run meets another's
people. The probes are fresh corrupted records of people in the small graph (so they find
their person), and a share of people in neither graph: the same probes at both sizes, so the
ratio says what the size of the graph alone costs. The baseline is the small graph, measured
in the same run. Every report the run wrote, and the people and keys only they used, is
deleted at the end, even on failure (`python -m bench.cleanup` after a killed run).

A mention's cost in a batch is the batch's read and pool shared equally among its mentions,
plus the mention's own resolution. A cProfile pass (not timed) over the one-report mode at the
large size says where a mention's time goes.

    .venv/bin/python -m bench.resolution_speed                     # 10,000 and 100,000 people
    .venv/bin/python -m bench.resolution_speed --people 1000000    # the issue's size
"""

import argparse
import asyncio
import cProfile
import hashlib
import os
import pstats
import random
import statistics
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from typing import TypeVar

from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction, Driver

from bench import bulk, queries
from bench.harness import neo4j_driver, neo4j_memory, percentile
from bench.resolution_quality import TODAY, Truth, population, record_of
from common.logs import quiet_neo4j_notifications
from common.settings import InfraSettings
from schemas.events import ScreeningCompleted
from schemas.grading import Grading, HandlingCode, HandlingConditions
from schemas.grading import IntelligenceAssessment as Assessment
from schemas.grading import SourceEvaluation as Source
from schemas.reports import ReportCreate, ReportSubmitted
from services.network.identities import new_person_id, own_person_id
from services.network.linking.graph import TransactionGraph
from services.network.linking.ports import ReportGraph
from services.network.linking.reports import (
    build_report_graph,
    learn_and_rescore,
    resolve_persons,
)
from services.network.matching import (  # noqa: E402
    MAX_CANDIDATES,
    MAX_KEY_SHARING,
    PersonFacts,
    blocking_keys,
)
from services.network.pool import PeopleSharing, PersonPool
from tessera_cli.resolution_evaluation import LabelledRecord, facts_for
from tests.support.cleanup import delete_reports
from tests.support.population import BENCH_USER, NAMESPACE, run_tag

T = TypeVar("T")
AGENCY = "Synthetic Police"
GRADING = Grading(
    source=Source.RELIABLE,
    intelligence=Assessment.KNOWN_DIRECTLY,
    handling=HandlingCode.C,
    conditions=HandlingConditions(agencies=[AGENCY]),
)
OBSERVED = datetime.combine(TODAY, day_time(12), tzinfo=UTC)
TARGET_MS = 1.0  # issue 15: at most 1 ms a mention with a million people in the graph
WARM_UP = 50  # probes resolved (and not counted) before each measurement
# Where a profiled mention's time goes: the first group a function's file or name matches.
PROFILE_GROUPS = (
    ("Neo4j I/O: socket sends, epoll waits", ("epoll", "socket", "selectors.py")),
    ("neo4j driver (Python)", ("neo4j/",)),
    ("asyncio event loop", ("asyncio/",)),
    ("matching: scores (services/network/matching.py)", ("network/matching.py",)),
    ("matching: jellyfish, rapidfuzz", ("jellyfish", "rapidfuzz")),
    ("pool (services/network/pool.py)", ("network/pool.py",)),
    (
        "rescoring, linking, graph adapter",
        ("linking/rescoring.py", "linking/reports.py", "linking/graph.py"),
    ),
    ("model, names", ("resolution_model.py", "identifiers/names.py")),
)
PROFILED_CALLS = (
    ("people_sharing (Neo4j reads)", "graph.py", "people_sharing"),
    ("PersonPool", "pool.py", "__init__"),
    ("resolve_persons", "linking/reports.py", "resolve_persons"),
    ("learn_and_rescore", "linking/reports.py", "learn_and_rescore"),
    ("blocking_keys", "matching.py", "blocking_keys"),
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A probe: what its report says of one person, and the id they get if they are new."""

    facts: PersonFacts
    new_id: str
    own_id: str  # the id they get if their name's id is someone else's
    known: bool  # a person the graph has
    true_id: str | None = None  # when known: the id the graph stored them under


@dataclass
class Costs:
    """Seconds spent on one mode's mentions, and what they found."""

    per_mention: list[float] = field(default_factory=list)  # read share + own resolution
    read: float = 0.0  # people_sharing, all batches
    python: float = 0.0  # keys, pool, resolve_persons, learn_and_rescore, all batches
    transaction: float = 0.0  # from opening the session to the rollback, all batches
    people_read: int = 0  # people people_sharing returned, all batches
    common_keys: int = 0  # keys too many people share, all batches
    batches: int = 0
    matched: int = 0  # mentions resolved to someone already known
    known: int = 0  # mentions of a person the graph has
    right: int = 0  # mentions of a known person resolved to them
    wrong: int = 0  # mentions of a known person resolved to someone else: a false merge
    new_merged: int = 0  # mentions of a new person resolved to someone already there
    candidates: int = 0  # candidates put to analysts

    @property
    def mentions(self) -> int:
        """How many mentions were resolved."""
        return len(self.per_mention)


def mention_costs(*, shared: float, own: Sequence[float]) -> list[float]:
    """Each mention's cost in a batch: the batch's shared cost (its read and pool) in equal
    parts, plus what resolving the mention itself took."""
    if not own:
        return []
    part = shared / len(own)
    return [part + x for x in own]


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """The items in consecutive chunks of `size` (the last may be shorter)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def id_key(tag: str) -> bytes:
    """The run's key for person ids: the service's id scheme, kept apart from every other run
    and from the installation's people."""
    return hashlib.sha256(f"bench.resolution_speed:{tag}".encode()).digest()


def screened_on(born: date | None) -> date:
    """A day the screening tool may be used for the child (under 18): at most 12 years old."""
    if born is None:
        return TODAY
    return min(TODAY, born + timedelta(days=12 * 365))


def stored_report(record: LabelledRecord, *, tag: str, index: int) -> ReportSubmitted:
    """One record as the screening report that puts the person in the graph."""
    child = record.person()
    return ReportSubmitted(
        event_id=stored_report_id(tag, index),
        occurred_at=OBSERVED,
        source_agency=AGENCY,
        submitted_by=BENCH_USER,
        report=ReportCreate(
            observed_at=OBSERVED,
            grading=GRADING,
            event=ScreeningCompleted(
                child=child,
                screened_on=screened_on(child.date_of_birth),
                outcome="no",
                completed_by="Synthetic screener",
            ),
        ),
    )


def stored_report_id(tag: str, index: int) -> uuid.UUID:
    """The id of the report that stores the index-th person."""
    return uuid.uuid5(NAMESPACE, f"{tag}:resolution-speed:person:{index}")


def stored_graphs(
    people: Sequence[Truth], *, start: int, stop: int, tag: str, seed: int
) -> Iterator[ReportGraph]:
    """The service's rows for people start..stop, one report each (the same for every run of
    a seed, whatever is loaded first)."""
    key = id_key(tag)
    for index in range(start, stop):
        rng = random.Random(f"{seed}/stored/{index}")  # noqa: S311 - synthetic data
        record = record_of(rng, people[index], f"s{index}")
        event = stored_report(record, tag=tag, index=index)
        yield build_report_graph(event, id_key=key)


def probes(
    people: Sequence[Truth],
    *,
    known_from: int,
    new_from: int,
    count: int,
    new_share: float,
    tag: str,
    salt: str,
    seed: int,
) -> list[Mention]:
    """Fresh records of people 0..known_from (in the graph) and, for a share, of people from
    new_from on (in no graph), as the mentions the worker would resolve."""
    rng = random.Random(f"{seed}/probes/{salt}")  # noqa: S311 - synthetic data
    key = id_key(tag)
    out = []
    for i in range(count):
        known = rng.random() >= new_share
        index = rng.randrange(known_from) if known else rng.randrange(new_from, len(people))
        truth = people[index]
        record = record_of(rng, truth, f"q{salt}{i}")
        person = record.person()
        report_id = uuid.uuid5(NAMESPACE, f"{tag}:resolution-speed:probe:{salt}:{i}")
        out.append(
            Mention(
                facts=facts_for(person),
                new_id=new_person_id(person, report_id=report_id, index=0, key=key),
                own_id=own_person_id(report_id=report_id, index=0, key=key),
                known=known,
                true_id=stored_id(people, index, tag=tag, seed=seed) if known else None,
            )
        )
    return out


def stored_id(people: Sequence[Truth], index: int, *, tag: str, seed: int) -> str:
    """The id the index-th person was stored under (as `stored_graphs` stores them)."""
    rng = random.Random(f"{seed}/stored/{index}")  # noqa: S311 - synthetic data
    person = record_of(rng, people[index], f"s{index}").person()
    return new_person_id(person, report_id=stored_report_id(tag, index), index=0, key=id_key(tag))


class _RolledBack(Exception):  # noqa: N818 - not an error: how the probe undoes its writes
    """Raised at the end of a probe's transaction function, so the driver rolls it back."""


async def _resolve_batch(
    tx: AsyncManagedTransaction,
    batch: Sequence[Mention],
    costs: Costs,
    profiler: cProfile.Profile | None,
) -> None:
    """`link_reports`' resolution of a batch of one-person reports, timed, then undone."""
    if profiler is not None:
        profiler.enable()
    began = time.perf_counter()
    said = [m.facts for m in batch]
    keys = [mention_keys for facts in said if (mention_keys := blocking_keys(facts))]
    asked = time.perf_counter()
    found = (
        await TransactionGraph(tx).people_sharing(
            keys, max_sharing=MAX_KEY_SHARING, limit=MAX_CANDIDATES
        )
        if keys
        else PeopleSharing(people=[])
    )
    read = time.perf_counter()
    pool = PersonPool.read(found)
    pooled = time.perf_counter()
    own = []
    for mention in batch:
        start = time.perf_counter()
        (resolution,) = resolve_persons(
            facts=[mention.facts], new_ids=[mention.new_id], own_ids=[mention.own_id], pool=pool
        )
        learn_and_rescore(pool, [mention.facts], [resolution])
        own.append(time.perf_counter() - start)
        costs.matched += resolution.matched
        if resolution.matched and mention.known:
            right = resolution.person_id == mention.true_id
            costs.right += right
            costs.wrong += not right
        costs.new_merged += resolution.matched and not mention.known
        costs.known += mention.known
        costs.candidates += len(resolution.possible)
    if profiler is not None:
        profiler.disable()
    costs.per_mention += mention_costs(shared=pooled - began, own=own)
    costs.read += read - asked
    costs.python += (asked - began) + (pooled - read) + sum(own)
    costs.people_read += len(found.people)
    costs.common_keys += len(found.common)
    raise _RolledBack


async def resolve_all(
    driver: AsyncDriver,
    database: str,
    mentions: Sequence[Mention],
    *,
    batch: int,
    profiler: cProfile.Profile | None = None,
) -> Costs:
    """Resolve the mentions `batch` to a transaction, each transaction rolled back; profile
    the timed part of each when given a profiler."""
    costs = Costs()
    for chunk in chunks(mentions, batch):
        began = time.perf_counter()
        async with driver.session(database=database) as session:
            try:
                await session.execute_write(_resolve_batch, chunk, costs, profiler)
            except _RolledBack:
                pass
        costs.transaction += time.perf_counter() - began
        costs.batches += 1
    return costs


async def measure(
    settings: InfraSettings,
    warm: Sequence[Mention],
    mentions: Sequence[Mention],
    batch_sizes: Sequence[int],
    *,
    profiler: cProfile.Profile | None = None,
) -> dict[int, Costs]:
    """A warm-up, then the mentions resolved in each batch size (profiled when asked)."""
    driver = AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )
    try:
        await resolve_all(driver, settings.neo4j_database, warm, batch=1)
        return {
            size: await resolve_all(
                driver, settings.neo4j_database, mentions, batch=size, profiler=profiler
            )
            for size in batch_sizes
        }
    finally:
        await driver.close()


def describe(size: int, costs: Costs) -> list[str]:
    """A mode's figures, per mention, in milliseconds."""
    ms = [x * 1000 for x in costs.per_mention]
    n = costs.mentions
    mode = "one report a transaction" if size == 1 else f"batches of {size}"
    return [
        f"  {mode}: mean {statistics.fmean(ms):.3f} ms a mention (p50 {percentile(ms, 50):.3f}, "
        f"p95 {percentile(ms, 95):.3f}, p99 {percentile(ms, 99):.3f}; {n:,} mentions in "
        f"{costs.batches:,} transactions)",
        f"    Neo4j reads {costs.read * 1000 / n:.3f} ms, Python {costs.python * 1000 / n:.3f} ms "
        f"a mention; whole rolled-back transaction {costs.transaction * 1000 / n:.3f} ms; "
        f"{costs.people_read / costs.batches:,.1f} people read and "
        f"{costs.common_keys / costs.batches:,.1f} keys too common a transaction; "
        f"{costs.matched / n:.0%} matched someone known, "
        f"{costs.candidates / n:.2f} candidates a mention",
        f"    of the {costs.known:,} mentions of people in the graph, {costs.right:,} resolved to "
        "them and "
        f"{costs.wrong:,} to someone else; {costs.new_merged:,} mentions of new people resolved "
        "to someone in the graph",
    ]


def profile_lines(stats: pstats.Stats, mentions: int, *, top: int = 12) -> list[str]:
    """Where the profiled mentions' time went: the main calls, groups of code, leaf functions."""
    raw = stats.stats  # type: ignore[attr-defined]
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    lines = [
        f"  {total * 1000 / mentions:.3f} ms a mention under cProfile ({mentions} mentions); "
        "inclusive time of each step (a coroutine's waits for Neo4j count under the event loop):"
    ]
    for label, file_part, name in PROFILED_CALLS:
        cumulative = sum(
            row[3] for (file, _, func), row in raw.items() if func == name and file_part in file
        )
        lines.append(f"    {cumulative / total:6.1%}  {label}")
    grouped = group_profile(
        {f"{file}:{func}": row[2] for (file, _, func), row in raw.items()}, PROFILE_GROUPS
    )
    lines.append("  own time by group:")
    lines += [f"    {seconds / total:6.1%}  {label}" for label, seconds in grouped]
    leaves = sorted(raw.items(), key=lambda item: -item[1][2])[:top]
    lines.append("  own time by function:")
    lines += [
        f"    {row[2] / total:6.1%}  {func} ({file.rsplit('/', 2)[-1]}:{line})"
        for (file, line, func), row in leaves
    ]
    return lines


def group_profile(
    own: dict[str, float], groups: Sequence[tuple[str, Sequence[str]]]
) -> list[tuple[str, float]]:
    """Own seconds by group, largest first: each function goes to the first group with a
    pattern in its `file:function` name, else to "other"."""
    totals: dict[str, float] = {}
    for name, seconds in own.items():
        label = next((g for g, patterns in groups if any(p in name for p in patterns)), "other")
        totals[label] = totals.get(label, 0.0) + seconds
    return sorted(totals.items(), key=lambda pair: -pair[1])


def profile(settings: InfraSettings, mentions: Sequence[Mention]) -> list[str]:
    """cProfile what is timed of the one-report mode, over the mentions (a pass not timed)."""
    profiler = cProfile.Profile()
    asyncio.run(measure(settings, [], mentions, [1], profiler=profiler))
    return profile_lines(pstats.Stats(profiler), len(mentions))


def graph_lines(driver: Driver, database: str) -> list[str]:
    """What the graph holds (all of it, not only this run's) and Neo4j's memory settings."""
    records, _, _ = driver.execute_query(queries.GRAPH_SIZE, database_=database)
    size = records[0]
    memory = neo4j_memory(driver, database=database)
    return [
        f"  the graph: {size['people']:,} people, {size['keys']:,} match keys, "
        f"{size['reports']:,} reports (other data included); Neo4j: {memory}"
    ]


def load(
    driver: Driver,
    people: Sequence[Truth],
    *,
    start: int,
    stop: int,
    tag: str,
    seed: int,
    database: str,
    batch: int,
) -> float:
    """Store people start..stop; print how long it took."""

    def progress(written: int, seconds: float) -> None:
        if written % 50_000 < batch:
            print(f"  {bulk.stamp()} {start + written:,} people in the graph "
                  f"({written / seconds:,.0f}/s)", flush=True)  # fmt: skip

    written, seconds = bulk.load(
        driver,
        stored_graphs(people, start=start, stop=stop, tag=tag, seed=seed),
        database=database,
        batch=batch,
        progress=progress,
    )
    print(
        f"loaded people {start:,} to {stop:,}: {written:,} reports, one person each, in "
        f"{seconds:.1f}s ({written / max(seconds, 1e-9):,.0f}/s)"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000, help="the issue asks 1,000,000")
    parser.add_argument("--small", type=int, default=10_000, help="people in the baseline graph")
    parser.add_argument("--probes", type=int, default=1000, help="mentions measured each way")
    parser.add_argument("--new-share", type=float, default=0.1, help="probes of new people")
    parser.add_argument("--batch-sizes", default="1,100,500", help="mentions a transaction")
    parser.add_argument("--load-batch", type=int, default=2000, help="people a load transaction")
    parser.add_argument("--profile-probes", type=int, default=200, help="0: no profile")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not 0 < args.small < args.people:
        parser.error("--small must be above 0 and below --people")
    quiet_neo4j_notifications()
    sizes = [int(x) for x in args.batch_sizes.split(",")]
    settings = InfraSettings()
    database = settings.neo4j_database
    tag = run_tag()
    began = time.perf_counter()
    fresh = max(100, args.probes)  # people in neither graph, for new-person probes
    people = population(args.people + fresh, random.Random(args.seed))  # noqa: S311

    def plan(count: int, salt: str) -> list[Mention]:
        return probes(
            people,
            known_from=args.small,
            new_from=args.people,
            count=count,
            new_share=args.new_share,
            tag=tag,
            salt=salt,
            seed=args.seed,
        )

    mentions = plan(args.probes, "m")
    print(
        f"run {tag}: {args.people + fresh:,} synthetic people generated, {len(mentions):,} probe "
        f"mentions ({sum(not m.known for m in mentions)} of new people) in "
        f"{time.perf_counter() - began:.0f}s; batch sizes {args.batch_sizes}"
    )
    driver = neo4j_driver(settings)
    results: dict[int, dict[int, Costs]] = {}
    try:
        load(driver, people, start=0, stop=args.small, tag=tag, seed=args.seed,
             database=database, batch=args.load_batch)  # fmt: skip
        for step, stored in enumerate((args.small, args.people)):
            if step:
                load(driver, people, start=args.small, stop=args.people, tag=tag,
                     seed=args.seed, database=database, batch=args.load_batch)  # fmt: skip
            warm = plan(WARM_UP, f"w{step}")
            results[stored] = asyncio.run(measure(settings, warm, mentions, sizes))
            load_average = " ".join(f"{x:.2f}" for x in os.getloadavg())
            print(f"{stored:,} people stored by this run (load average {load_average}):")
            for line in graph_lines(driver, database):
                print(line)
            for size, costs in results[stored].items():
                for line in describe(size, costs):
                    print(line)
        small, large = results[args.small], results[args.people]
        print(f"ratio {args.people:,} / {args.small:,} people (same probes, same run):")
        for size in sizes:
            a, b = small[size].per_mention, large[size].per_mention
            mean = statistics.fmean(b) * 1000
            print(
                f"  {'one report a transaction' if size == 1 else f'batches of {size}'}: mean "
                f"{statistics.fmean(b) / statistics.fmean(a):.2f}, p99 "
                f"{percentile(b, 99) / percentile(a, 99):.2f}; target <= {TARGET_MS:g} ms a "
                f"mention at {args.people:,}: {'met' if mean <= TARGET_MS else 'NOT met'} "
                f"({mean:.3f} ms)"
            )
        if args.profile_probes:
            print(f"profile at {args.people:,} people, one report a transaction:")
            for line in profile(settings, mentions[: args.profile_probes]):
                print(line)
    finally:
        began = time.perf_counter()
        removed = delete_reports(
            driver, (stored_report_id(tag, i) for i in range(args.people)), database=database
        )
        print(
            f"removed {removed:,} reports and the people and keys only they used in "
            f"{time.perf_counter() - began:.0f}s"
        )
        driver.close()


if __name__ == "__main__":
    main()
