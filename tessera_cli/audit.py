"""`tessera audit verify`: read the whole audit topic, check every writer's hash chain and the
Neo4j copy against it, and name each entry that was changed, removed or added."""

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from neo4j import GraphDatabase
from neo4j.exceptions import Neo4jError
from neo4j.exceptions import ServiceUnavailable as Neo4jUnavailable
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from common.adapters.audit.neo4j_copy import count_unchained, read_copies
from common.audit.verification import AuditVerifier, TopicRecord, Verdict
from common.kafka_access import KafkaAccess, KafkaCredentialsMissing
from schemas import topics
from tessera_cli import kafka_principals
from tessera_cli.settings import cli_settings

POLL_MS = 1000
STALL_S = 60.0  # no record for this long while some are still due: Kafka is not answering

audit_app = typer.Typer(
    help="The audit of every read of personal data: check it for tampering.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)


class TopicUnreadable(Exception):
    """The audit topic does not exist, or Kafka stopped answering while it was read."""


def read_topic(
    access: KafkaAccess,
    topic: str,
    *,
    verifier: AuditVerifier,
    on_total: Callable[[int], object],
    on_progress: Callable[[int], object],
) -> Iterator[TopicRecord]:
    """Every record of the topic up to its end when the reading began, in offset order per
    partition (a chain is on one partition, so in order)."""
    consumer = KafkaConsumer(
        **access.client_options(),
        group_id=None,
        enable_auto_commit=False,
        client_id="tessera-audit-verify",
    )
    try:
        known = consumer.partitions_for_topic(topic)
        if not known:
            raise TopicUnreadable(f"topic {topic} does not exist")
        partitions = [TopicPartition(topic, p) for p in sorted(known)]
        start = consumer.beginning_offsets(partitions)
        end = consumer.end_offsets(partitions)
        for p in partitions:
            verifier.check_partition_start(p.partition, start[p])
        on_total(sum(end[p] - start[p] for p in partitions))
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        due = {p for p in partitions if consumer.position(p) < end[p]}
        last_read = time.monotonic()
        while due:
            batch = consumer.poll(timeout_ms=POLL_MS)
            for partition, records in batch.items():
                kept = [r for r in records if r.offset < end[partition]]
                for r in kept:
                    yield TopicRecord(partition=partition.partition, offset=r.offset, value=r.value)
                on_progress(len(kept))
                last_read = time.monotonic()
            due = {p for p in due if consumer.position(p) < end[p]}
            if due and time.monotonic() - last_read > STALL_S:
                raise TopicUnreadable(f"Kafka sent nothing of {topic} for {STALL_S:.0f} s")
    finally:
        consumer.close()


def _print(verdict: Verdict, *, topic: str, copy: bool) -> None:
    if verdict.findings:
        table = Table("where", "problem", "chain", "sequence", "entry", "detail")
        for f in verdict.findings:
            table.add_row(
                f.where,
                f.problem.value,
                f.chain_id or "",
                "" if f.sequence is None else str(f.sequence),
                f.entry_id or "",
                escape(f.detail),
            )
        console.print(table)
    console.print(
        f"{topic}: {verdict.entries} entries in {verdict.chains} chains"
        + (
            f"; {verdict.copies} copies in Neo4j compared ({verdict.recent} newer entries left "
            "out while their copies settle)"
            if copy
            else "; the Neo4j copy was not compared"
        )
    )


@audit_app.command("verify")
def verify(
    topic: Annotated[str, typer.Option(help="The audit topic to check.")] = topics.AUDIT,
    copy: Annotated[
        bool, typer.Option("--copy/--no-copy", help="Also compare the Neo4j copy with the topic.")
    ] = True,
    settle_s: Annotated[
        float,
        typer.Option(
            min=0,
            help="Entries written within this many seconds are left out of the copy "
            "comparison (a copy is written just after Kafka acknowledges its entry).",
        ),
    ] = 120.0,
) -> None:
    """Read the whole audit topic from the beginning, check every writer's hash chain (each
    entry's hash, a sequence without gaps, each entry linked to the one before) and the Neo4j
    copy against the topic. Names every entry changed, removed or added; exits 1 if any."""
    settings = cli_settings()
    started = datetime.now(UTC)
    verifier = AuditVerifier()
    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, TimeRemainingColumn(), console=console, transient=True) as bar:
            task = bar.add_task(f"reading {topic}", total=None)
            for record in read_topic(
                kafka_principals.admin_access(settings),
                topic,
                verifier=verifier,
                on_total=lambda n: bar.update(task, total=n),
                on_progress=lambda n: bar.advance(task, n),
            ):
                verifier.check_record(record)
    except (TopicUnreadable, KafkaError, KafkaCredentialsMissing) as error:
        console.print(f"[bold red]error:[/] {escape(str(error))}")
        raise typer.Exit(code=2) from error
    unchained = 0
    if copy:
        driver = GraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        try:
            with console.status("comparing the Neo4j copy..."):
                verifier.check_copies(
                    read_copies(driver, database=settings.neo4j_database, topic=topic),
                    settled_before=started - timedelta(seconds=settle_s),
                )
                unchained = count_unchained(driver, database=settings.neo4j_database)
        except (Neo4jUnavailable, Neo4jError) as error:
            console.print(f"[bold red]error:[/] the Neo4j copy could not be read: {error}")
            raise typer.Exit(code=2) from error
        finally:
            driver.close()
    verdict = verifier.verdict()
    _print(verdict, topic=topic, copy=copy)
    if unchained:
        console.print(
            f"note: {unchained} older entries in Neo4j were written before the audit was "
            "chained; they are on no topic and cannot be verified"
        )
    if not verdict.intact:
        console.print(f"[bold red]{len(verdict.findings)} problems found[/]")
        raise typer.Exit(code=1)
    console.print("[green]the audit is intact[/]")
