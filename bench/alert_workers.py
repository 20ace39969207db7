"""Alert worker throughput, one worker against two in one consumer group (issue 17).

A network worker links the population's reports from a private topic into Neo4j with no alert
worker running, so every `entities.linked` event waits on the private linked topic. Then rounds:
K alert worker processes in one consumer group (one app id; the group is deleted before each
round, so it has committed nothing) read every linked event from the start, and a round lasts
from their start until the group's lag on the linked topic is 0 (the workers commit an event only
once the detectors examined it). Before each round the alerts the last one saved are deleted, so
every round raises them again. Rounds: one worker as detection was before batched reads (each
entity's reads statements of their own, four entities at a time, 100 events a batch), then one
worker, two workers, one worker again, so a drift of the machine shows. Two ratios, each against
a baseline measured in the same run on the same graph: one worker now against one as before, and
two workers against the mean of the one-worker rounds; each from the workers' start, and once
they were running (from the first commit of the group: start-up, a few seconds, left out). A
worker takes up to ALERTS_BATCH_SIZE (2,000) events a batch, so with few more reports than that
a round may commit once, and then has no rate once running (`--reports 10000` gives several).

    .venv/bin/python -m bench.alert_workers --reports 2000
"""

import argparse
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kafka import KafkaAdminClient, KafkaProducer
from kafka.errors import KafkaError
from rich.progress import Progress

from bench.cpu import process_seconds
from bench.harness import neo4j_driver
from bench.targets import measured
from common.settings import InfraSettings
from tessera_cli.kafka_principals import admin_access
from tessera_cli.local_infra import KAFKA, NEO4J
from tessera_cli.topics import group_lag, topic_end
from tests.support import queries
from tests.support.cleanup import delete_reports
from tests.support.population import Population, run_tag
from tests.support.stack import PrivateStack

POLL_S = 0.5
FORGET_TIMEOUT_S = 120.0  # a stopped member leaves its group within the session timeout


def _publish(stack: PrivateStack, population: Population) -> list[str]:
    """Every report of the population onto the run's reports topic, keyed by report."""
    access = admin_access(stack.settings)
    producer = KafkaProducer(**access.client_options(), acks="all", linger_ms=20)
    ids: list[str] = []
    for report in population.reports():
        event = population.submitted(report)
        producer.send(
            stack.topics["reports"],
            key=str(event.event_id).encode(),
            value=event.model_dump_json().encode(),
        )
        ids.append(str(event.event_id))
    producer.flush()
    producer.close()
    return ids


@dataclass(frozen=True)
class Drained:
    """How a group worked through a topic: seconds in all, and from the first commit seen."""

    seconds: float
    first_commit_s: float  # when the first handled events were seen committed
    after_first: int  # events handled after that

    @property
    def running_rate(self) -> float | None:
        """Events a second once the workers were running (their start-up left out); None when
        nothing was committed after the first commit (one batch held every event)."""
        if self.after_first == 0:
            return None
        return self.after_first / max(self.seconds - self.first_commit_s, 1e-9)


def _drain(stack: PrivateStack, group: str, topic: str, *, total: int, label: str) -> Drained:
    """How long until the group has handled every message of the topic, with a progress bar."""
    access = admin_access(stack.settings)
    began = time.monotonic()
    first: tuple[float, int] | None = None
    with Progress(transient=True) as progress:
        task = progress.add_task(label, total=total)
        while (lag := group_lag(access, group, topic)) > 0:
            if first is None and lag < total:
                first = (time.monotonic() - began, lag)
            progress.update(task, completed=total - lag)
            time.sleep(POLL_S)
    seconds = time.monotonic() - began
    first_s, left = first or (seconds, 0)
    return Drained(seconds=seconds, first_commit_s=first_s, after_first=left)


def _forget_group(stack: PrivateStack, group: str, *, events: int) -> None:
    """Delete the consumer group once its last round's workers have left it, so the next
    round starts from the first linked event; wait until it has committed nothing."""
    access = admin_access(stack.settings)
    deadline = time.monotonic() + FORGET_TIMEOUT_S
    while group_lag(access, group, stack.topics["linked"]) < events:
        if time.monotonic() > deadline:
            raise SystemExit(f"the consumer group {group} could not be deleted")
        admin = KafkaAdminClient(**access.client_options())
        try:
            admin.delete_groups([group])
        except KafkaError:  # members still leaving: try again
            pass
        finally:
            admin.close()
        time.sleep(1)


def _cpu_s(pid: int | None) -> float:
    """Seconds of CPU a process has used (user and system); 0 when it is gone."""
    seconds = None if pid is None else process_seconds(pid)
    return seconds or 0.0


# The alert worker's settings as detection was before issue 17's batched reads (and batches of
# at most 100 events).
AS_BEFORE = {
    "ALERTS_READ_TOGETHER": "false",
    "ALERTS_DETECTION_CONCURRENCY": "4",
    "ALERTS_BATCH_SIZE": "100",
}
ROUNDS: tuple[tuple[int, dict[str, str]], ...] = ((1, AS_BEFORE), (1, {}), (2, {}), (1, {}))


