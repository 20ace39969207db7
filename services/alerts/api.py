"""HTTP adapter of the alert service: list alerts, newest first, a page at a time."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from neo4j.exceptions import ServiceUnavailable
from pydantic import BaseModel

from common.visibility import audiences_of
from schemas.alerts import AlertRaised, AlertStatus, AlertType
from services.alerts.deps import AlertReaderDep, AlertStoreDep

# Far past any real number of alerts. Unbounded, a large offset overflowed Neo4j's 64-bit
# SKIP + LIMIT (or the driver's integer) and the caller got a 500 instead of a 422.
MAX_OFFSET = 1_000_000

router = APIRouter(
    prefix="/v1",
    responses={
        401: {"description": "The bearer token is missing, malformed, unknown or wrong."},
        403: {"description": "Your role may not read alerts."},
    },
)


class AlertPage(BaseModel):
    """One page of alerts."""

    items: list[AlertRaised]
    total: int
    offset: int
    limit: int
    next_offset: int | None


@router.get(
    "/alerts",
    response_model=AlertPage,
    responses={
        503: {"description": "The graph database is unavailable; retry after Retry-After seconds."}
    },
)
async def list_alerts(
    principal: AlertReaderDep,
    store: AlertStoreDep,
    status_: Annotated[AlertStatus | None, Query(alias="status")] = None,
    type_: Annotated[AlertType | None, Query(alias="type")] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AlertPage:
    """Alerts, newest first, filtered by status and type, citing the reports behind them.

    An alert citing a report with handling code C is shown only to those its conditions allow.
    """
    try:
        items, total = await store.list_alerts(
            status=status_,
            type_=type_,
            audiences=audiences_of(principal),
            offset=offset,
            limit=limit,
        )
    except ServiceUnavailable as error:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "the graph database is unavailable; retry later",
            headers={"Retry-After": "5"},
        ) from error
    next_offset = offset + limit if offset + limit < total else None
    return AlertPage(items=items, total=total, offset=offset, limit=limit, next_offset=next_offset)
