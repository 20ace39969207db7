"""What an alert's cited reports say: their grading for every alert, and for the officer who opens
one, each report's event, place, time and narrative, as far as they may see that report.

The grading (3x5x2: source 1-3, intelligence A-E, handling P or C) is part of the alert itself,
read when the alert is detected. What a report said is read when a user opens the alert, through
their audiences, report by report: a report they may not see gives nothing, not even its id.
"""

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from neo4j import AsyncDriver

from schemas.alerts import Evidence
from services.alerts import queries
from services.alerts.batched_reads import ReadRows
from services.alerts.shared.candidate import AlertCandidate, evidence_entry, report_key

# Where a report's own event happened, by the part the place plays in it, most telling first; a
# pupil's school, a child's placement or the places they go are where they belong, not the event.
EVENT_PLACE_PARTS = (
    "seen_at",
    "approached_at",
    "vehicle_seen_at",
    "found_at",
    "premises",
    "address_of_concern",
    "last_seen",
    "left_from",
    "departure_point",
    "going_to",
    "order_centre",
    "order_area",
    "named_in_interview",
    "known_place",
)


@dataclass(frozen=True, slots=True)
class CitedReport:
    """What one cited report said, for a reader who may see it."""

    report_id: UUID
    observed_at: datetime
    grading: str | None
    event_type: str | None  # None once retracted
    place: str | None
    narrative: str | None  # None once retracted
    retracted: bool = False


def event_place(places: Iterable[dict[str, str | None]]) -> str | None:
    """The place of the report's event as the report names it: by EVENT_PLACE_PARTS."""
    named = {p["part"]: p["name"] for p in places if p.get("name")}
    for part in EVENT_PLACE_PARTS:
        if named.get(part):
            return named[part]
    return None


def graded(evidence: Iterable[Evidence], gradings: dict[str, str]) -> tuple[Evidence, ...]:
    """The evidence entries, each with its report's grading (as it was when none is known)."""
    entries = []
    for e in evidence:
        report_id = report_key(e.report_id)
        grading = gradings.get(report_id, e.grading)
        entries.append(
            e if grading == e.grading else evidence_entry(report_id, e.observed_at, grading)
        )
    return tuple(entries)


def with_gradings(
    candidates: Sequence[AlertCandidate], gradings: dict[str, str]
) -> list[AlertCandidate]:
    """The candidates, every evidence entry carrying its report's grading."""
    return [replace(c, evidence=graded(c.evidence, gradings)) for c in candidates]


class Neo4jEvidence:
    """Reads the cited reports."""

    def __init__(self, *, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def cited_reports(
        self, report_ids: Sequence[str], *, audiences: Sequence[str]
    ) -> dict[str, CitedReport]:
        """What each report said, by id, only of the reports one of the audiences may see."""
        records, _, _ = await self._driver.execute_query(
            queries.CITED_REPORTS,
            report_ids=list(report_ids),
            audiences=list(audiences),
            database_=self._database,
            routing_="r",
        )
        return {
            r["id"]: CitedReport(
                report_id=UUID(r["id"]),
                observed_at=datetime.fromisoformat(r["observed_at"]),
                grading=r["grading"],
                event_type=r["event_type"],
                place=event_place(r["places"]),
                narrative=r["narrative"],
                retracted=bool(r["retracted"]),
            )
            for r in records
        }


# A busy place's alert cites thousands of reports, graded at each detection there.
GRADINGS_KEPT = 200_000


class KnownGradings:
    """The gradings this process has read, the most recently used `keep` of them. A report's
    grading is written with the report and never changed (services/network/linking/queries.py
    MERGE_REPORTS), so one read is enough; a report not yet written (a retraction that came
    first) has none, and is read again."""

    def __init__(self, keep: int = GRADINGS_KEPT) -> None:
        self._keep = keep
        self._gradings: OrderedDict[str, str] = OrderedDict()

    def get(self, report_id: str) -> str | None:
        grading = self._gradings.get(report_id)
        if grading is not None:
            self._gradings.move_to_end(report_id)
        return grading

    def add(self, gradings: dict[str, str]) -> None:
        self._gradings.update(gradings)
        for report_id in gradings:
            self._gradings.move_to_end(report_id)
        while len(self._gradings) > self._keep:
            self._gradings.popitem(last=False)


async def grade(
    candidates: list[AlertCandidate], reads: ReadRows, known: KnownGradings | None = None
) -> list[AlertCandidate]:
    """The candidates with every evidence entry graded: one read for all their reports not
    graded before by this worker (`known`; None, every one), made with the other reads of the
    batch when `reads` gathers them."""
    ids = sorted({report_key(e.report_id) for c in candidates for e in c.evidence})
    if not ids:
        return candidates
    known = known or KnownGradings(keep=0)
    gradings = {rid: grading for rid in ids if (grading := known.get(rid)) is not None}
    unknown = [rid for rid in ids if rid not in gradings]
    if unknown:
        found = await reads.many(queries.REPORT_GRADINGS, unknown)
        read = {rid: r["grading"] for rid, rows in found.items() for r in rows if r["grading"]}
        known.add(read)
        gradings |= read
    return with_gradings(candidates, gradings)
