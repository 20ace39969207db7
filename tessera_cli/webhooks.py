"""`tessera webhook`: the subscriptions alerts are POSTed to, signed with a secret shown once."""

import ipaddress
import secrets
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

from common.auth import Role, TokenStore
from services.alerts.config import Settings as AlertSettings
from services.alerts.delivery import queries
from services.alerts.delivery.sealing import secret_box
from tessera_cli.commands import unknown_agency
from tessera_cli.graph_session import fail, open_graph
from tessera_cli.settings import cli_settings

SECRET_PREFIX = "whsec_"  # noqa: S105 - a public prefix, not a secret

webhook_app = typer.Typer(
    help="Webhook subscriptions: where alerts are POSTed, signed.", no_args_is_help=True
)
console = Console(soft_wrap=True)


class NoSuchSubscription(LookupError):
    """No subscription's id starts with what was given, or more than one does."""


def match_subscription(given: str, ids: list[str]) -> str:
    """The one id that is `given` or starts with it (as `webhook list` may show it shortened);
    NoSuchSubscription, naming the matches, when none or several do."""
    wanted = given.strip().rstrip("…").lower()  # an id copied with a table's ellipsis
    if not wanted:
        raise NoSuchSubscription("give a subscription id, or its first characters")
    if exact := [i for i in ids if i.lower() == wanted]:
        return exact[0]
    matches = sorted(i for i in ids if i.lower().startswith(wanted))
    if not matches:
        raise NoSuchSubscription(
            f"no webhook subscription's id starts with {given!r}; see `tessera webhook list`"
        )
    if len(matches) > 1:
        raise NoSuchSubscription(
            f"{given!r} is the start of {len(matches)} subscriptions' ids "
            f"({', '.join(matches)}); give more of the id"
        )
    return matches[0]


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
        raise fail(str(error)) from error
    if agency not in TokenStore(Path(cli_settings().tessera_auth_file)).agencies():
        raise fail(unknown_agency(agency))
    try:
        box = secret_box(cli_settings(AlertSettings))
    except ValidationError as error:  # a malformed ALERTS_WEBHOOK_SECRETS_KEY (not echoed)
        raise fail(str(error)) from error
    subscription_id = str(uuid.uuid4())
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    sealed = box.seal(secret)  # Neo4j keeps only the sealed form
    with open_graph() as (driver, database):
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
    with open_graph() as (driver, database):
        records, _, _ = driver.execute_query(queries.LIST_WEBHOOK_SUBSCRIPTIONS, database_=database)
    # The id in full, so that it can be copied: the other columns wrap instead.
    table = Table(
        Column("id", no_wrap=True, min_width=36),
        "name",
        "url",
        "agency",
        "role",
        "active",
        "created",
    )
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


def _set_active(given: str, *, active: bool) -> None:
    with open_graph() as (driver, database):
        listed, _, _ = driver.execute_query(queries.LIST_WEBHOOK_SUBSCRIPTIONS, database_=database)
        try:
            subscription_id = match_subscription(given, [str(r["id"]) for r in listed])
        except NoSuchSubscription as error:
            raise fail(str(error)) from error
        records, _, _ = driver.execute_query(
            queries.SET_WEBHOOK_ACTIVE, id=subscription_id, active=active, database_=database
        )
    if not records:
        raise fail(f"no webhook subscription {subscription_id!r}")
    console.print(f"webhook {subscription_id} {'enabled' if active else 'disabled'}")


SUBSCRIPTION_ID_HELP = "Its id, or the first characters of it (as `webhook list` shows)"


@webhook_app.command("disable")
def webhook_disable(
    subscription_id: Annotated[str, typer.Argument(help=SUBSCRIPTION_ID_HELP)],
) -> None:
    """Stop delivering to a subscription (its delivery log is kept)."""
    _set_active(subscription_id, active=False)


@webhook_app.command("enable")
def webhook_enable(
    subscription_id: Annotated[str, typer.Argument(help=SUBSCRIPTION_ID_HELP)],
) -> None:
    """Deliver to a subscription again."""
    _set_active(subscription_id, active=True)
