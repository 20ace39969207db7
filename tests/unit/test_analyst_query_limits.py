"""The analyst API's limits on the graph: a path search stops at max_depth, and every query runs
with a transaction timeout whose expiry is a 503 saying how to narrow the query."""

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver
from neo4j.exceptions import ClientError, Neo4jError

from schemas.graph import LinkType, Relationship
from services.network.analyst import queries
from services.network.analyst.analysis import MAX_PATH_DEPTH, QueryTimedOut
from services.network.analyst.main import create_app
from services.network.analyst.reads import SHORTEST_PATHS, Neo4jAnalystGraph
from services.network.config import Settings

TIMEOUT_S = 2.5
AUDIENCES = ["all"]


class Row:
    """A record as the driver returns it."""

    def data(self) -> dict[str, Any]:
        return {"id": "person:a", "total": 0, "node_ids": [], "links": []}

    def __getitem__(self, key: str) -> Any:
        return [] if key == "rows" else self.data()[key]  # reads returning one list: none


class FakeSession:
    def __init__(self, driver: "FakeDriver") -> None:
        self._driver = driver

    def __enter__(self) -> "FakeSession":
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def execute_write(self, work: Callable[..., Any], *args: Any) -> None:
        self._driver.sent.append(("transaction function", getattr(work, "timeout", None)))

    def begin_transaction(self, timeout: float | None = None) -> "FakeTransaction":
        return FakeTransaction(self._driver, timeout)


class FakeTransaction:
    """An explicit transaction: records each statement run in it with its own timeout."""

    def __init__(self, driver: "FakeDriver", timeout: float | None) -> None:
        self._driver = driver
        self._timeout = timeout

    def __enter__(self) -> "FakeTransaction":
        return self

    def __exit__(self, *_: object) -> None:
        self._driver.sent.append(("commit", self._timeout))

    def run(self, query: str, parameters: Any = None) -> list[Row]:
        self._driver.sent.append((query, self._timeout))
        return [Row()]


class FakeDriver:
    """Records each statement with the timeout it was sent with; raises `error` if set."""

    def __init__(self, error: Exception | None = None, *, after_s: float = 0.0) -> None:
        self.sent: list[tuple[str, float | None]] = []
        self.error = error
        self.after_s = after_s

    def execute_query(self, query: Any, parameters: Any = None, **_: Any) -> Any:
        if self.error is not None:
            time.sleep(self.after_s)
            raise self.error
        self.sent.append((query.text, query.timeout))
        return [Row()], None, []

    def session(self, **_: Any) -> FakeSession:
        return FakeSession(self)


def _graph(driver: FakeDriver, timeout_s: float = TIMEOUT_S) -> Neo4jAnalystGraph:
    fake: Driver = driver  # type: ignore[assignment]  # the calls the adapter makes
    return Neo4jAnalystGraph(driver=fake, database="neo4j", timeout_s=timeout_s)


def _neo4j_error(code: str) -> Neo4jError:
    """An error as the driver makes it from the server's answer."""
    return Neo4jError._hydrate_neo4j(code=code, message="synthetic")  # noqa: SLF001


SEARCH = re.compile(r"shortestPath\(\s*\(a\)-\[:([\w|\s]+)\*\.\.(\d+)\]-\(b\)\)")


@pytest.mark.parametrize("depth", range(1, MAX_PATH_DEPTH + 1))
def test_each_max_depth_has_a_search_that_stops_at_it(depth: int) -> None:
    assert set(SHORTEST_PATHS) == set(range(1, MAX_PATH_DEPTH + 1))
    assert [bound for _, bound in SEARCH.findall(SHORTEST_PATHS[depth])] == [str(depth)]


@pytest.mark.parametrize("depth", range(1, MAX_PATH_DEPTH + 1))
def test_the_path_search_follows_every_link_type_and_nothing_else(depth: int) -> None:
    """Every link (each LinkType, and SAME_AS) may be on a path; no other relationship carries
    evidence, so following one would only cost (a busy place's MENTIONS)."""
    ((types, _),) = SEARCH.findall(SHORTEST_PATHS[depth])
    assert sorted(re.findall(r"\w+", types)) == sorted([*LinkType, Relationship.SAME_AS])


@pytest.mark.parametrize("statement", [queries.PATH_STEP, queries.PATH_HUB_LINKS])
def test_each_level_of_our_own_path_search_follows_every_link_type_and_nothing_else(
    statement: str,
) -> None:
    """The search's levels (and its count of a hub's links) follow the links the exhaustive
    search does, each pattern naming every LinkType and SAME_AS."""
    patterns = re.findall(r"-\[l?:([\w|\s]+)\]-", statement)
    assert len(patterns) == 2
    for types in patterns:
        assert sorted(re.findall(r"\w+", types)) == sorted([*LinkType, Relationship.SAME_AS])


