"""Issue 14, limits: every HTTP service refuses a body before reading it when the caller is not
authenticated (401), and refuses one over its size limit (413), sent in chunks too."""

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from common.adapters.body_limit import BodySizeLimit
from common.auth import Role, TokenStore
from services.alerts.config import Settings as AlertSettings
from services.alerts.main import create_app as alerts_app
from services.network.analyst.main import create_app as network_app
from services.network.config import Settings as NetworkSettings
from services.web.config import Settings as WebSettings
from services.web.main import create_app as web_app
from services.web.sessions import MemorySessionStore

MB = 1_000_000


class Body:
    """A chunked body: no Content-Length. (The test client reads it whole before the app
    runs, so what the guard reads is measured below, on the guard alone.)"""

    def __init__(self, size: int, chunk: int = 64 * 1024) -> None:
        self.size, self.chunk, self.sent = size, chunk, 0

    def __iter__(self) -> Iterator[bytes]:
        while self.sent < self.size:
            self.sent += self.chunk
            yield b"x" * self.chunk


def _token(tmp_path: Path, app: FastAPI, role: Role) -> dict[str, str]:
    store = TokenStore(tmp_path / "users.json")
    store.add_agency("Synthetic Police")
    token = store.issue(user="pc.synth", agency="Synthetic Police", role=role)
    app.state.token_store = store
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("make", "path", "role"),
    [
        (
            lambda f: alerts_app(AlertSettings(tessera_auth_file=f)),
            "/v1/alerts/x/close",
            Role.POLICE,
        ),
        (
            lambda f: network_app(NetworkSettings(tessera_auth_file=f)),
            "/v1/resolution/candidates/x/decision",
            Role.ANALYST,
        ),
    ],
    ids=["alerts", "network"],
)
def test_a_bearer_api_refuses_a_strangers_body_and_a_chunked_body_over_its_limit(
    tmp_path: Path, make: Callable[[str], FastAPI], path: str, role: Role
) -> None:
    app: FastAPI = make(str(tmp_path / "users.json"))
    auth = _token(tmp_path, app, role)
    client = TestClient(app)
    stranger = Body(20 * MB)
    refused = client.post(path, content=stranger, headers={"Authorization": "Bearer tsr_no.pe"})
    assert refused.status_code == 401
    unsigned = Body(20 * MB)
    assert client.post(path, content=unsigned).status_code == 401
    big = Body(20 * MB)
    too_large = client.post(path, content=big, headers=auth)
    assert too_large.status_code == 413, too_large.text
    declared = client.post(path, content=b"x" * (2 * MB), headers=auth)
    assert declared.status_code == 413


def test_the_web_reads_a_body_only_for_a_sign_in_or_a_live_session(tmp_path: Path) -> None:
    app = web_app(
        WebSettings(tessera_auth_file=str(tmp_path / "users.json"), web_static_dir=str(tmp_path))
    )
    app.state.sessions = MemorySessionStore()
    client = TestClient(app)
    stranger = Body(20 * MB)
    assert client.post("/api/reports", content=stranger).status_code == 401
    huge_sign_in = Body(20 * MB)
    assert client.post("/api/session", content=huge_sign_in).status_code == 413


def _guarded(admitted: bool, chunks: int) -> tuple[int, int]:
    """The status the guard answers and how many chunks of 64 KiB it read, limit 1 MB."""
    read = 0

    async def receive() -> dict[str, object]:
        nonlocal read
        read += 1
        return {"type": "http.request", "body": b"x" * 65536, "more_body": read < chunks}

    async def app(scope: object, receive_: Callable[[], object], send: object) -> None:
        while True:
            message = await receive_()  # type: ignore[misc]
            if not message.get("more_body"):
                break

    sent: list[dict[str, object]] = []

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    async def admits(scope: object) -> bool:
        return admitted

    guard = BodySizeLimit(app, max_bytes=MB, admits=admits)
    scope = {"type": "http", "method": "POST", "headers": [], "path": "/v1/x"}
    asyncio.run(guard(scope, receive, send))  # type: ignore[arg-type]
    return int(str(sent[0]["status"])), read


def test_the_guard_reads_nothing_of_a_strangers_body_and_stops_at_its_limit() -> None:
    assert _guarded(admitted=False, chunks=320) == (401, 0)
    status, read = _guarded(admitted=True, chunks=320)  # 20 MB, chunked
    assert status == 413 and read == MB // 65536 + 1
