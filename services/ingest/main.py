"""The ingest process: builds the FastAPI app and opens its Kafka producer for its lifetime."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Response

from common.auth import TokenStore
from common.logs import configure_logging
from services.ingest.api import router
from services.ingest.config import Settings, get_settings
from services.ingest.publisher import KafkaPublisher


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the ingest app; the producer opens at start-up, not at import."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service="ingest")
        publisher = KafkaPublisher(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            timeout_s=settings.ingest_publish_timeout_s,
        )
        app.state.publisher = publisher
        app.state.token_store = TokenStore(Path(settings.tessera_auth_file))
        try:
            yield
        finally:
            publisher.close()

    app = FastAPI(
        title="Tessera ingest",
        version="0.1.0",
        description="Partner agencies submit intelligence reports; 202 means Kafka holds them.",
        lifespan=lifespan,
    )
    app.include_router(router)

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
