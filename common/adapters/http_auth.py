"""Bearer-token authentication for the FastAPI services, over the framework-free token store."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from common.auth import InvalidToken, Principal, Role, TokenStore

bearer = HTTPBearer(auto_error=False)
SCHEME = b"bearer "


async def bearer_admits(scope: Scope) -> bool:
    """Whether the request carries a valid bearer token (checked before its body is read)."""
    header = dict(scope["headers"]).get(b"authorization", b"")
    if not header.lower().startswith(SCHEME):
        return False
    store: TokenStore = scope["app"].state.token_store
    try:
        await run_in_threadpool(store.verify, header[len(SCHEME) :].decode("latin-1").strip())
    except InvalidToken:
        return False
    return True


def authenticate(credentials: HTTPAuthorizationCredentials | None, store: TokenStore) -> Principal:
    """The caller behind a bearer token, or 401."""
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


def authorise(principal: Principal, *, allowed: frozenset[Role], action: str) -> Principal:
    """The caller if their role may do the action, or 403 naming the action."""
    if principal.role not in allowed:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"your role may not {action}")
    return principal


def get_token_store(request: Request) -> TokenStore:
    """The process's token store, opened in the app's lifespan."""
    store: TokenStore = request.app.state.token_store
    return store


def get_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    store: Annotated[TokenStore, Depends(get_token_store)],
) -> Principal:
    """Authenticate the bearer token or answer 401."""
    return authenticate(credentials, store)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
