"""The base of every pattern's Neo4j adapter, and the reads of a child that several patterns
share: the child, their missing episodes, and where they were found or seen.

Every fact comes with the reports that state it, and every name with the report that gives it,
so that a detector cites what it uses and names only as its cited reports do.
"""

import asyncio
import json
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Self

from neo4j import READ_ACCESS, AsyncDriver
from neo4j.exceptions import TransientError
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from schemas.entities import PlaceCategory
from services.alerts import queries
from services.alerts.batched_reads import ROWS, ReadRows, Rows, Run, one_at_a_time
from services.alerts.detection_context import Context, window
from services.alerts.shared.episodes import (
    Child,
    Companion,
    Episode,
    FoundPlace,
    Said,
    normalise_area,
)
from services.alerts.shared.provenance import UNNAMED, Names, reports_of, traits_of
from services.alerts.shared.standing import C, Standing
from services.alerts.shared.whereabouts import Whereabouts

READ_ATTEMPTS = 4  # a detection read's tries before its batch is tried again
# A place mentioned more often is busy: what it is, is read without reading its every report
# (queries.GET_STANDING). Reading a county-wide place's 12,000 mentions took 111 ms a detection.
BUSY_PLACE_MENTIONS = 1_000


def when(value: str | None) -> datetime | None:
    """A time as Cypher's toString gives it, or None."""
    return datetime.fromisoformat(value) if value else None


def day(value: str | None) -> date | None:
    """A date as Cypher's toString gives it, or None."""
    return date.fromisoformat(value) if value else None


def names_of(rows: list[dict[str, Any]] | None) -> Names:
    """What each report of a query's `[{id, name}]` list calls an entity."""
    return {row["id"]: row["name"] for row in rows or [] if row.get("name")}


def areas_of(*given: str | None) -> frozenset[str]:
    """The areas given, normalised; the ones not given left out."""
    return frozenset(normalise_area(n) for n in given if n)


def _transient(error: BaseException) -> bool:
    return isinstance(error, TransientError) and error.is_retryable()


def runner(driver: AsyncDriver, database: str) -> Run:
    """Runs a detection query on the database and gives its rows. Each query returns them in
    one record, as a list (`RETURN collect({...}) AS rows`): the driver's cost is per record
    (80 to 120 microseconds a record measured here, against 3 to 23 for a row of one
    record's list: bench/RESULTS.md, "One record a statement").

    A read is one auto-commit statement in read mode: one message out and its answer, where a
    managed transaction adds a commit and its round trip (measured here: about a third less of
    the driver's CPU and of Neo4j's a statement; bench/RESULTS.md, "Detection's statements, the
    outbox, and a graph that already holds reports"). It waits for what this process wrote
    before (the driver's bookmarks, as `execute_query` does). A transient error (a read that met
    data being written at the time: `Neo.TransientError.Transaction.Outdated`) is tried again
    here, as `execute_query` would; an outage raises, and the caller tries its batch again.
    """

    async def read(query: str, params: dict[str, Any]) -> Rows:
        async with driver.session(
            database=database,
            default_access_mode=READ_ACCESS,
            bookmark_manager=driver.execute_query_bookmark_manager,
        ) as session:
            result = await session.run(query, params)
            record = await result.single(strict=True)
        rows: Rows = record[ROWS]
        return rows

    return retrying(read)


def retrying(read: Run, *, attempts: int = READ_ATTEMPTS, wait_s: float = 0.05) -> Run:
    """`read`, tried again on a transient error (up to `attempts` in all, waiting `wait_s`,
    then twice as long each time); any other error, or the last one, is raised."""

    async def run(query: str, params: dict[str, Any]) -> Rows:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception(_transient),
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=wait_s, max=1.0),
            reraise=True,
        ):
            with attempt:
                return await read(query, params)
        raise AssertionError("unreachable: the last attempt returns or raises")

    return run


def reads_of(ctx: Context) -> ReadRows:
    """How a detection reads one entity's rows: with the rest of its batch when the context
    gathers them (`batched_reads.py`), else alone."""
    return ctx.reads or one_at_a_time(runner(ctx.driver, ctx.database))