@dataclass(frozen=True)
class Rates:
    """A round's events a second: from the workers' start, and once they were running."""

    whole: float
    running: float | None  # None: one commit, so no rate once running


def _round(
    stack: PrivateStack, number: int, workers: int, *, events: int, env: dict[str, str]
) -> Rates:
    """Start `workers` alert workers (with `env`) in the run's group, which has committed
    nothing; events a second until they examined every event."""
    group = stack.groups["alerts"]
    _forget_group(stack, group, events=events)
    names = [f"alerts-r{number}-{i}" for i in range(workers)]
    servers = {server.name: server.process.pid() for server in (NEO4J, KAFKA)}
    before = {name: _cpu_s(pid) for name, pid in servers.items()}
    began = time.monotonic()
    for name in names:
        stack.start_service("alerts-worker", instance=name, wait=False, env=env)
    drained = _drain(
        stack,
        group,
        stack.topics["linked"],
        total=events,
        label=f"round {number}: {workers} alert worker{'s' if workers > 1 else ''}"
        + (" (as before)" if env else ""),
    )
    elapsed = time.monotonic() - began
    used = {name: _cpu_s(pid) - before[name] for name, pid in servers.items()}
    used["alert workers"] = sum(_cpu_s(stack.running[name].process.pid) for name in names)
    for name in names:
        stack.running[name].process.terminate()
    for name in names:
        stack.running[name].process.wait(timeout=60)
    print(
        f"  round {number}: {workers} worker(s){' as before' if env else ''}: "
        f"{events:,} linked events in {elapsed:.1f} s "
        f"({events / elapsed:.1f} a second; {drained.seconds:.1f} s after the first start); "
        f"once running (from the first commit, {drained.first_commit_s:.1f} s in): "
        + (
            f"{drained.running_rate:.1f} a second"
            if drained.running_rate is not None
            else "none (one commit: a batch held every event)"
        )
    )
    cores = os.cpu_count() or 1
    print(
        "    CPU seconds used meanwhile: "
        + ", ".join(f"{name} {seconds:.0f}" for name, seconds in used.items())
        + f" (of {cores} cores x {elapsed:.0f} s = {cores * elapsed:.0f})"
    )
    return Rates(whole=events / elapsed, running=drained.running_rate)


def _ratios(rates: list[tuple[int, bool, Rates]], measure: str) -> None:
    """Print one worker now against as before, and two against one, by one measure."""

    def pick(r: Rates) -> float | None:
        return r.whole if measure == "whole" else r.running

    how = "from the start" if measure == "whole" else "once running"
    before = next(pick(rate) for _, as_before, rate in rates if as_before)
    ones = [pick(rate) for workers, as_before, rate in rates if workers == 1 and not as_before]
    one = [r for r in ones if r is not None]
    two = [r for r in (pick(rate) for workers, _, rate in rates if workers == 2) if r is not None]
    if before is None or not one or not two:
        print(f"ratios {how}: none (a round committed once; more reports give several batches)")
        return
    baseline = sum(one) / len(one)
    print(
        f"one alert worker now / as before ({how}): {baseline / before:.2f} "
        f"({baseline:.1f} events a second against {before:.1f})"
    )
    measured(
        "two_alert_workers",
        two[0] / baseline,
        baseline=f"one worker {baseline:.1f} events/s {how}",
    )
    print(
        f"two alert workers / one ({how}): {two[0] / baseline:.2f} "
        f"(two: {two[0]:.1f} events a second; one: {baseline:.1f}, the mean of "
        f"{', '.join(f'{r:.1f}' for r in one)})"
    )


def main() -> None:
    """Link the population once, then time the alert rounds and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    settings = InfraSettings()
    driver = neo4j_driver(settings)
    population = Population(reports=args.reports, seed=args.seed, tag=run_tag(), connected=True)
    ids: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        stack = PrivateStack(settings=settings, workdir=Path(scratch), services=())
        try:
            stack.start()
            stack.start_service("network-worker")
            ids = _publish(stack, population)
            linked = _drain(
                stack,
                stack.groups["network"],
                stack.topics["reports"],
                total=len(ids),
                label="linking",
            ).seconds
            events = topic_end(admin_access(settings), stack.topics["linked"])
            print(
                f"{len(ids):,} reports (connected population, seed {args.seed}) linked in "
                f"{linked:.1f} s; {events:,} linked events wait for the alert workers"
            )
            rates: list[tuple[int, bool, Rates]] = []
            for number, (workers, env) in enumerate(ROUNDS, start=1):
                driver.execute_query(
                    queries.DELETE_ALERTS_CITING, report_ids=ids, database_=settings.neo4j_database
                )
                rate = _round(stack, number, workers, events=events, env=env)
                rates.append((workers, bool(env), rate))
            _ratios(rates, "whole")
            _ratios(rates, "running")
        finally:
            stack.stop()
            removed = delete_reports(driver, ids, database=settings.neo4j_database)
            print(f"removed {removed:,} reports and the alerts citing them")
            driver.close()


if __name__ == "__main__":
    main()
