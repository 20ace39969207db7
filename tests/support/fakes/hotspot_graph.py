"""P01's graph port in memory: a place, its sightings, and which reports its open alert cites."""

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from services.alerts.patterns.shared_hotspot.rule import Place, Sighting
from services.alerts.shared.provenance import Reports


class FakeHotspotGraph:
    """The place and the sightings given; `reads` counts the reads of the place's every
    sighting and `named_reads` those of the people some reports name."""

    def __init__(
        self,
        place: Place | None,
        sightings: list[Sighting],
        *,
        category_reports: Reports | None = None,
    ) -> None:
        """`category_reports`: every report that gives the place its category, when the place
        is given as a busy one (`complete` false, only the earliest of them)."""
        self._place = place
        self.sightings = list(sightings)
        self.category_reports = category_reports
        self.asked_category: list[set[str]] = []
        self.open_cites: str | None = None
        self.reads = 0
        self.named_reads = 0
        self.uncounted: set[str] = set()  # people none of whose sightings counts any more

    async def place(self, location_id: str) -> Place | None:
        return self._place

    async def young_people_at(self, location_id: str, *, since: datetime) -> list[Sighting]:
        self.reads += 1
        return [
            s
            for s in self.sightings
            if s.observed_at >= since and s.person_id not in self.uncounted
        ]

    async def young_people_named_at(
        self, location_id: str, report_ids: tuple[str, ...], *, since: datetime
    ) -> dict[str, list[Sighting]]:
        self.named_reads += 1
        named = {s.person_id for s in self.sightings if s.report_id in report_ids}
        return {
            person: [
                s
                for s in self.sightings
                if s.person_id == person and s.observed_at >= since and person not in self.uncounted
            ]
            for person in named
        }

    async def category_given_by(self, place: Place, report_ids: Iterable[str]) -> Place:
        asked = set(report_ids)
        self.asked_category.append(asked)
        given = {r: at for r, at in (self.category_reports or {}).items() if r in asked}
        return replace(place, category_reports={**place.category_reports, **given}, complete=True)

    async def open_alert_cites(self, fingerprint: str) -> str | None:
        return self.open_cites
