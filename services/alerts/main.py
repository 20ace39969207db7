"""The alert API process: builds the FastAPI app and opens its Neo4j driver and its audit trail
for its lifetime."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from neo4j import AsyncGraphDatabase

from common.adapters.audit.http import refuse_unaudited_reads
from common.adapters.audit.wiring import open_audit_trail
from common.adapters.body_limit import BodySizeLimit
from common.adapters.http_auth import bearer_admits
from common.adapters.invalid_requests import refuse_invalid
from common.auth import TokenStore
from common.kafka_access import ALERTS
from common.logs import configure_logging
from common.settings import refuse_development_defaults
from services.alerts.api import router
from services.alerts.config import Settings, get_settings
from services.alerts.delivery.api import router as delivery_router
from services.alerts.evidence import Neo4jEvidence
from services.alerts.store import Neo4jAlertStore


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the alert API; the driver opens at start-up, not at import."""
    settings = settings or get_settings()
    refuse_development_defaults(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service="alerts-api")
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        # Users' changes wait in the alerts topic's outbox; the worker publishes them.
        app.state.alert_store = Neo4jAlertStore(
            driver=driver, database=settings.neo4j_database, outbox=settings.alerts_topic
        )
        app.state.neo4j_driver = driver
        app.state.evidence = Neo4jEvidence(driver=driver, database=settings.neo4j_database)
        app.state.token_store = TokenStore(Path(settings.tessera_auth_file))
        app.state.audit_trail = open_audit_trail(settings, principal=ALERTS, service="alerts-api")
        try:
            yield
        finally:
            app.state.audit_trail.close()
            await driver.close()

    app = FastAPI(
        title="Tessera alerts",
        version="0.1.0",
        description=(
            "Explained, de-duplicated contextual-safeguarding alerts for police. Every read of "
            "alerts (the list, one alert, the live stream) states a purpose and is audited."
        ),
        lifespan=lifespan,
    )
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.alerts_max_body_bytes, admits=bearer_admits
    )
    app.include_router(delivery_router)  # first: /v1/alerts/stream is not an alert id
    app.include_router(router)
    app.add_exception_handler(RequestValidationError, refuse_invalid)
    app.dependency_overrides[get_settings] = lambda: (
        settings
    )  # the settings this app was built with
    refuse_unaudited_reads(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
