"""FastAPI dependencies of the alert API: settings, the alert store and the caller."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from common.auth import InvalidToken, Principal, Role, TokenStore
from services.alerts.config import Settings, get_settings
from services.alerts.store import Neo4jAlertStore

SettingsDep = Annotated[Settings, Depends(get_settings)]
_bearer = HTTPBearer(auto_error=False)

ALERT_READERS = frozenset({Role.POLICE, Role.ANALYST, Role.ADMIN})


def get_alert_store(request: Request) -> Neo4jAlertStore:
    """The process's alert store, opened in the lifespan."""
    store: Neo4jAlertStore = request.app.state.alert_store
    return store


def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Authenticate the bearer token or answer 401."""
    tokens: TokenStore = request.app.state.token_store
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        return tokens.verify(credentials.credentials)
    except InvalidToken as error:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, str(error), headers={"WWW-Authenticate": "Bearer"}
        ) from error


def require_alert_reader(
    principal: Annotated[Principal, Depends(get_principal)],
) -> Principal:
    """Police, analysts and admins may read alerts."""
    if principal.role not in ALERT_READERS:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "your role may not read alerts")
    return principal


AlertStoreDep = Annotated[Neo4jAlertStore, Depends(get_alert_store)]
AlertReaderDep = Annotated[Principal, Depends(require_alert_reader)]
