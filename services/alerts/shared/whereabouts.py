"""Where a child was found or seen, report by report: what P09, P15 and P23 read."""

from dataclasses import dataclass
from datetime import datetime

from services.alerts.shared.episodes import FoundPlace

# How an episode ends when the police find the child: in a raid or in custody.
POLICE_ENDINGS = frozenset({"found_in_raid", "in_custody"})


@dataclass(frozen=True, slots=True)
class Whereabouts:
    """The child found or seen at a place by one report, and what was around them."""

    place: FoundPlace
    report_id: str
    observed_at: datetime
    items: frozenset[str] = frozenset()
    adults_present: tuple[str, ...] = ()  # names
    circumstances: str | None = None
    report_type: str | None = None  # the event type of the report: "operation", "sighting", ...


def latest_places(seen: list[Whereabouts]) -> dict[str, FoundPlace]:
    """Each place as the latest of the reports that saw the child there names it."""
    latest = sorted(seen, key=lambda w: (w.observed_at, w.report_id))
    return {w.place.id: w.place for w in latest}
