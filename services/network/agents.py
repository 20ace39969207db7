"""Faust agents of the network service: parse, link, emit; poison messages to the dead letters."""

import logging
from datetime import UTC, datetime
from uuid import uuid4

import faust
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError
from pydantic import ValidationError
from tenacity import (
    AsyncRetrying,
    before_sleep_log,
    retry_if_exception_type,
    wait_exponential,
)

from schemas.reports import ReportRejected, ReportSubmitted
from services.network.app import GraphService
from services.network.config import Settings
from services.network.linking import link_report

log = logging.getLogger(__name__)

RETRYABLE = (ServiceUnavailable, SessionExpired, TransientError, OSError)


def dead_letter(*, value: bytes, reason: str) -> bytes:
    """Wrap an unreadable message with the reason it was rejected."""
    return (
        ReportRejected(
            reason=reason,
            rejected_at=datetime.now(UTC),
            original=value.decode("utf-8", errors="replace"),
        )
        .model_dump_json()
        .encode()
    )


def register_agents(*, app: faust.App, settings: Settings, graph: GraphService) -> None:
    """Attach the linking agent to the app."""
    reports = app.topic(settings.network_reports_topic, value_type=bytes, value_serializer="raw")
    dead_letters = app.topic(
        settings.network_dead_letter_topic, value_type=bytes, value_serializer="raw"
    )
    linked = app.topic(
        settings.network_entities_linked_topic, value_type=bytes, value_serializer="raw"
    )

    @app.agent(reports)
    async def link_reports(stream: faust.StreamT[bytes]) -> None:
        """Link each report into the graph; offsets advance only after the write succeeded."""
        async for event in stream.events():
            value: bytes = event.value
            try:
                report = ReportSubmitted.model_validate_json(value)
            except ValidationError as error:
                log.warning("report rejected to dead letters: %s", error.errors()[:3])
                sent = await dead_letters.send(
                    key=event.key, value=dead_letter(value=value, reason=str(error))
                )
                await sent
                continue
            async for attempt in AsyncRetrying(
                retry=retry_if_exception_type(RETRYABLE),
                wait=wait_exponential(multiplier=0.5, max=settings.network_retry_max_wait_s),
                before_sleep=before_sleep_log(log, logging.WARNING),
                reraise=True,
            ):
                with attempt:
                    assert graph.store is not None, "graph service not started"  # noqa: S101
                    result = await link_report(
                        event=report, graph=graph.store, now=datetime.now(UTC), new_id=uuid4
                    )
            sent = await linked.send(
                key=str(report.event_id).encode(), value=result.model_dump_json().encode()
            )
            await sent
            log.info("report linked id=%s", report.event_id)
