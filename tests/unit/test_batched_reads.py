"""The reads of a batch's detections gathered into one statement per query."""

import asyncio
from typing import Any

import pytest

from services.alerts.batched_reads import (
    FOR_ID,
    IDS,
    REQUESTS,
    BatchedReads,
    Rows,
    one_at_a_time,
)

PLACE = "UNWIND $ids AS for_id MATCH (l:Location {id: for_id}) RETURN for_id, l.id AS id"
PEOPLE = "UNWIND $ids AS for_id MATCH (p:Person {id: for_id}) RETURN for_id, p.id AS id"
EXPLAIN = "UNWIND $requests AS request RETURN request.for_id AS for_id, request.ids AS ids"


class FakeGraph:
    """Answers each id with two rows naming it, and records every statement sent."""

    def __init__(self, *, fails: BaseException | None = None) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.fails = fails

    async def run(self, query: str, params: dict[str, Any]) -> Rows:
        self.sent.append((query, params))
        await asyncio.sleep(0)  # a round trip
        if self.fails is not None:
            raise self.fails
        return [{FOR_ID: i, "n": n} for n in (1, 2) for i in reversed(params[IDS])]


def test_the_reads_of_one_query_made_together_are_one_statement() -> None:
    graph = FakeGraph()
    reads = BatchedReads(graph.run)

    async def scenario() -> list[Rows]:
        return await asyncio.gather(*(reads(PLACE, f"location:{i}") for i in range(5)))

    answers = asyncio.run(scenario())

    assert len(graph.sent) == 1
    assert graph.sent[0][1][IDS] == [f"location:{i}" for i in range(5)]
    for i, rows in enumerate(answers):  # each caller its own rows, in the statement's order
        assert rows == [{FOR_ID: f"location:{i}", "n": 1}, {FOR_ID: f"location:{i}", "n": 2}]
    assert (reads.asked, reads.sent) == (5, 1)


def test_other_queries_and_other_parameters_are_statements_of_their_own() -> None:
    graph = FakeGraph()
    reads = BatchedReads(graph.run)

    async def scenario() -> None:
        await asyncio.gather(
            reads(PLACE, "location:a", since="2026-01-01"),
            reads(PLACE, "location:b", since="2026-01-01"),
            reads(PLACE, "location:c", since="2026-06-01"),
            reads(PEOPLE, "person:a"),
        )

    asyncio.run(scenario())

    sent = sorted((q == PLACE, p.get("since", ""), tuple(p[IDS])) for q, p in graph.sent)
    assert sent == [
        (False, "", ("person:a",)),
        (True, "2026-01-01", ("location:a", "location:b")),
        (True, "2026-06-01", ("location:c",)),
    ]


def test_an_entity_the_graph_does_not_hold_gets_no_rows() -> None:
    async def run(query: str, params: dict[str, Any]) -> Rows:
        return [{FOR_ID: "location:known"}]

    reads = BatchedReads(run)

    async def scenario() -> tuple[Rows, Rows]:
        return await asyncio.gather(reads(PLACE, "location:known"), reads(PLACE, "location:gone"))

    assert list(asyncio.run(scenario())) == [[{FOR_ID: "location:known"}], []]


def test_reads_asked_after_a_statement_went_are_sent_in_the_next() -> None:
    graph = FakeGraph()
    reads = BatchedReads(graph.run)

    async def scenario() -> tuple[Rows, Rows]:
        first = await reads(PLACE, "location:a")
        return first, await reads(PLACE, "location:b")

    first, second = asyncio.run(scenario())

    assert [p[IDS] for _, p in graph.sent] == [["location:a"], ["location:b"]]
    assert {r[FOR_ID] for r in first} == {"location:a"}
    assert {r[FOR_ID] for r in second} == {"location:b"}


def test_an_outage_reaches_every_caller_of_the_statement() -> None:
    graph = FakeGraph(fails=ConnectionResetError("neo4j went away"))
    reads = BatchedReads(graph.run)

    async def scenario() -> list[Rows | BaseException]:
        return await asyncio.gather(
            *(reads(PLACE, f"location:{i}") for i in range(3)), return_exceptions=True
        )

    answers = asyncio.run(scenario())

    assert len(graph.sent) == 1
    assert all(isinstance(a, ConnectionResetError) for a in answers)


