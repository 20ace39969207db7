"""Ports of the linking worker: what its use cases need of the graph, free of any driver, and
the records they carry."""

from dataclasses import dataclass, field
from typing import Any, Protocol

from schemas.graph import LinkType
from schemas.linking import EntityKind
from services.network.pool import PeopleSharing


@dataclass(frozen=True, slots=True)
class ReportGraph:
    """Everything one report writes, as parameter rows for the graph store."""

    report: dict[str, Any]
    persons: list[dict[str, Any]]
    locations: list[dict[str, Any]]
    vehicles: list[dict[str, Any]] = field(default_factory=list)
    phones: list[dict[str, Any]] = field(default_factory=list)
    handles: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    links: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    possible: list[dict[str, Any]] = field(default_factory=list)
    missing_started: list[dict[str, Any]] = field(default_factory=list)
    departures: list[dict[str, Any]] = field(default_factory=list)
    missing_ended: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def seen_at(self) -> list[dict[str, str]]:
        """The person-at-place links (co-presence)."""
        return self.links.get(LinkType.SEEN_AT, [])


class LinkingStore(Protocol):
    """The graph as linking a batch of reports needs it: all of it in one transaction."""

    async def open_reports(self, reports: list[dict[str, Any]]) -> set[str]:
        """Create the reports' nodes; the ids of those to link now (not written, not retracted)."""
        ...

    async def people_sharing(
        self, mentions: list[list[str]], *, max_sharing: int, limit: int
    ) -> PeopleSharing:
        """For each mention's blocking keys, the `limit` people `PersonPool.candidates` would
        rank first among those sharing keys no more than `max_sharing` people have, with the
        keys they share; the keys more people have; how many have each of the others."""
        ...

    async def write_reports(self, graphs: list[ReportGraph]) -> None:
        """Write the reports' rows, in order."""
        ...

    async def entities_of(self, report_ids: list[str]) -> dict[str, list[tuple[EntityKind, str]]]:
        """What reports written before mention."""
        ...

    async def merge_people(self, decisions: list[dict[str, Any]]) -> None:
        """Record automatic `same` decisions and apply them, in order, after the reports."""
        ...


class ReportWithdrawer(Protocol):
    """Withdraws a report in one transaction; withdrawing it again changes nothing."""

    async def withdraw_report(self, retraction: dict[str, Any]) -> list[str]:
        """Mark the report retracted, take it out of every link; the ids it mentioned."""
        ...
