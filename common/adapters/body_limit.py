"""An ASGI guard every HTTP service puts in front of its routes: a request that must be
authenticated is refused (401) before its body is read, and a body over the size limit is
refused (413) by its Content-Length or, sent in chunks, as soon as it grows past the limit."""

import json
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
Admits = Callable[[Scope], Awaitable[bool]]


class BodyTooLarge(Exception):
    """The body went past the limit while it was being read."""


class BodySizeLimit:
    """Refuse request bodies over max_bytes, and bodies of callers `admits` refuses, before
    the application reads them."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, admits: Admits | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.admits = admits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _answer(send, 413, self._too_large())
            return
        if scope["method"] in BODY_METHODS and self.admits and not await self.admits(scope):
            await _answer(
                send,
                401,
                "sign in, or send a valid bearer token, before sending a body",
                [(b"www-authenticate", b"Bearer")],
            )
            return
        seen = 0
        too_large = False

        async def counting_receive() -> Message:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    too_large = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if not too_large:  # FastAPI turns an error while reading a body into its own 400
                await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            pass
        if too_large:
            await _answer(send, 413, self._too_large())

    def _too_large(self) -> str:
        return (
            f"the request body is larger than {self.max_bytes} bytes; split it into smaller parts"
        )


async def _answer(
    send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
