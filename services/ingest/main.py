"""The ingest process: builds the FastAPI app and opens its Kafka clients and ledger."""

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from common.auth import TokenStore
from common.body_limit import BodySizeLimit
from common.http_auth import bearer_admits
from common.kafka_access import kafka_access
from common.logs import configure_logging
from services.ingest.api import router
from services.ingest.config import Settings, get_settings
from services.ingest.ledger import SqliteLedger
from services.ingest.publisher import KafkaPublisher, KafkaReportReader


def _json_safe(value: Any) -> Any:
    """The value with what JSON cannot carry spelled out: infinite numbers, lone surrogates."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_json_safe(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


async def refuse_invalid(request: Request, error: Exception) -> JSONResponse:  # noqa: ARG001
    """422 naming each invalid field; the input it echoes is made JSON-safe first.

    A body may hold what JSON text cannot (`1e999` parses to infinity, `"\\ud800"` to a lone
    surrogate); echoed as sent, the 422 itself failed to render and the caller got a 500.
    """
    errors = error.errors() if isinstance(error, RequestValidationError) else []
    return JSONResponse(status_code=422, content={"detail": _json_safe(jsonable_encoder(errors))})


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the ingest app; clients open at start-up, not at import."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service="ingest")
        timeout = settings.ingest_publish_timeout_s
        access = kafka_access(settings)
        app.state.publisher = KafkaPublisher(
            access=access, timeout_s=timeout, linger_ms=settings.ingest_linger_ms
        )
        app.state.reader = KafkaReportReader(access=access, timeout_s=timeout)
        app.state.ledger = SqliteLedger(Path(settings.ingest_ledger_file))
        app.state.token_store = TokenStore(Path(settings.tessera_auth_file))
        try:
            yield
        finally:
            app.state.publisher.close()
            app.state.reader.close()
            app.state.ledger.close()

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
