"""Issue 14, webhooks: the destination is checked at delivery, against the addresses its host
resolves to then (server-side request forgery), not only by the CLI when it is added."""

import asyncio

import httpx
import pytest

from services.alerts.delivery.destinations import refusal
from services.alerts.delivery.notify import _settles
from services.alerts.delivery.ports import JobStatus, PostResult
from services.alerts.delivery.webhooks import HttpxPoster

PUBLIC = "93.184.215.14"  # a public address, for the table only: nothing is sent


@pytest.mark.parametrize(
    ("url", "addresses", "allowed", "refused"),
    [
        ("https://mash.example/hook", [PUBLIC], [], False),
        ("http://mash.example/hook", [PUBLIC], [], True),  # https only
        ("https://mash.example/hook", ["127.0.0.1"], [], True),  # resolves to this machine
        ("https://mash.example/hook", [PUBLIC, "10.1.2.3"], [], True),  # one private address
        ("https://meta.example/latest", ["169.254.169.254"], [], True),  # cloud metadata
        ("https://[::1]/hook", ["::1"], [], True),
        ("https://cgn.example/hook", ["100.64.0.9"], [], True),  # shared address space
        ("https://mash.internal/hook", ["10.1.2.3"], ["mash.internal"], False),  # admin allowed
        ("http://127.0.0.1:8999/hook", ["127.0.0.1"], ["127.0.0.1"], False),  # a local receiver
        ("http://mash.internal/hook", ["10.1.2.3"], ["mash.internal"], True),  # http off-machine
        ("ftp://mash.example/hook", [PUBLIC], [], True),
        ("https://nowhere.example/hook", [], [], True),
    ],
)
def test_only_public_https_destinations_or_hosts_an_admin_allowed(
    url: str, addresses: list[str], allowed: list[str], refused: bool
) -> None:
    assert (refusal(url, addresses=addresses, allowed_hosts=allowed) is not None) is refused


def test_a_refused_destination_is_never_contacted_and_settles_the_job_as_rejected() -> None:
    contacted: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        contacted.append(request)
        return httpx.Response(204)

    async def post() -> PostResult:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            poster = HttpxPoster(client, allowed_hosts=[])
            return await poster.post("https://127.0.0.1:8443/hook", body=b"{}", headers={})

    result = asyncio.run(post())
    assert result.refused and contacted == []
    assert result.error is not None and "not public" in result.error
    assert _settles(result) is JobStatus.REJECTED
