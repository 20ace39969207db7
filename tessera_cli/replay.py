"""`tessera replay`: rebuild the graph from the reports topics, with a progress bar."""

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from schemas import topics
from services.network.linking.replay import replay
from tessera_cli.settings import cli_settings


def replay_command(
    topic: Annotated[str, typer.Option(help="The reports topic to read.")] = topics.REPORTS,
    bulk_topic: Annotated[
        str,
        typer.Option(help="The bulk-lane reports topic, merged with the other in time order."),
    ] = topics.REPORTS_BULK,
    retractions_topic: Annotated[
        str, typer.Option(help="The retractions topic, applied after the reports.")
    ] = topics.RETRACTIONS,
    decisions_topic: Annotated[
        str, typer.Option(help="The analysts' decisions topic, applied last, in order.")
    ] = topics.RESOLUTION_DECISIONS,
    wipe: Annotated[
        bool,
        typer.Option(
            "--wipe",
            help="Delete every report, entity and link first (audit and decisions are kept).",
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before --wipe.")] = False,
) -> None:
    """Rebuild the graph from the reports topics (the system of record), live and bulk lanes
    merged in time order, withdraw retracted reports, then re-apply analysts' resolution
    decisions (from their topic and the graph) in the order they were made. Without --wipe
    only reports missing from the graph are linked."""
    console = Console()
    if wipe and not yes:
        typer.confirm("Delete the whole intelligence graph and rebuild it from Kafka?", abort=True)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("replaying reports", total=None)
        outcome = asyncio.run(
            replay(
                settings=cli_settings(),
                topic=topic,
                bulk_topic=bulk_topic,
                wipe_first=wipe,
                retractions_topic=retractions_topic,
                decisions_topic=decisions_topic,
                on_total=lambda total: progress.update(task, total=total),
                on_progress=lambda n: progress.advance(task, n),
            )
        )
    console.print(
        f"linked {outcome.linked} reports; {outcome.retracted} retractions applied; "
        f"{outcome.unreadable} unreadable messages skipped (they are on the dead-letter topic); "
        f"{outcome.decisions} resolution decisions re-applied"
    )
    for missing in outcome.missing_topics:
        console.print(f"[yellow]topic {missing} does not exist: nothing was read from it[/]")
