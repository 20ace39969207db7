"""FastAPI dependencies of ingest: settings, the publisher and the authenticated caller."""

from typing import Annotated

from fastapi import Depends, Request

from common.auth import Principal, Role
from common.http_auth import PrincipalDep, authorise
from services.ingest.config import Settings, get_settings
from services.ingest.publisher import Publisher

SettingsDep = Annotated[Settings, Depends(get_settings)]

SUBMITTING_ROLES = frozenset({Role.SUBMITTER, Role.POLICE, Role.ANALYST, Role.ADMIN})


def get_publisher(request: Request) -> Publisher:
    """The process's one Kafka publisher, opened in the lifespan."""
    publisher: Publisher = request.app.state.publisher
    return publisher


def require_submitter(principal: PrincipalDep) -> Principal:
    """Only roles that may submit intelligence pass."""
    return authorise(principal, allowed=SUBMITTING_ROLES, action="submit reports")


PublisherDep = Annotated[Publisher, Depends(get_publisher)]
SubmitterDep = Annotated[Principal, Depends(require_submitter)]
