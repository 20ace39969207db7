"""Neo4j adapter of the analyst reads, the audit log and resolution decisions (sync driver).

Every transaction is given a timeout, after which Neo4j ends it; one ended so is QueryTimedOut.
"""

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from neo4j import Driver, ManagedTransaction, Query, Record, Transaction, unit_of_work
from neo4j.exceptions import ClientError

from schemas.graph import evidence_fields, latest_link_fields
from services.network.analyst import queries
from services.network.analyst.analysis import MAX_PATH_DEPTH, QueryTimedOut
from services.network.config import DEFAULT_QUERY_TIMEOUT_S
from services.network.decision_writes import decision_writes, first_write
from services.network.queries import RECORD_DECISION

# The path search for each max_depth (a variable-length bound cannot be a parameter).
SHORTEST_PATHS = {
    1: queries.SHORTEST_PATH_WITHIN_1,
    2: queries.SHORTEST_PATH_WITHIN_2,
    3: queries.SHORTEST_PATH_WITHIN_3,
    4: queries.SHORTEST_PATH_WITHIN_4,
    5: queries.SHORTEST_PATH_WITHIN_5,
    6: queries.SHORTEST_PATH_WITHIN_6,
}
# What Neo4j answers for a transaction that outlived its timeout; one that was waiting for a lock
# is only said to be stopped (by its timeout, an operator or a shutdown), so the time tells.
TIMED_OUT = frozenset(
    {
        "Neo.ClientError.Transaction.TransactionTimedOut",
        "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    }
)
STOPPED_WAITING_FOR_LOCK = "Neo.ClientError.Transaction.LockClientStopped"


class Neo4jAnalystGraph:
    """The analyst API's window on the graph; every query filters by the caller's audiences
    and runs for at most timeout_s seconds (NETWORK_QUERY_TIMEOUT_S)."""

    def __init__(
        self, *, driver: Driver, database: str, timeout_s: float = DEFAULT_QUERY_TIMEOUT_S
    ) -> None:
        self._driver = driver
        self._database = database
        self._timeout_s = timeout_s
        self._apply = unit_of_work(timeout=timeout_s)(_record_and_apply)
        # the read transaction `reading()` opened for this request (a context variable: one
        # adapter serves every request's thread)
        self._tx: ContextVar[Transaction | None] = ContextVar("analyst_read", default=None)

    @contextmanager
    def _time_limited(self) -> Iterator[None]:
        """Turn Neo4j's ending a transaction for its timeout into QueryTimedOut."""
        started = time.monotonic()
        try:
            yield
        except ClientError as error:
            waited_out = error.code == STOPPED_WAITING_FOR_LOCK and (
                time.monotonic() - started >= self._timeout_s
            )
            if error.code in TIMED_OUT or waited_out:
                raise QueryTimedOut(self._timeout_s) from error
            raise

    @contextmanager
    def reading(self) -> Iterator[None]:
        """The reads made meanwhile share one read transaction (and its timeout): a search of
        several reads pays for one transaction's start and commit, not one a read (0.3 to 0.5
        ms each measured here). Neo4j reads committed data, so a search still checks that what
        it found is visible when it is named (paths.py)."""
        if self._tx.get() is not None:
            yield
            return
        with (
            self._time_limited(),
            self._driver.session(database=self._database, default_access_mode="READ") as session,
            session.begin_transaction(timeout=self._timeout_s) as tx,
        ):
            token = self._tx.set(tx)
            try:
                yield
            finally:
                self._tx.reset(token)

    def _read(self, query: str, **params: Any) -> list[Record]:
        """A read's records; any read may name an evidence entry's fields (`$evidence`)."""
        tx = self._tx.get()
        if tx is not None:
            with self._time_limited():
                return list(tx.run(query, {**params, "evidence": evidence_fields()}))
        with self._time_limited():
            records, _, _ = self._driver.execute_query(
                Query(query, timeout=self._timeout_s),
                {**params, "evidence": evidence_fields()},
                database_=self._database,
                routing_="r",
            )
        return records

    def _rows(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """A read's rows."""
        return [record.data() for record in self._read(query, **params)]

    def _listed(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """A read's rows returned in one record, as a list (`RETURN collect({...}) AS rows`):
        the driver's cost is per record (37 to 59 microseconds a record measured here, against
        3 to 8 for a row of one record's list), and a depth-2 network reads thousands of links."""
        rows: list[dict[str, Any]] = self._read(query, **params)[0]["rows"]
        return rows

    def _write(self, query: str, **params: Any) -> list[dict[str, Any]]:
        with self._time_limited():
            records, _, _ = self._driver.execute_query(
                Query(query, timeout=self._timeout_s),
                params,
                database_=self._database,
            )
        return [record.data() for record in records]

    def expand(self, ids: list[str], **params: Any) -> list[dict[str, Any]]:
        """Visible links of the given entities, busy places capped."""
        return self._listed(
            queries.EXPAND_NEIGHBOURS, ids=ids, latest=latest_link_fields(), **params
        )

    def nodes(self, ids: list[str], *, audiences: list[str]) -> list[dict[str, Any]]:
        """The visible entities among ids."""
        return self._listed(queries.VISIBLE_NODES, ids=ids, audiences=audiences)

    def person_detail(self, person_id: str, *, audiences: list[str]) -> dict[str, Any] | None:
        """Identifiers, placements, missing episodes, departures and screenings of a person."""
        rows = self._rows(queries.PERSON_DETAIL, id=person_id, audiences=audiences)
        return rows[0] if rows else None

    def path(self, *, max_depth: int, **params: Any) -> dict[str, Any] | None:
        """Neo4j's own shortest visible path within max_depth links (1 to MAX_PATH_DEPTH): its
        `node_ids` and `hops` by element ids, or None."""
        if max_depth not in SHORTEST_PATHS:
            raise ValueError(f"max_depth must be 1 to {MAX_PATH_DEPTH}, not {max_depth}")
        rows = self._rows(SHORTEST_PATHS[max_depth], **params)
        return rows[0] if rows else None

    def path_step(
        self,
        keys: list[str],
        *,
        audiences: list[str],
        ends: list[str],
        hub_links: int,
        toward: list[str] | None = None,
        from_ends: bool = False,
    ) -> list[dict[str, Any]]:
        """One level of a path search: each visible entity's visible links, unless a hub."""
        return self._listed(
            queries.PATH_STEP,
            keys=keys,
            audiences=audiences,
            ends=ends,
            hub_links=hub_links,
            toward=toward,
            from_ends=from_ends,
        )

    def hub_links(
        self, near: list[str], far: list[str], *, audiences: list[str]
    ) -> list[dict[str, Any]]:
        """Visible links between an entity of near and another of far."""
        return self._listed(queries.PATH_HUB_LINKS, near=near, far=far, audiences=audiences)

    def path_links(
        self, hops: list[dict[str, str]], *, audiences: list[str]
    ) -> list[dict[str, Any]]:
        """A path's links as the caller may see them, in order."""
        return self._listed(queries.PATH_LINKS, hops=hops, audiences=audiences)

    def search_keys(self, keys: list[str], *, audiences: list[str], limit: int) -> list[str]:
        """Visible people sharing blocking keys."""
        rows = self._rows(queries.SEARCH_BY_KEYS, keys=keys, audiences=audiences, limit=limit)
        return [r["id"] for r in rows]

    def search_identifier(
        self, identifier_id: str, *, audiences: list[str], limit: int
    ) -> list[str]:
        """Visible people linked to a phone, handle or vehicle."""
        rows = self._rows(
            queries.SEARCH_BY_IDENTIFIER,
            identifier_id=identifier_id,
            audiences=audiences,
            limit=limit,
        )
        return [r["id"] for r in rows]

    def search_words(self, words: str, *, audiences: list[str], limit: int) -> list[dict[str, Any]]:
        """Visible people a visible report calls by the words (a full-text query), with what
        the visible reports call them."""
        rows = self._rows(
            queries.SEARCH_BY_NAME_WORDS,
            words=words,
            audiences=audiences,
            scan=limit * 20,
            limit=limit,
        )
        return [{"id": r["id"], "said": list(r["said"])} for r in rows]

    def missing_now(
        self, *, audiences: list[str], agency: str, offset: int, limit: int
    ) -> list[dict[str, Any]]:
        """Open missing episodes the caller may see, longest missing first."""
        return self._rows(
            queries.MISSING_NOW, audiences=audiences, agency=agency, offset=offset, limit=limit
        )

    def person_match_facts(self, ids: list[str], *, audiences: list[str]) -> list[dict[str, Any]]:
        """Each person's visible mentions and visible phones and handles, as matching reads."""
        return self._rows(queries.PERSON_MATCH_FACTS, ids=ids, audiences=audiences)

    def person_facts(self, ids: list[str], *, audiences: list[str]) -> list[dict[str, Any]]:
        """What visible reports say of each person."""
        return self._rows(queries.PERSON_FACTS, ids=ids, audiences=audiences)

    def timeline(self, **params: Any) -> tuple[list[dict[str, Any]], int]:
        """Visible reports mentioning an entity, newest first, and how many there are."""
        total = self._rows(
            queries.COUNT_ENTITY_TIMELINE, id=params["id"], audiences=params["audiences"]
        )
        return self._rows(queries.ENTITY_TIMELINE, **params), int(total[0]["total"])

    def young_people_linked(self, **params: Any) -> list[dict[str, Any]]:
        """Young people named in visible reports that mention the entity, over time."""
        return self._rows(queries.YOUNG_PEOPLE_LINKED, **params)

    def co_presence(self, **params: Any) -> list[dict[str, Any]]:
        """Who was seen with the person, where and when, in reports the caller may see."""
        return self._rows(queries.CO_PRESENCE, **params)

    def possible_matches(self, **params: Any) -> list[dict[str, Any]]:
        """POSSIBLE_SAME_AS candidates between visible people."""
        return self._rows(queries.POSSIBLE_MATCHES, **params)

    def candidate(self, *, candidate_id: str, audiences: list[str]) -> dict[str, Any] | None:
        """The candidate's id and two people, if the caller may see both."""
        rows = self._rows(queries.FIND_CANDIDATE, candidate_id=candidate_id, audiences=audiences)
        return rows[0] if rows else None

    def split_check(
        self, *, person_id: str, report_ids: list[str], audiences: list[str]
    ) -> dict[str, Any] | None:
        """The person if visible: which of the reports are visible, which mention them."""
        rows = self._rows(
            queries.SPLIT_CHECK, person_id=person_id, report_ids=report_ids, audiences=audiences
        )
        return rows[0] if rows else None

    def apply_decision(self, decision: dict[str, Any]) -> None:
        """Record an analyst's decision and apply it, in one transaction.

        Applied by the same statements replay uses, so a replay applies it identically.
        """
        with self._time_limited(), self._driver.session(database=self._database) as session:
            session.execute_write(self._apply, decision)

    def audit_entries(self, **params: Any) -> list[dict[str, Any]]:
        """Audit entries, newest first."""
        return self._rows(queries.LIST_AUDIT, **params)


def _record_and_apply(tx: ManagedTransaction, decision: Mapping[str, Any]) -> None:
    tx.run(RECORD_DECISION, decision=decision).consume()
    query, params = first_write(decision)
    first = tx.run(query, params).single()
    if not (first and first["applied"]):
        return  # its people are not in the graph: recorded, applied by nothing
    for query, more in decision_writes(decision, first):
        tx.run(query, more).consume()
