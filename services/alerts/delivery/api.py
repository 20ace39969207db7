"""HTTP adapter of alert delivery: the live stream of alerts and the webhook delivery log."""

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query, status
from fastapi.security import HTTPAuthorizationCredentials
from neo4j.exceptions import ServiceUnavailable
from pydantic import BaseModel
from sse_starlette import EventSourceResponse, ServerSentEvent

from common.adapters.audit.http import AuditDep, Purpose
from common.adapters.http_auth import bearer, get_token_store
from common.audit.trail import AuditUnavailable, record_off_loop
from common.auth import InvalidToken, Principal, TokenStore
from common.visibility import audiences_of
from schemas.alerts import AlertRaised
from schemas.written_dates import IsoAwareDateTime
from services.alerts.api import MAX_OFFSET
from services.alerts.audited import alert_subject_ids
from services.alerts.delivery.deps import AlertFeedDep, WebhookStoreDep, require_admin
from services.alerts.delivery.ports import Cursor, InvalidCursor
from services.alerts.delivery.stream import follow_alerts
from services.alerts.deps import AlertReaderDep, SettingsDep

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 30.0  # a client that reads nothing for this long is dropped

router = APIRouter(
    prefix="/v1",
    responses={
        401: {"description": "The bearer token is missing, malformed, unknown or wrong."},
        403: {"description": "Your role may not do this."},
    },
)


@router.get(
    "/alerts/stream",
    response_class=EventSourceResponse,
    responses={
        200: {
            "description": "Server-sent events: `alert` events whose data is the AlertRaised "
            "JSON and whose id is a cursor to resume from; comments as keep-alive pings.",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        422: {"description": "`since` is not a time with an offset, or Last-Event-ID not ours."},
    },
)
async def stream_alerts(
    principal: AlertReaderDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    tokens: Annotated[TokenStore, Depends(get_token_store)],
    feed: AlertFeedDep,
    settings: SettingsDep,
    audit: AuditDep,
    purpose: Purpose,
    since: Annotated[
        IsoAwareDateTime | None,
        Query(description="Replay the alerts changed after this time; by default, from now."),
    ] = None,
    last_event_id: Annotated[
        str | None,
        Header(description="The id of the last event received: resume after it."),
    ] = None,
) -> EventSourceResponse:
    """Alerts as they are raised or change, as server-sent events, resumable by Last-Event-ID.

    Police, analysts and admins receive only the alerts they may see (handling code C). The
    token is checked again at every poll: once it expires or is revoked, or its user's role or
    agency changes, the stream ends. Each batch of alerts is recorded in the audit
    (`alerts.stream`, with its purpose and every subject the alerts show) before it is sent;
    when it cannot be, the stream ends and the client resumes later with Last-Event-ID.
    """
    token = credentials.credentials if credentials else ""
    try:
        start = Cursor.parse(last_event_id) if last_event_id else Cursor(since or datetime.now(UTC))
    except InvalidCursor as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from error

    async def record(alerts: Sequence[AlertRaised]) -> None:
        await record_off_loop(
            audit,
            reader=principal,
            action="alerts.stream",
            purpose=purpose,
            subject_ids=alert_subject_ids(alerts),
            parameters={"alert_ids": ",".join(sorted(str(a.alert_id) for a in alerts))},
        )

    changes = follow_alerts(
        feed=feed,
        audiences=audiences_of(principal),
        start=start,
        poll_s=settings.alerts_stream_poll_s,
        overlap=timedelta(seconds=settings.alerts_stream_overlap_s),
        batch=settings.alerts_stream_batch,
        sleep=asyncio.sleep,
        record=record,
        still_allowed=lambda: _still(tokens, token, principal),
    )

    async def events() -> AsyncIterator[ServerSentEvent]:
        try:
            async for change in changes:
                yield ServerSentEvent(
                    data=change.alert.model_dump_json(), event="alert", id=str(change.cursor)
                )
        except AuditUnavailable:
            log.warning("alert stream ended: its next alerts could not be recorded in the audit")

    return EventSourceResponse(
        events(), ping=settings.alerts_stream_ping_s, send_timeout=SEND_TIMEOUT_S
    )


def _still(tokens: TokenStore, token: str, principal: Principal) -> bool:
    """Whether the token still stands for the same principal."""
    try:
        return tokens.verify(token) == principal
    except InvalidToken:
        return False


class WebhookDelivery(BaseModel):
    """One attempt to deliver an alert event to a webhook subscription."""

    subscription_id: str
    alert_id: str
    event_id: str
    attempt: int
    status_code: int | None
    error: str | None
    outcome: str  # delivered, retry, rejected or failed
    at: datetime


class WebhookDeliveryPage(BaseModel):
    """One page of the delivery log."""

    items: list[WebhookDelivery]
    total: int
    offset: int
    limit: int
    next_offset: int | None


@router.get(
    "/webhooks/deliveries",
    response_model=WebhookDeliveryPage,
    dependencies=[Depends(require_admin)],
    responses={
        503: {"description": "The graph database is unavailable; retry after Retry-After seconds."}
    },
)
async def list_webhook_deliveries(
    store: WebhookStoreDep,
    subscription: Annotated[
        str | None, Query(max_length=100, description="Only this subscription's attempts.")
    ] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> WebhookDeliveryPage:
    """Admins: every webhook delivery attempt, newest first, with its status code or error."""
    try:
        records, total = await store.deliveries(
            subscription_id=subscription, offset=offset, limit=limit
        )
    except ServiceUnavailable as error:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "the graph database is unavailable; retry later",
            headers={"Retry-After": "5"},
        ) from error
    next_offset = offset + limit if offset + limit < total else None
    return WebhookDeliveryPage(
        items=[WebhookDelivery.model_validate(r, from_attributes=True) for r in records],
        total=total,
        offset=offset,
        limit=limit,
        next_offset=next_offset,
    )
