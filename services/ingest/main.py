"""The ingest process: builds the FastAPI app and opens its Kafka clients and ledger."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Response
from fastapi.exceptions import RequestValidationError

from common.adapters.audit.http import refuse_unaudited_reads
from common.adapters.audit.wiring import open_audit_trail
from common.adapters.body_limit import BodySizeLimit
from common.adapters.http_auth import bearer_admits
from common.adapters.invalid_requests import refuse_invalid
from common.auth import TokenStore
from common.kafka_access import INGEST, kafka_access
from common.logs import configure_logging
from common.settings import refuse_development_defaults
from services.ingest.api import router
from services.ingest.config import Settings, get_settings
from services.ingest.ledger import SqliteLedger
from services.ingest.publisher import KafkaPublisher, KafkaReportReader


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the ingest app; clients open at start-up, not at import."""
    settings = settings or get_settings()
    refuse_development_defaults(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service="ingest")
        timeout = settings.ingest_publish_timeout_s
        access = kafka_access(settings, default_user=INGEST)
        app.state.publisher = KafkaPublisher(
            access=access, timeout_s=timeout, linger_ms=settings.ingest_linger_ms
        )
        app.state.reader = KafkaReportReader(access=access, timeout_s=timeout)
        app.state.ledger = SqliteLedger(Path(settings.ingest_ledger_file))
        app.state.token_store = TokenStore(Path(settings.tessera_auth_file))
        app.state.audit_trail = open_audit_trail(settings, principal=INGEST, service="ingest")
        try:
            yield
        finally:
            app.state.publisher.close()
            app.state.reader.close()
            app.state.ledger.close()
            app.state.audit_trail.close()

    app = FastAPI(
        title="Tessera ingest",
        version="0.2.0",
        description=(
            "Partner agencies submit intelligence reports. 202 means Kafka holds the report "
            "(acks=all). Every request needs a bearer token; the agency and user come from it."
        ),
        lifespan=lifespan,
    )
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.ingest_max_body_bytes, admits=bearer_admits
    )
    app.add_exception_handler(RequestValidationError, refuse_invalid)
    refuse_unaudited_reads(app)
    app.include_router(router)
    # Read by the SettingsDep, not set as a dependency override: any override makes FastAPI
    # analyse every dependency's signature again on every request.
    app.state.settings = settings

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz(response: Response) -> dict[str, str]:
        """Readiness: Kafka is reachable, so a report can be accepted now."""
        if app.state.publisher.ready():
            return {"status": "ready"}
        response.status_code = 503
        return {"status": "kafka unavailable"}

    return app
