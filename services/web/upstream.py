"""Calls to the three service APIs on a signed-in user's behalf, with their session's token."""

import re
from collections.abc import AsyncIterator, Mapping
from enum import StrEnum
from typing import Any

import httpx

# What a forwarded path may hold: entity ids (person:..., vehicle:...), UUIDs, and the
# services' own words. No "..", no "//", no query: those are passed separately.
SAFE_PATH = re.compile(r"^[A-Za-z0-9_\-:.@+]+(/[A-Za-z0-9_\-:.@+]+)*$")
PASSED_HEADERS = ("idempotency-key", "last-event-id", "content-type")


class Service(StrEnum):
    """The service APIs the web calls."""

    INGEST = "ingest"
    NETWORK = "network"
    ALERTS = "alerts"


class UnsafePath(ValueError):
    """The path would leave the service's /v1 API."""


def v1_path(path: str) -> str:
    """The /v1 path a forwarded path stands for, or UnsafePath."""
    if not SAFE_PATH.match(path) or any(part in {".", ".."} for part in path.split("/")):
        raise UnsafePath(path)
    return f"/v1/{path}"


class Upstream:
    """One HTTP client for the process, opened at start-up and closed at stop."""

    def __init__(
        self,
        *,
        urls: Mapping[Service, str],
        timeout_s: float,
        transport: httpx.AsyncBaseTransport | None = None,  # tests answer with a MockTransport
    ) -> None:
        self._urls = dict(urls)
        self._client = httpx.AsyncClient(
            timeout=timeout_s, follow_redirects=False, transport=transport
        )

    async def aclose(self) -> None:
        """Close the connections."""
        await self._client.aclose()

    async def call(
        self,
        service: Service,
        method: str,
        path: str,
        *,
        token: str,
        params: httpx.QueryParams | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One request to a service's /v1 API with the session's bearer token."""
        return await self._client.request(
            method,
            self._urls[service] + v1_path(path),
            params=params,
            json=json,
            content=content,
            headers=_headers(token, headers),
        )

    async def open_stream(
        self,
        service: Service,
        path: str,
        *,
        token: str,
        params: httpx.QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """A streamed GET (server-sent events): read with `relay`, then close the response."""
        request = self._client.build_request(
            "GET",
            self._urls[service] + v1_path(path),
            params=params,
            headers=_headers(token, headers),
            # The alert stream pings every 15 s; a minute of silence means it is gone.
            timeout=httpx.Timeout(10.0, read=60.0),
        )
        return await self._client.send(request, stream=True)


async def relay(response: httpx.Response) -> AsyncIterator[bytes]:
    """The bytes of a streamed response as they arrive."""
    async for chunk in response.aiter_raw():
        yield chunk


def _headers(token: str, passed: Mapping[str, str] | None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    for name, value in (passed or {}).items():
        if name.lower() in PASSED_HEADERS:
            headers[name] = value
    return headers
