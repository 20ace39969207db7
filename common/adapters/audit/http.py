"""The audit in the FastAPI services: the purpose every audited read states, the process's trail
as a dependency, and 503 (nothing returned) when the audit cannot be written."""

import logging
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, status
from fastapi.responses import JSONResponse

from common.audit.trail import Auditor, AuditUnavailable

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5

Purpose = Annotated[
    str,
    Query(
        min_length=5,
        max_length=500,
        description="Why you are looking (recorded in the audit log with your user and the "
        "subjects you saw), e.g. 'ETAC review for case 123'.",
    ),
]

AUDIT_UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "The read could not be recorded in the audit (Kafka or the graph "
        "database is unavailable), so nothing is returned; retry after Retry-After."
    }
}


async def get_auditor(request: Request) -> Auditor:
    """The process's audit trail, opened in the lifespan."""
    auditor: Auditor = request.app.state.audit_trail
    return auditor


AuditDep = Annotated[Auditor, Depends(get_auditor)]


async def audit_unavailable(request: Request, error: Exception) -> JSONResponse:  # noqa: ARG001
    """503 with Retry-After: a read that could not be audited returns nothing."""
    log.warning("a read was refused: its audit entry could not be written: %s", error)
    return JSONResponse(
        {
            "detail": "the read could not be recorded in the audit, so nothing is returned; "
            "retry later"
        },
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def refuse_unaudited_reads(app: FastAPI) -> None:
    """Answer 503 wherever a route's audit could not be written."""
    app.add_exception_handler(AuditUnavailable, audit_unavailable)