class Reader:
    """Reads rows of one database; each pattern's adapter adds what its rule reads.

    `_rows_for` reads a query written for many entities (`UNWIND $ids AS for_id`) for one of
    them: with the other entities of the batch when the reader was given the batch's reads."""

    def __init__(
        self, *, driver: AsyncDriver, database: str, reads: ReadRows | None = None
    ) -> None:
        self._reads = reads or one_at_a_time(runner(driver, database))

    @classmethod
    def of(cls, ctx: Context) -> Self:
        """The reader a detection's context gives (its driver, database and batch's reads)."""
        return cls(driver=ctx.driver, database=ctx.database, reads=ctx.reads)

    async def _rows_for(self, query: str, entity_id: str, **shared: Any) -> Rows:
        return await self._reads(query, entity_id, **shared)

    async def open_alert_cites(self, fingerprint: str) -> str | None:
        """Which reports the fingerprint's open alert cites (`cited_digest`); None when none is
        open."""
        rows = await self._rows_for(queries.OPEN_ALERT_CITES, fingerprint)
        return rows[0]["cited"] if rows else None

    async def _rows_asked(
        self, query: str, entity_id: str, own: dict[str, Any], **shared: Any
    ) -> Rows:
        """The rows of a query written for requests (`UNWIND $requests AS request`), for one
        entity and its own parameters."""
        return await self._reads.request(query, entity_id, own, **shared)


def _place(row: dict[str, Any]) -> FoundPlace | None:
    if row["place_id"] is None:
        return None
    return FoundPlace(
        id=row["place_id"],
        name=row["place_name"] or UNNAMED,
        areas=areas_of(row["local_authority"], row["police_force_area"]),
    )


def _episode(row: dict[str, Any]) -> Episode:
    reports = {
        rid: datetime.fromisoformat(at)
        for rid, at in ((row["opened_id"], row["opened_at"]), (row["closed_id"], row["closed_at"]))
        if rid is not None and at is not None
    }
    return Episode(
        id=row["id"],
        started_at=when(row["started_at"]),
        ended_at=when(row["ended_at"]),
        reports=reports,
        found_at=_place(row),
        companions=tuple(
            Companion(
                id=c["id"],
                name=c["name"] or UNNAMED,
                adult=c["adult"],
                tenant=c["tenant"],
                reports=reports_of(c["reports"]),
            )
            for c in row["companions"]
        ),
        items=frozenset(row["items"]),
        circumstances=row["circumstances"],
        condition=frozenset(row["condition"]),
    )


class SharedReader(Reader):
    """A reader whose reads, given the detection's `once`, are made once for all the detectors
    of one entity that make them (several read the same child, episodes and whereabouts, or
    what a place is)."""

    def __init__(
        self,
        *,
        driver: AsyncDriver,
        database: str,
        reads: ReadRows | None = None,
        once: dict[tuple[str, str], asyncio.Future[Any]] | None = None,
    ) -> None:
        super().__init__(driver=driver, database=database, reads=reads)
        self._once = once

    @classmethod
    def of(cls, ctx: Context) -> Self:
        """The reader a detection's context gives, sharing its reads made once."""
        return cls(driver=ctx.driver, database=ctx.database, reads=ctx.reads, once=ctx.once)

    async def _shared_rows(self, query: str, entity_id: str, **shared: Any) -> Rows:
        if self._once is None:
            return await self._rows_for(query, entity_id, **shared)
        key = (query, json.dumps({"id": entity_id, **shared}, sort_keys=True))
        if key not in self._once:
            self._once[key] = asyncio.ensure_future(self._rows_for(query, entity_id, **shared))
        rows: Rows = await self._once[key]
        return rows

    async def standing(self, entity_id: str) -> Standing | None:
        """What the entity is and, for a place, its category and drugs-house status with the
        reports that give them; None when it is not in the graph."""
        rows = await self._shared_rows(queries.GET_STANDING, entity_id, busy=BUSY_PLACE_MENTIONS)
        if not rows:
            return None
        row = rows[0]
        return Standing(
            id=row["id"],
            kind=row["kind"],
            category=PlaceCategory(row["category"]) if row["category"] else None,
            category_reports=reports_of(row["category_reports"]),
            drugs_house_reports=reports_of(row["drugs_house_reports"]),
            complete=row["complete"],
        )

    async def category_given_by(self, place: C, report_ids: Iterable[str]) -> C:
        """The place with those of the reports (not retracted) that give it its category among
        its `category_reports`, and complete: for a place whose standing was read without them
        (`Standing.complete` false)."""
        if place.complete or place.category is None:
            return place
        ids = sorted(set(report_ids))
        asked = {"report_ids": ids, "category": place.category.value}
        rows = await self._rows_asked(queries.CATEGORY_GIVEN_BY, place.id, asked) if ids else []
        given = reports_of([g for row in rows for g in row["given"]])
        return replace(place, category_reports={**place.category_reports, **given}, complete=True)


