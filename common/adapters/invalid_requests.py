"""The 422 every HTTP service answers for an invalid request: each invalid field named, with the
input it echoes made safe to write as JSON text first."""

import math
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


def json_safe(value: Any) -> Any:
    """The value with what JSON cannot carry spelled out: infinite numbers, lone surrogates."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {json_safe(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


async def refuse_invalid(request: Request, error: Exception) -> JSONResponse:  # noqa: ARG001
    """422 naming each invalid field; register it for RequestValidationError.

    A body may hold what JSON text cannot (`1e999` parses to infinity, `"\\ud800"` to a lone
    surrogate); echoed as sent, the 422 itself failed to render and the caller got a 500.
    """
    errors = error.errors() if isinstance(error, RequestValidationError) else []
    return JSONResponse(status_code=422, content={"detail": json_safe(jsonable_encoder(errors))})
