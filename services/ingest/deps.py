"""FastAPI dependencies of ingest: settings, the publisher and the authenticated caller."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from common.auth import InvalidToken, Principal, Role, TokenStore
from services.ingest.config import Settings, get_settings
from services.ingest.publisher import Publisher

SettingsDep = Annotated[Settings, Depends(get_settings)]
_bearer = HTTPBearer(auto_error=False)


def get_publisher(request: Request) -> Publisher:
    """The process's one Kafka publisher, opened in the lifespan."""
    publisher: Publisher = request.app.state.publisher
    return publisher


def get_token_store(request: Request) -> TokenStore:
    """The process's token store."""
    store: TokenStore = request.app.state.token_store
    return store


def get_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    store: Annotated[TokenStore, Depends(get_token_store)],
) -> Principal:
    """Authenticate the bearer token or answer 401."""
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        return store.verify(credentials.credentials)
    except InvalidToken as error:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, str(error), headers={"WWW-Authenticate": "Bearer"}
        ) from error


PublisherDep = Annotated[Publisher, Depends(get_publisher)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]

SUBMITTING_ROLES = frozenset({Role.SUBMITTER, Role.POLICE, Role.ANALYST, Role.ADMIN})


def require_submitter(principal: PrincipalDep) -> Principal:
    """Only roles that may submit intelligence pass."""
    if principal.role not in SUBMITTING_ROLES:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "your role may not submit reports")
    return principal


SubmitterDep = Annotated[Principal, Depends(require_submitter)]
