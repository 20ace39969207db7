"""FastAPI dependencies of the alert API: settings, the alert store and the caller."""

from typing import Annotated

from fastapi import Depends, Request

from common.adapters.http_auth import PrincipalDep, authorise
from common.auth import Principal, Role
from services.alerts.config import Settings, get_settings
from services.alerts.evidence import Neo4jEvidence
from services.alerts.store import Neo4jAlertStore

SettingsDep = Annotated[Settings, Depends(get_settings)]

ALERT_READERS = frozenset({Role.POLICE, Role.ANALYST, Role.ADMIN})
ALERT_HANDLERS = frozenset({Role.POLICE, Role.ADMIN})


def get_alert_store(request: Request) -> Neo4jAlertStore:
    """The process's alert store, opened in the lifespan."""
    store: Neo4jAlertStore = request.app.state.alert_store
    return store


def get_evidence(request: Request) -> Neo4jEvidence:
    """The reader of what an alert's cited reports say, opened in the lifespan."""
    evidence: Neo4jEvidence = request.app.state.evidence
    return evidence


def require_alert_reader(principal: PrincipalDep) -> Principal:
    """Police, analysts and admins may read alerts."""
    return authorise(principal, allowed=ALERT_READERS, action="read alerts")


def require_alert_handler(principal: PrincipalDep) -> Principal:
    """Police and admins may change alerts; analysts may only read them."""
    return authorise(principal, allowed=ALERT_HANDLERS, action="change alerts")


AlertStoreDep = Annotated[Neo4jAlertStore, Depends(get_alert_store)]
EvidenceDep = Annotated[Neo4jEvidence, Depends(get_evidence)]
AlertReaderDep = Annotated[Principal, Depends(require_alert_reader)]
AlertHandlerDep = Annotated[Principal, Depends(require_alert_handler)]
