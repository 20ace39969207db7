"""Reads of many entities made in one statement.

Detection asks for one entity at a time (each pattern's rule reads the neighbourhood of the
entity it is given), but a batch of linked reports is examined for many entities together. The
calls of one query that these detections make while they run are gathered for a few turns of the
event loop and sent as one statement over all their ids (`UNWIND $ids AS for_id`); each row
names the id it answers in `for_id`, and each caller gets its own rows, in the statement's order.
One statement instead of one per entity saves a round trip, a transaction and the driver's work
around it for every entity after the first.

A query read this way starts with `UNWIND $ids AS for_id` and returns `for_id` with every row;
its other parameters are the same for every caller it is sent for (calls with other values wait
for their own statement). Its rows come back in one record, `RETURN collect({...}) AS rows`
(see `shared_reads.runner`).

A query whose callers each bring parameters of their own (an alert's explaining subgraph: its
entities and its reports) starts with `UNWIND $requests AS request` instead: each request is a
map of one caller's parameters, with `for_id` the key the caller named it by (equal keys, equal
parameters), and each row names that key in `for_id`.
"""

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

IDS = "ids"  # the parameter holding the ids a statement reads
REQUESTS = "requests"  # the parameter holding each caller's own parameters, when they have any
FOR_ID = "for_id"  # the column naming the id a row answers
ROWS = "rows"  # the one column of a statement's one record: its rows, as a list
TICKS = 3  # turns of the event loop that calls are gathered for before they are sent

Rows = list[dict[str, Any]]
Run = Callable[[str, dict[str, Any]], Awaitable[Rows]]


class ReadRows(Protocol):
    """Reads the rows a query returns for one entity, or for several."""

    async def __call__(self, query: str, entity_id: str, **shared: Any) -> Rows:
        """The rows `query` returns for `entity_id`, given the other parameters."""
        ...

    async def many(self, query: str, ids: Iterable[str], **shared: Any) -> dict[str, Rows]:
        """The rows `query` returns for each of `ids` (every id a key, [] when it has none)."""
        ...

    async def request(self, query: str, key: str, own: Mapping[str, Any], **shared: Any) -> Rows:
        """The rows `query` returns for one caller's own parameters, named by `key`."""
        ...


def _requests(own: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{**params, FOR_ID: key} for key, params in own.items()]


def _by_id(ids: Iterable[str], rows: Rows) -> dict[str, Rows]:
    answers: dict[str, Rows] = {entity_id: [] for entity_id in ids}
    for row in rows:
        answers[row[FOR_ID]].append(row)
    return answers


class _Alone:
    def __init__(self, run: Run) -> None:
        self._run = run

    async def __call__(self, query: str, entity_id: str, **shared: Any) -> Rows:
        return await self._run(query, {**shared, IDS: [entity_id]})

    async def many(self, query: str, ids: Iterable[str], **shared: Any) -> dict[str, Rows]:
        unique = list(dict.fromkeys(ids))
        return _by_id(unique, await self._run(query, {**shared, IDS: unique}) if unique else [])

    async def request(self, query: str, key: str, own: Mapping[str, Any], **shared: Any) -> Rows:
        return await self._run(query, {**shared, IDS: [key], REQUESTS: _requests({key: own})})


def one_at_a_time(run: Run) -> ReadRows:
    """Each call its own statement, over its ids (a detection run on its own)."""
    return _Alone(run)


@dataclass
class _Waiting:
    query: str
    shared: dict[str, Any]
    callers: dict[str, asyncio.Future[Rows]] = field(default_factory=dict)
    own: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # per caller, if any


class BatchedReads:
    """Gathers the reads of one batch's detections and sends each query once for all of them."""

    def __init__(self, run: Run, *, ticks: int = TICKS) -> None:
        self._run = run
        self._ticks = ticks
        self._waiting: dict[tuple[str, str], _Waiting] = {}
        self._armed = False
        self._sending: set[asyncio.Task[None]] = set()
        self.asked = 0  # reads asked for
        self.sent = 0  # statements sent for them

    async def __call__(self, query: str, entity_id: str, **shared: Any) -> Rows:
        """The rows `query` returns for `entity_id`, read with the other callers of the query."""
        # Shielded: callers of one id share the future, and one of them cancelled (its
        # detection stopped) must not cancel the others' read.
        return await asyncio.shield(self._future(query, entity_id, shared))

    async def many(self, query: str, ids: Iterable[str], **shared: Any) -> dict[str, Rows]:
        """The rows `query` returns for each of `ids`, read with the other callers."""
        futures = {entity_id: self._future(query, entity_id, shared) for entity_id in ids}
        rows = await asyncio.shield(asyncio.gather(*futures.values()))
        return dict(zip(futures, rows, strict=True))

    async def request(self, query: str, key: str, own: Mapping[str, Any], **shared: Any) -> Rows:
        """The rows `query` returns for one caller's own parameters (named by `key`), read with
        the other callers' requests."""
        return await asyncio.shield(self._future(query, key, shared, own))

    def _future(
        self,
        query: str,
        entity_id: str,
        shared: dict[str, Any],
        own: Mapping[str, Any] | None = None,
    ) -> asyncio.Future[Rows]:
        key = (query, json.dumps(shared, sort_keys=True, default=str))
        waiting = self._waiting.setdefault(key, _Waiting(query, shared))
        future = waiting.callers.get(entity_id)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            future.add_done_callback(_retrieved)
            waiting.callers[entity_id] = future
            if own is not None:
                waiting.own[entity_id] = own
        self.asked += 1
        self._arm()
        return future

    def _arm(self) -> None:
        if not self._armed:
            self._armed = True
            asyncio.get_running_loop().call_soon(self._tick, self._ticks)

    def _tick(self, left: int) -> None:
        if left > 0:
            asyncio.get_running_loop().call_soon(self._tick, left - 1)
            return
        self._armed = False
        waiting, self._waiting = list(self._waiting.values()), {}
        for one in waiting:
            task = asyncio.get_running_loop().create_task(self._send(one))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _send(self, waiting: _Waiting) -> None:
        self.sent += 1
        try:
            params = {**waiting.shared, IDS: list(waiting.callers)}
            if waiting.own:
                params[REQUESTS] = _requests(waiting.own)
            rows = await self._run(waiting.query, params)
        except asyncio.CancelledError:
            for future in waiting.callers.values():
                future.cancel()
            raise
        except BaseException as error:  # every caller learns why, and retries as it would
            for future in waiting.callers.values():
                if not future.done():
                    future.set_exception(error)
            return
        answers = _by_id(waiting.callers, rows)
        for entity_id, future in waiting.callers.items():
            if not future.done():
                future.set_result(answers[entity_id])


def _retrieved(future: asyncio.Future[Rows]) -> None:
    """Marks an error as seen even when every caller of it stopped waiting (no warning)."""
    if not future.cancelled():
        future.exception()
