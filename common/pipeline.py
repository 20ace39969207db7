"""A stream's messages in a pipeline of three steps, so the worker's Python and the database's
work overlap: each chunk of messages is prepared as it arrives (while the batch before is being
worked on), the worker takes everything prepared (up to a batch) as soon as it is free, and a
batch is finished (its results sent, its offsets acknowledged) while the next one is worked on.

Batches are worked on one at a time and finished in the order they were taken; the pipeline
holds at most two batches beyond the one being worked on. A step that fails stops it: nothing
after the failure is finished, and the failure is raised by `run`.
"""

import asyncio
from collections.abc import AsyncIterable, Awaitable, Callable
from typing import Generic, TypeVar

M = TypeVar("M")  # a message
P = TypeVar("P")  # what preparing made of it
R = TypeVar("R")  # what working on a batch gave


class Pipeline(Generic[M, P, R]):
    """`prepare` a chunk of messages (one item each, in order), `work` on a batch of prepared
    messages, `finish` a batch with what work gave; `size` messages a batch at most."""

    def __init__(
        self,
        *,
        size: int,
        prepare: Callable[[list[M]], Awaitable[list[P]]],
        work: Callable[[list[tuple[M, P]]], Awaitable[R]],
        finish: Callable[[list[M], R], Awaitable[None]],
    ) -> None:
        self._size = size
        self._prepare = prepare
        self._work = work
        self._finish = finish
        self._ready: list[tuple[M, P]] = []
        self._arrived = asyncio.Event()
        self._taken = asyncio.Event()
        self._ended = False

    async def run(self, chunks: AsyncIterable[list[M]]) -> None:
        """Feed the chunks through until they end (then finish what is in hand) or a step fails
        (then raise its error)."""
        worker = asyncio.create_task(self._worker())
        try:
            async for chunk in chunks:
                prepared = await self._prepare(chunk)
                while len(self._ready) >= self._size and not worker.done():
                    self._taken.clear()
                    await self._taken.wait()
                if worker.done():
                    break
                self._ready.extend(zip(chunk, prepared, strict=True))
                self._arrived.set()
            self._ended = True
            self._arrived.set()
            await worker
        finally:
            worker.cancel()

    async def _worker(self) -> None:
        finishing: asyncio.Task[None] | None = None
        waiting: asyncio.Task[None] | None = None
        try:
            while True:
                await self._arrived.wait()
                batch = self._ready[: self._size]
                del self._ready[: len(batch)]
                if not self._ready and not self._ended:
                    self._arrived.clear()
                self._taken.set()
                if not batch:
                    break  # the chunks ended and all was taken
                if waiting is not None:  # two batches in hand at most
                    await waiting
                result = await self._work(batch)
                waiting, finishing = (
                    finishing,
                    asyncio.create_task(
                        self._finish_after([m for m, _ in batch], result, after=finishing)
                    ),
                )
            if finishing is not None:
                await finishing
        finally:
            for task in (finishing, waiting):
                if task is not None:
                    task.cancel()
            self._taken.set()  # the feeder must not wait for a worker that has stopped

    async def _finish_after(
        self, messages: list[M], result: R, *, after: "asyncio.Task[None] | None"
    ) -> None:
        if after is not None:
            await after
        await self._finish(messages, result)
