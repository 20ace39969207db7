"""`tessera replay`: rebuild the graph from the reports topic, with a progress bar."""

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from common.settings import InfraSettings
from schemas import topics
from services.network.replay import replay


def replay_command(
    topic: Annotated[str, typer.Option(help="The reports topic to read.")] = topics.REPORTS,
    wipe: Annotated[
        bool,
        typer.Option(
            "--wipe",
            help="Delete every report, entity and link first (audit and decisions are kept).",
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before --wipe.")] = False,
) -> None:
    """Rebuild the graph from the reports topic (the system of record), then re-apply
    analysts' resolution decisions. Linking is idempotent, so without --wipe it only adds
    what is missing."""
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
                settings=InfraSettings(),
                topic=topic,
                wipe_first=wipe,
                on_total=lambda total: progress.update(task, total=total),
                on_progress=lambda n: progress.advance(task, n),
            )
        )
    console.print(
        f"linked {outcome.linked} reports; {outcome.unreadable} unreadable messages skipped "
        f"(they are on the dead-letter topic); {outcome.decisions} resolution decisions re-applied"
    )
