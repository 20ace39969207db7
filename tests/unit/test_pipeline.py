"""The prepare / work / finish pipeline the network worker links its lanes' batches with."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from common.pipeline import Pipeline


class Recorder:
    """Steps that write down what they were given, in the order they ran."""

    def __init__(self) -> None:
        self.log: list[tuple[str, list[int]]] = []
        self.working = asyncio.Event()  # set while a batch is being worked on
        self.release = asyncio.Event()  # work waits for it when `hold` is on
        self.hold = False

    async def prepare(self, chunk: list[int]) -> list[str]:
        self.log.append(("prepare", chunk))
        return [f"p{m}" for m in chunk]

    async def work(self, batch: list[tuple[int, str]]) -> list[int]:
        assert all(p == f"p{m}" for m, p in batch)
        messages = [m for m, _ in batch]
        self.log.append(("work", messages))
        self.working.set()
        if self.hold:
            await self.release.wait()
        self.working.clear()
        return messages

    async def finish(self, messages: list[int], result: list[int]) -> None:
        assert result == messages
        self.log.append(("finish", messages))

    def pipeline(self, size: int) -> Pipeline[int, str, list[int]]:
        return Pipeline(size=size, prepare=self.prepare, work=self.work, finish=self.finish)

    def steps(self, name: str) -> list[list[int]]:
        return [messages for step, messages in self.log if step == name]


async def chunks_of(*chunks: list[int]) -> AsyncIterator[list[int]]:
    for chunk in chunks:
        yield chunk
        await asyncio.sleep(0)


async def _every_message_is_worked_on_and_finished_once_in_order() -> None:
    steps = Recorder()
    await steps.pipeline(size=4).run(chunks_of([1, 2, 3], [4, 5], [6], [7, 8, 9, 10, 11]))
    worked = [m for batch in steps.steps("work") for m in batch]
    finished = [m for batch in steps.steps("finish") for m in batch]
    assert worked == finished == list(range(1, 12))
    assert all(len(batch) <= 4 for batch in steps.steps("work"))
    assert steps.steps("work") == steps.steps("finish")


async def _chunks_arriving_while_a_batch_is_worked_on_are_taken_together() -> None:
    steps = Recorder()
    steps.hold = True

    async def arriving() -> AsyncIterator[list[int]]:
        yield [1]
        await steps.working.wait()  # batch [1] is being worked on
        yield [2]
        yield [3]
        steps.release.set()
        await asyncio.sleep(0.01)  # the worker takes [2, 3] and works on it
        yield [4]

    await steps.pipeline(size=3).run(arriving())
    assert steps.steps("work")[:2] == [[1], [2, 3]]
    assert [m for batch in steps.steps("work") for m in batch] == [1, 2, 3, 4]
    # The later chunks were prepared while the first batch was still being worked on.
    assert steps.log.index(("prepare", [2])) > steps.log.index(("work", [1]))
    assert steps.log.index(("prepare", [3])) < steps.log.index(("work", [2, 3]))


async def _the_feeder_waits_while_a_full_batch_is_ready() -> None:
    steps = Recorder()
    steps.hold = True
    fed: list[int] = []

    async def arriving() -> AsyncIterator[list[int]]:
        yield [1]
        await steps.working.wait()
        for m in range(2, 6):
            fed.append(m)
            yield [m]

    running = asyncio.create_task(steps.pipeline(size=2).run(arriving()))
    await asyncio.sleep(0.02)
    # [2, 3] are ready (a full batch), [4] is prepared and held back: [5] is not asked for.
    assert fed == [2, 3, 4]
    steps.release.set()
    await running
    assert [m for batch in steps.steps("work") for m in batch] == [1, 2, 3, 4, 5]


async def _a_batch_is_finished_only_after_the_one_before() -> None:
    steps = Recorder()
    first_may_finish = asyncio.Event()
    finish = steps.finish

    async def slow_first(messages: list[int], result: list[int]) -> None:
        if messages == [1]:
            await first_may_finish.wait()
        await finish(messages, result)

    steps.finish = slow_first  # type: ignore[method-assign]

    async def arriving() -> AsyncIterator[list[int]]:
        yield [1]
        await asyncio.sleep(0.01)
        yield [2]
        await asyncio.sleep(0.01)  # batch [2] is worked on; [1] cannot finish yet
        assert steps.steps("work") == [[1], [2]]
        assert steps.steps("finish") == []
        first_may_finish.set()

    await steps.pipeline(size=1).run(arriving())
    assert steps.steps("finish") == [[1], [2]]


async def _no_more_than_two_batches_wait_to_be_finished() -> None:
    steps = Recorder()
    may_finish = asyncio.Event()
    finish = steps.finish

    async def stalled(messages: list[int], result: list[int]) -> None:
        await may_finish.wait()
        await finish(messages, result)

    steps.finish = stalled  # type: ignore[method-assign]
    running = asyncio.create_task(steps.pipeline(size=1).run(chunks_of(*[[m] for m in range(8)])))
    await asyncio.sleep(0.02)
    # [0] finishing, [1] waiting to: [2] is not worked on until [0] is finished.
    assert steps.steps("work") == [[0], [1]]
    assert steps.steps("finish") == []
    may_finish.set()
    await running
    assert steps.steps("finish") == [[m] for m in range(8)]


async def _a_failed_batch_stops_the_pipeline_and_nothing_after_it_is_finished() -> None:
    steps = Recorder()
    work = steps.work

    async def failing(batch: list[tuple[int, str]]) -> list[int]:
        if batch[0][0] == 3:
            raise RuntimeError("the database refused")
        return await work(batch)

    steps.work = failing  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="the database refused"):
        await steps.pipeline(size=2).run(chunks_of([1, 2], [3, 4], [5, 6], [7, 8]))
    finished = [m for batch in steps.steps("finish") for m in batch]
    assert 3 not in finished and 5 not in finished and 7 not in finished
    assert steps.steps("work") == [[1, 2]]


async def _a_failed_finish_is_raised_and_nothing_after_it_is_finished() -> None:
    steps = Recorder()
    finish = steps.finish

    async def failing(messages: list[int], result: list[int]) -> None:
        if messages == [2]:
            raise ConnectionError("Kafka refused")
        await finish(messages, result)

    steps.finish = failing  # type: ignore[method-assign]
    with pytest.raises(ConnectionError, match="Kafka refused"):
        await steps.pipeline(size=1).run(chunks_of([1], [2], [3], [4], [5]))
    assert steps.steps("finish") == [[1]]


def test_every_message_is_worked_on_and_finished_once_in_order() -> None:
    asyncio.run(_every_message_is_worked_on_and_finished_once_in_order())


def test_chunks_arriving_while_a_batch_is_worked_on_are_taken_together() -> None:
    asyncio.run(_chunks_arriving_while_a_batch_is_worked_on_are_taken_together())


def test_a_batch_is_finished_only_after_the_one_before() -> None:
    asyncio.run(_a_batch_is_finished_only_after_the_one_before())


def test_no_more_than_two_batches_wait_to_be_finished() -> None:
    asyncio.run(_no_more_than_two_batches_wait_to_be_finished())


def test_a_failed_batch_stops_the_pipeline_and_nothing_after_it_is_finished() -> None:
    asyncio.run(_a_failed_batch_stops_the_pipeline_and_nothing_after_it_is_finished())


def test_a_failed_finish_is_raised_and_nothing_after_it_is_finished() -> None:
    asyncio.run(_a_failed_finish_is_raised_and_nothing_after_it_is_finished())


def test_the_feeder_waits_while_a_full_batch_is_ready() -> None:
    asyncio.run(_the_feeder_waits_while_a_full_batch_is_ready())
