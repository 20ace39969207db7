"""FastAPI dependencies of alert delivery: the feed, the webhook store and who may read the log."""

from typing import Annotated

from fastapi import Depends, Request
from neo4j import AsyncDriver

from common.adapters.http_auth import PrincipalDep, authorise
from common.auth import Principal, Role
from services.alerts.delivery.sealing import secret_box
from services.alerts.delivery.store import Neo4jAlertFeed, Neo4jWebhookStore
from services.alerts.deps import SettingsDep

ADMINS = frozenset({Role.ADMIN})


def _driver(request: Request) -> AsyncDriver:
    driver: AsyncDriver = request.app.state.neo4j_driver
    return driver


def get_alert_feed(request: Request, settings: SettingsDep) -> Neo4jAlertFeed:
    """The feed of changed alerts on the process's driver, opened in the lifespan."""
    return Neo4jAlertFeed(driver=_driver(request), database=settings.neo4j_database)


def get_webhook_store(request: Request, settings: SettingsDep) -> Neo4jWebhookStore:
    """The webhook store on the process's driver, opened in the lifespan."""
    return Neo4jWebhookStore(
        driver=_driver(request), database=settings.neo4j_database, secrets=secret_box(settings)
    )


def require_admin(principal: PrincipalDep) -> Principal:
    """Only admins may read the webhook delivery log."""
    return authorise(principal, allowed=ADMINS, action="read the webhook delivery log")


AlertFeedDep = Annotated[Neo4jAlertFeed, Depends(get_alert_feed)]
WebhookStoreDep = Annotated[Neo4jWebhookStore, Depends(get_webhook_store)]
