"""A detection read that met data being written is tried again; other errors are not."""

import asyncio
from typing import Any

import pytest
from neo4j.exceptions import ClientError, ServiceUnavailable, TransientError

from services.alerts.batched_reads import Rows
from services.alerts.shared_reads import retrying


class Flaky:
    """A read that fails with the given errors first, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self, query: str, params: dict[str, Any]) -> Rows:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return [{"for_id": params["ids"][0]}]


def _run(read: Flaky, attempts: int = 4) -> Rows:
    run = retrying(read, attempts=attempts, wait_s=0.001)

    async def once() -> Rows:
        return await run("RETURN 1", {"ids": ["person:a"]})

    return asyncio.run(once())


def test_a_transient_error_is_tried_again_until_the_read_answers() -> None:
    read = Flaky(TransientError("outdated"), TransientError("outdated"))
    assert _run(read) == [{"for_id": "person:a"}]
    assert read.calls == 3


def test_the_last_transient_error_is_raised_for_the_batch_to_try_again() -> None:
    read = Flaky(*(TransientError("outdated") for _ in range(4)))
    with pytest.raises(TransientError):
        _run(read)
    assert read.calls == 4


@pytest.mark.parametrize("error", [ClientError("bad query"), ServiceUnavailable("down")])
def test_other_errors_are_raised_at_once(error: Exception) -> None:
    read = Flaky(error)
    with pytest.raises(type(error)):
        _run(read)
    assert read.calls == 1
