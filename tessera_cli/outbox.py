"""`tessera outbox`: the alert changes Kafka refused for good, set aside by the alert worker
(services/alerts/outbox.py), listed and queued again once the limit that refused them is raised."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from neo4j import Driver
from rich.markup import escape
from rich.table import Column, Table

from services.alerts import queries
from services.alerts.config import Settings as AlertSettings
from tessera_cli.commands import command_line
from tessera_cli.graph_session import console, fail, open_graph
from tessera_cli.settings import cli_settings

LEASE_OWNER = "tessera-cli"
LEASE_MS = 30_000  # held at most this long, should the command die holding it
LEASE_WAIT_S = 60.0  # waited for while a worker drains

outbox_app = typer.Typer(
    help="The alert outbox: changes Kafka refused for good (too large), and queuing them again.",
    no_args_is_help=True,
)


def _outbox() -> str:
    """The outbox the alert worker drains: its topic's name."""
    return cli_settings(AlertSettings).alerts_topic


def _set_aside() -> list[dict[str, object]]:
    with open_graph() as (driver, database):
        records, _, _ = driver.execute_query(
            queries.SET_ASIDE_CHANGES, outbox=_outbox(), database_=database
        )
    return [dict(r) for r in records]


@outbox_app.command("list")
def outbox_list() -> None:
    """List the alert changes set aside, oldest first, with the reason Kafka gave."""
    changes = _set_aside()
    if not changes:
        console.print("No alert change is set aside: each saved change was published or waits.")
        return
    # The ids in full, so that they can be copied: the reason wraps instead.
    table = Table(
        Column("event id", no_wrap=True, min_width=36),
        Column("alert", no_wrap=True, min_width=36),
        Column("change", no_wrap=True),
        "size",
        "superseded",
        Column("reason", min_width=30),
    )
    for c in changes:
        table.add_row(
            str(c["event_id"]),
            str(c["alert_id"]),
            f"{c['type']} {c['action']}\n{str(c['at'])[:16].replace('T', ' ')}",
            f"{int(str(c['body_chars'])) / 1_000_000:.1f} MB",
            "yes" if c["superseded"] else "no",
            escape(str(c["reason"])),
        )
    console.print(table)
    console.print(
        f"{len(changes)} set aside. Superseded: a later change of the alert was published. Once "
        f"the limit is raised, `{command_line('outbox', 'retry')}` queues again those not "
        "superseded."
    )


@outbox_app.command("retry")
def outbox_retry(
    event_ids: Annotated[
        list[str] | None,
        typer.Argument(help="Event ids from `tessera outbox list`; none: every one"),
    ] = None,
) -> None:
    """Queue set-aside changes again, so the alert worker's next drain publishes them in order.
    A change a later change of its alert has superseded is not queued: it would arrive after
    the alert's latest."""
    changes = _set_aside()
    chosen = [c for c in changes if not event_ids or c["event_id"] in event_ids]
    unknown = sorted(set(event_ids or ()) - {str(c["event_id"]) for c in changes})
    if unknown:
        raise fail(f"not set aside: {', '.join(unknown)}; see `{command_line('outbox', 'list')}`")
    wanted = [str(c["event_id"]) for c in chosen if not c["superseded"]]
    for c in chosen:
        if c["superseded"]:
            console.print(f"{c['event_id']}: superseded by a later change of its alert; left")
    queued = 0
    if wanted:
        with open_graph() as (driver, database), _outbox_lease(driver, database):
            records, _, _ = driver.execute_query(
                queries.REQUEUE_SET_ASIDE_CHANGES, event_ids=wanted, database_=database
            )
            queued = int(records[0]["queued"])
        if queued < len(wanted):  # a later change went out since the list was read
            console.print(f"{len(wanted) - queued} superseded meanwhile; left")
    console.print(f"{queued} change(s) queued for the alert worker's next drain")


@contextmanager
def _outbox_lease(driver: Driver, database: str) -> Iterator[None]:
    """Hold the alert outbox's lease (waiting while a worker drains it): no drain runs while
    changes are queued again, so none publishes a later change after the check."""
    outbox = _outbox()
    deadline = time.monotonic() + LEASE_WAIT_S
    while not driver.execute_query(
        queries.TAKE_OUTBOX_LEASE,
        outbox=outbox,
        owner=LEASE_OWNER,
        lease_ms=LEASE_MS,
        database_=database,
    ).records:
        if time.monotonic() > deadline:
            raise fail("an alert worker held the outbox's lease throughout; try again")
        time.sleep(0.2)
    try:
        yield
    finally:
        driver.execute_query(
            queries.GIVE_BACK_OUTBOX_LEASE, outbox=outbox, owner=LEASE_OWNER, database_=database
        )