class Neo4jChildGraph(SharedReader):
    """Reads children, their missing episodes, and where they were found or seen, each read once
    for all the detectors of one entity that make it."""

    async def person(self, person_id: str) -> tuple[Child, bool] | None:
        """The person as a Child (what each report says of them), and whether any report calls
        them a young person."""
        rows = await self._shared_rows(queries.GET_PERSON, person_id)
        if not rows:
            return None
        row = rows[0]
        child = Child(
            id=row["id"],
            name=UNNAMED,
            age=None,
            vulnerable=False,
            known_areas=areas_of(*(a for known in row["known"] for a in known["areas"])),
            said={
                s["id"]: Said(name=s["name"], age=s["age"], vulnerable=bool(s["needs"]))
                for s in row["said"]
            },
            traits=traits_of(row["said"]),
            area_statements=tuple(reports_of(known["reports"]) for known in row["known"]),
        )
        return child, bool(row["young"])

    async def episodes(self, person_id: str, *, since: datetime) -> list[Episode]:
        """The person's missing episodes that began (or ended) since a time, oldest first."""
        rows = await self._shared_rows(queries.EPISODES_OF, person_id, since=since.isoformat())
        return [_episode(row) for row in rows]

    async def whereabouts(self, person_id: str, *, since: datetime) -> list[Whereabouts]:
        """Where the child was found or seen, report by report, since a time: oldest first, and
        a report's places in the order of their ids (the query's rows come in no set order)."""
        rows = await self._shared_rows(queries.WHEREABOUTS, person_id, since=since.isoformat())
        seen = [
            Whereabouts(
                place=FoundPlace(
                    id=row["place_id"],
                    name=row["place_name"] or UNNAMED,
                    areas=areas_of(row["local_authority"], row["police_force_area"]),
                    drugs_house=bool(row["drugs_house_reports"]),
                    drugs_house_reports=reports_of(row["drugs_house_reports"]),
                    area_reports=reports_of(row["area_reports"]),
                ),
                report_id=row["report_id"],
                observed_at=datetime.fromisoformat(row["observed_at"]),
                items=frozenset(row["items"]),
                adults_present=tuple(row["adults"]),
                circumstances=row["circumstances"],
                report_type=row["report_type"],
            )
            for row in rows
        ]
        return sorted(seen, key=lambda w: (w.observed_at, w.report_id, w.place.id))


async def child(graph: Neo4jChildGraph, person_id: str) -> Child | None:
    """The person as a Child, when some report calls them a young person."""
    person = await graph.person(person_id)
    return person[0] if person is not None and person[1] else None


def whereabouts_since(ctx: Context) -> datetime:
    """How far back P09, P15 and P23 read where a child was found or seen, and their episodes:
    the missing window or P15's seizure window, whichever is longer (one window for the three,
    as when one runner read them once for all three)."""
    days = ctx.settings.alerts_missing_window_days
    return window(ctx, max(days, ctx.settings.alerts_debt_bondage_days))