def test_the_path_search_runs_the_statement_bounded_by_its_max_depth() -> None:
    driver = FakeDriver()
    _graph(driver).path(max_depth=2, source="person:a", target="person:b", audiences=AUDIENCES)
    assert driver.sent == [(SHORTEST_PATHS[2], TIMEOUT_S)]
    with pytest.raises(ValueError, match="max_depth"):
        _graph(driver).path(max_depth=MAX_PATH_DEPTH + 1, source="a", target="b", audiences=[])


def test_every_read_and_write_of_the_analyst_api_carries_the_timeout() -> None:
    driver = FakeDriver()
    graph = _graph(driver)
    page = {"offset": 0, "limit": 10}
    graph.expand(["person:a"], audiences=AUDIENCES)
    graph.nodes(["person:a"], audiences=AUDIENCES)
    graph.person_detail("person:a", audiences=AUDIENCES)
    graph.path(max_depth=4, source="person:a", target="person:b", audiences=AUDIENCES)
    graph.path_step([], audiences=AUDIENCES, ends=["person:a"], hub_links=10, from_ends=True)
    graph.hub_links(["4:x:1"], ["4:x:2"], audiences=AUDIENCES)
    graph.path_links(
        [{"source": "4:x:1", "target": "4:x:2", "type": "SEEN_AT"}], audiences=AUDIENCES
    )
    graph.search_keys(["k"], audiences=AUDIENCES, limit=10)
    graph.search_identifier("phone:+447700900001", audiences=AUDIENCES, limit=10)
    graph.person_facts(["person:a"], audiences=AUDIENCES)
    graph.timeline(id="person:a", audiences=AUDIENCES, agency="Synthetic Analysts", **page)
    graph.young_people_linked(id="person:a", audiences=AUDIENCES, **page)
    graph.co_presence(id="person:a", audiences=AUDIENCES, **page)
    graph.possible_matches(audiences=AUDIENCES, status=None, person_id=None, **page)
    graph.candidate(candidate_id="candidate:a:b", audiences=AUDIENCES)
    graph.split_check(person_id="person:a", report_ids=[], audiences=AUDIENCES)
    graph.apply_decision({"decision": "same"})
    graph.audit_entries(user=None, subject_id=None, **page)
    assert len(driver.sent) == 19  # the timeline counts, then reads a page
    assert {timeout for _, timeout in driver.sent} == {TIMEOUT_S}


@pytest.mark.parametrize(
    "code",
    [
        "Neo.ClientError.Transaction.TransactionTimedOut",
        "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    ],
)
def test_a_transaction_neo4j_ended_for_its_timeout_is_query_timed_out(code: str) -> None:
    graph = _graph(FakeDriver(error=_neo4j_error(code)))
    with pytest.raises(QueryTimedOut, match=r"ran out of time after 2\.5 s"):
        graph.nodes(["person:a"], audiences=AUDIENCES)


@pytest.mark.parametrize(
    "code",
    [
        "Neo.ClientError.Statement.SyntaxError",
        # stopped while waiting for a lock before its timeout: an operator or a shutdown did it
        "Neo.ClientError.Transaction.LockClientStopped",
    ],
)
def test_other_client_errors_are_not_taken_for_a_timeout(code: str) -> None:
    graph = _graph(FakeDriver(error=_neo4j_error(code)))
    with pytest.raises(ClientError) as raised:
        graph.nodes(["person:a"], audiences=AUDIENCES)
    assert raised.value.code == code


def test_a_transaction_stopped_waiting_for_a_lock_past_its_timeout_is_query_timed_out() -> None:
    stopped = _neo4j_error("Neo.ClientError.Transaction.LockClientStopped")
    graph = _graph(FakeDriver(error=stopped, after_s=0.05), timeout_s=0.05)
    with pytest.raises(QueryTimedOut):
        graph.nodes(["person:a"], audiences=AUDIENCES)


def test_a_query_that_runs_out_of_time_is_a_503_that_says_how_to_narrow_it() -> None:
    app = create_app(Settings())

    def slow_read() -> None:
        raise QueryTimedOut(TIMEOUT_S)

    app.add_api_route("/v1/slow-read", slow_read)  # any route whose query runs out of time
    response = TestClient(app).get("/v1/slow-read")
    assert response.status_code == 503, response.text
    detail = response.json()["detail"]
    assert "ran out of time after 2.5 s" in detail
    assert "max_depth" in detail
    assert "limit" in detail


def test_the_reads_of_a_path_search_share_one_transaction_with_the_timeout() -> None:
    """A search of several reads starts and commits one transaction, not one a read; the
    transaction carries the timeout, and reads after it go back to their own."""
    driver = FakeDriver()
    graph = _graph(driver)
    with graph.reading(), graph.reading():
        graph.nodes(["person:a"], audiences=AUDIENCES)
        graph.path_links([], audiences=AUDIENCES)
    graph.nodes(["person:a"], audiences=AUDIENCES)
    assert driver.sent == [
        (queries.VISIBLE_NODES, TIMEOUT_S),
        (queries.PATH_LINKS, TIMEOUT_S),
        ("commit", TIMEOUT_S),
        (queries.VISIBLE_NODES, TIMEOUT_S),
    ]
