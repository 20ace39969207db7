"""The analyst API process: builds the FastAPI app and opens its Neo4j driver and Kafka
publisher for its lifetime."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j import GraphDatabase
from neo4j.exceptions import ServiceUnavailable, SessionExpired

from common.adapters.audit.http import refuse_unaudited_reads
from common.adapters.audit.wiring import open_audit_trail
from common.adapters.body_limit import BodySizeLimit
from common.adapters.http_auth import bearer_admits
from common.adapters.invalid_requests import refuse_invalid
from common.auth import TokenStore
from common.kafka_access import ANALYST, kafka_access
from common.logs import configure_logging
from common.settings import refuse_development_defaults
from services.network.analyst.analysis import QueryTimedOut
from services.network.analyst.api import NARROW_THE_QUERY, router
from services.network.analyst.publisher import KafkaPublisher
from services.network.analyst.reads import Neo4jAnalystGraph
from services.network.config import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the analyst API; the driver opens at start-up, not at import."""
    settings = settings or get_settings()
    refuse_development_defaults(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service="network-api")
        driver = GraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        app.state.analyst_graph = Neo4jAnalystGraph(
            driver=driver,
            database=settings.neo4j_database,
            timeout_s=settings.network_query_timeout_s,
        )
        app.state.publisher = KafkaPublisher(
            access=kafka_access(settings, default_user=ANALYST),
            timeout_s=settings.network_publish_timeout_s,
        )
        app.state.audit_trail = open_audit_trail(settings, principal=ANALYST, service="network-api")
        app.state.token_store = TokenStore(Path(settings.tessera_auth_file))
        try:
            yield
        finally:
            app.state.publisher.close()
            app.state.audit_trail.close()
            driver.close()

    app = FastAPI(
        title="Tessera network",
        version="0.1.0",
        description=(
            "The analyst API: person search, profiles, the network around any entity, shortest "
            "paths, co-presence, resolution decisions, splits and exports. Every call states a "
            "purpose and is audited; reports with handling code C are visible only within "
            "their conditions, and retracted reports to nobody."
        ),
        lifespan=lifespan,
    )
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.network_max_body_bytes, admits=bearer_admits
    )
    app.include_router(router)
    app.add_exception_handler(RequestValidationError, refuse_invalid)
    app.dependency_overrides[get_settings] = lambda: settings
    refuse_unaudited_reads(app)

    @app.exception_handler(ServiceUnavailable)
    @app.exception_handler(SessionExpired)
    async def graph_down(request: Request, error: Exception) -> JSONResponse:  # noqa: ARG001
        return JSONResponse(
            {"detail": "the graph database is unavailable; retry later"},
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(QueryTimedOut)
    async def query_too_slow(request: Request, error: Exception) -> JSONResponse:  # noqa: ARG001
        return JSONResponse(
            {"detail": f"{error}; {NARROW_THE_QUERY}"},
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        )

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