def test_one_caller_stopping_leaves_the_others_of_the_same_id_their_rows() -> None:
    graph = FakeGraph()
    reads = BatchedReads(graph.run)

    async def scenario() -> Rows:
        stopped = asyncio.create_task(reads(PLACE, "location:a"))
        kept = asyncio.create_task(reads(PLACE, "location:a"))
        await asyncio.sleep(0)
        stopped.cancel()
        with pytest.raises(asyncio.CancelledError):
            await stopped
        return await kept

    rows = asyncio.run(scenario())

    assert [r["n"] for r in rows] == [1, 2]
    assert graph.sent[0][1][IDS] == ["location:a"]  # one id, read once for both


def test_alone_each_read_is_its_own_statement_over_its_one_id() -> None:
    graph = FakeGraph()
    reads = one_at_a_time(graph.run)

    async def scenario() -> tuple[Rows, Rows]:
        return await asyncio.gather(reads(PLACE, "location:a"), reads(PLACE, "location:b"))

    answers = asyncio.run(scenario())

    assert [p[IDS] for _, p in graph.sent] == [["location:a"], ["location:b"]]
    assert [{r[FOR_ID] for r in rows} for rows in answers] == [{"location:a"}, {"location:b"}]


def test_many_ids_asked_at_once_join_the_other_callers_statement() -> None:
    graph = FakeGraph()
    reads = BatchedReads(graph.run)

    async def scenario() -> tuple[dict[str, Rows], Rows]:
        return await asyncio.gather(
            reads.many(PLACE, ["location:a", "location:b"]), reads(PLACE, "location:c")
        )

    many, one = asyncio.run(scenario())

    assert [p[IDS] for _, p in graph.sent] == [["location:a", "location:b", "location:c"]]
    assert {k: [r["n"] for r in rows] for k, rows in many.items()} == {
        "location:a": [1, 2],
        "location:b": [1, 2],
    }
    assert {r[FOR_ID] for r in one} == {"location:c"}


def test_alone_many_ids_are_one_statement_and_every_id_has_an_answer() -> None:
    graph = FakeGraph()
    reads = one_at_a_time(graph.run)

    async def scenario() -> tuple[dict[str, Rows], dict[str, Rows]]:
        return await reads.many(PLACE, ["location:a", "location:b", "location:a"]), (
            await reads.many(PLACE, [])
        )

    found, none = asyncio.run(scenario())

    assert [p[IDS] for _, p in graph.sent] == [["location:a", "location:b"]]
    assert sorted(found) == ["location:a", "location:b"]
    assert all(len(rows) == 2 for rows in found.values())
    assert none == {}


async def _echo_requests(query: str, params: dict[str, Any]) -> Rows:
    await asyncio.sleep(0)
    return [{FOR_ID: r[FOR_ID], "ids": r["ids"]} for r in reversed(params[REQUESTS])]


def test_requests_with_parameters_of_their_own_are_one_statement() -> None:
    sent: list[dict[str, Any]] = []

    async def run(query: str, params: dict[str, Any]) -> Rows:
        sent.append(params)
        return await _echo_requests(query, params)

    reads = BatchedReads(run)

    async def scenario() -> tuple[Rows, Rows, Rows]:
        return await asyncio.gather(
            reads.request(EXPLAIN, "a", {"ids": ["person:1"]}),
            reads.request(EXPLAIN, "b", {"ids": ["person:2", "location:3"]}),
            reads.request(EXPLAIN, "a", {"ids": ["person:1"]}),  # the same request again
        )

    answers = asyncio.run(scenario())

    assert len(sent) == 1
    assert sent[0][REQUESTS] == [
        {"ids": ["person:1"], FOR_ID: "a"},
        {"ids": ["person:2", "location:3"], FOR_ID: "b"},
    ]
    assert [[r["ids"] for r in rows] for rows in answers] == [
        [["person:1"]],
        [["person:2", "location:3"]],
        [["person:1"]],
    ]


def test_alone_a_request_is_its_own_statement() -> None:
    sent: list[dict[str, Any]] = []

    async def run(query: str, params: dict[str, Any]) -> Rows:
        sent.append(params)
        return await _echo_requests(query, params)

    reads = one_at_a_time(run)

    rows = asyncio.run(reads.request(EXPLAIN, "a", {"ids": ["person:1"]}))

    assert [p[REQUESTS] for p in sent] == [[{"ids": ["person:1"], FOR_ID: "a"}]]
    assert rows == [{FOR_ID: "a", "ids": ["person:1"]}]
