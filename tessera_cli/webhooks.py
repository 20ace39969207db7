"""`tessera webhook`: the subscriptions alerts are POSTed to, signed with a secret shown once."""

import ipaddress
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import Neo4jError, ServiceUnavailable
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from common.auth import Role, TokenStore
from common.settings import InfraSettings
from services.alerts.config import Settings as AlertSettings
from services.alerts.delivery import queries
from services.alerts.delivery.sealing import secret_box

SECRET_PREFIX = "whsec_"  # noqa: S105 - a public prefix, not a secret

webhook_app = typer.Typer(
    help="Webhook subscriptions: where alerts are POSTed, signed.", no_args_is_help=True
)
console = Console(soft_wrap=True)


class InvalidWebhookUrl(ValueError):
    """Alerts go only over HTTPS, or plain HTTP to this machine."""


def check_url(url: str) -> str:
    """The URL if alerts may be sent to it: https, or http to a loopback address."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidWebhookUrl(f"not an http(s) URL: {url!r}")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise InvalidWebhookUrl(
            f"alerts are sent over https only (plain http only to this machine): {url!r}"
        )
    return url


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _fail(message: str) -> typer.Exit:
    console.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code=1)


@contextmanager
def _driver() -> Iterator[tuple[Driver, str]]:
    settings = InfraSettings()
    driver = GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )
    try:
        yield driver, settings.neo4j_database
    except (ServiceUnavailable, Neo4jError) as error:
        raise _fail(f"Neo4j at {settings.neo4j_uri}: {error}") from error
    finally:
        driver.close()


@webhook_app.command("add")
def webhook_add(
    name: Annotated[str, typer.Option(help="What the receiver is, e.g. 'Synthetic Police MASH'")],
    url: Annotated[str, typer.Option(help="Where alerts are POSTed (https)")],
    agency: Annotated[str, typer.Option(help="The agency it receives alerts as")],
    role: Annotated[Role, typer.Option(help="The role it receives alerts as")],
) -> None:
    """Add a subscription; its signing secret is printed once and never shown again (Neo4j
    keeps it sealed with ALERTS_WEBHOOK_SECRETS_KEY, or the key derived from the installation's
    secret).

    It receives the alerts a user of that agency and role may see, raised or changed from now on.
    """
    try:
        check_url(url)
    except InvalidWebhookUrl as error:
        raise _fail(str(error)) from error
    if agency not in TokenStore(Path(InfraSettings().tessera_auth_file)).agencies():
        raise _fail(
            f"agency {agency!r} is not registered; "
            f"add it first with `tessera agency add {agency!r}`"
        )
    try:
        box = secret_box(AlertSettings())
    except ValidationError as error:  # a malformed ALERTS_WEBHOOK_SECRETS_KEY (not echoed)
        raise _fail(str(error)) from error
    subscription_id = str(uuid.uuid4())
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    sealed = box.seal(secret)  # Neo4j keeps only the sealed form
    with _driver() as (driver, database):
        driver.execute_query(
            queries.ADD_WEBHOOK_SUBSCRIPTION,
            id=subscription_id,
            name=name,
            url=url,
            secret=sealed,
            agency=agency,
            role=role.value,
            created_at=datetime.now(UTC).isoformat(),
            database_=database,
        )
    console.print(
        f"webhook {escape(name)} ({subscription_id}) for {escape(agency)} as {role.value}; "
        "its signing secret, not shown again:"
    )
    print(secret)


@webhook_app.command("list")
def webhook_list() -> None:
    """List subscriptions (secrets are never shown again)."""
    with _driver() as (driver, database):
        records, _, _ = driver.execute_query(queries.LIST_WEBHOOK_SUBSCRIPTIONS, database_=database)
    table = Table("id", "name", "url", "agency", "role", "active", "created")
    for r in records:
        table.add_row(
            r["id"],
            escape(r["name"]),
            escape(r["url"]),
            escape(r["agency"]),
            r["role"],
            "yes" if r["active"] else "no",
            r["created_at"],
        )
    console.print(table)


def _set_active(subscription_id: str, *, active: bool) -> None:
    with _driver() as (driver, database):
        records, _, _ = driver.execute_query(
            queries.SET_WEBHOOK_ACTIVE, id=subscription_id, active=active, database_=database
        )
    if not records:
        raise _fail(f"no webhook subscription {subscription_id!r}")
    console.print(f"webhook {subscription_id} {'enabled' if active else 'disabled'}")


@webhook_app.command("disable")
def webhook_disable(subscription_id: Annotated[str, typer.Argument(help="Its id")]) -> None:
    """Stop delivering to a subscription (its delivery log is kept)."""
    _set_active(subscription_id, active=False)


@webhook_app.command("enable")
def webhook_enable(subscription_id: Annotated[str, typer.Argument(help="Its id")]) -> None:
    """Deliver to a subscription again."""
    _set_active(subscription_id, active=True)
