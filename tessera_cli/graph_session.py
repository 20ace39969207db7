"""How a CLI command opens the graph: one driver for the command, and Neo4j's errors (and the
command's own) printed as one line with exit code 1."""

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import Neo4jError, ServiceUnavailable
from rich.console import Console
from rich.markup import escape

from tessera_cli.settings import cli_settings

console = Console(soft_wrap=True)


def fail(message: str) -> typer.Exit:
    """Print the error; what to raise to end the command with exit code 1."""
    console.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code=1)


@contextmanager
def open_graph() -> Iterator[tuple[Driver, str]]:
    """The driver and the database name; an unreachable Neo4j ends the command with an error."""
    settings = cli_settings()
    driver = GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )
    try:
        yield driver, settings.neo4j_database
    except (ServiceUnavailable, Neo4jError) as error:
        raise fail(f"Neo4j at {settings.neo4j_uri}: {error}") from error
    finally:
        driver.close()
