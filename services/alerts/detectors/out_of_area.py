"""P09 found out of area, and county lines suspected.

domain.md P09: a child found or seen in a local authority or police force area other than home,
and not in an area they have a known connection with, raises `found_out_of_area`. With drugs or
cash, adults present, a raid, or a known drugs house, it raises `county_lines_suspected` with an
NRM referral (mandatory where trafficking is suspected, [004:130]) and a cross-border
notification to the home-area police and children's social care.
"""

from dataclasses import dataclass
from datetime import datetime

from schemas.alerts import AlertSubject, AlertType
from services.alerts.actions import Action
from services.alerts.detectors.candidate import AlertCandidate, evidence_of, raised_priority
from services.alerts.detectors.episodes import Child, FoundPlace

EXPLOITATION_ITEMS = frozenset({"drugs", "cash", "sim_card", "weapon"})
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


def _signs(seen: Whereabouts) -> list[str]:
    signs = sorted(seen.items & EXPLOITATION_ITEMS)
    if seen.adults_present:
        signs.append("adults present")
    if seen.circumstances in POLICE_ENDINGS:
        signs.append(str(seen.circumstances).replace("_", " "))
    if seen.place.drugs_house:
        signs.append("a known drugs house")
    return signs


def detect_out_of_area(*, child: Child, seen: list[Whereabouts]) -> list[AlertCandidate]:
    """found_out_of_area per place outside the child's areas; county lines when signs add up."""
    if not child.known_areas:
        return []  # with no home area known, "out of area" cannot be judged
    away = [w for w in seen if w.place.areas and not w.place.areas & child.known_areas]
    candidates = []
    priority = raised_priority([child.age], [child.vulnerable])
    subject = child.subject
    for place_id in sorted({w.place.id for w in away}):
        here = [w for w in away if w.place.id == place_id]
        place = here[0].place
        area = ", ".join(sorted(place.areas))
        candidates.append(
            AlertCandidate(
                type=AlertType.FOUND_OUT_OF_AREA,
                fingerprint=f"{AlertType.FOUND_OUT_OF_AREA.value}:{child.id}:{place_id}",
                priority=priority,
                summary=(
                    f"{child.name} was found or seen at {place.name} ({area}), an area with no "
                    "known connection; notify the home-area police and social care."
                ),
                subjects=(
                    subject,
                    place.subject,
                ),
                evidence=evidence_of({w.report_id: w.observed_at for w in here}),
                anchor_id=child.id,
                actions=(Action.CROSS_BORDER_NOTIFICATION, Action.RETURN_INTERVIEW),
            )
        )
    signed = [(w, _signs(w)) for w in away]
    signed = [(w, s) for w, s in signed if s]
    if signed:
        signs = sorted({sign for _, s in signed for sign in s})
        places = sorted({w.place.name for w, _ in signed})
        custody = any(w.circumstances in POLICE_ENDINGS for w, _ in signed)
        actions = [Action.NRM_REFERRAL, Action.CROSS_BORDER_NOTIFICATION, Action.STRATEGY_MEETING]
        if custody:
            actions.append(Action.SAFEGUARDING_48H)
        candidates.append(
            AlertCandidate(
                type=AlertType.COUNTY_LINES_SUSPECTED,
                fingerprint=f"{AlertType.COUNTY_LINES_SUSPECTED.value}:{child.id}",
                priority=priority,
                summary=(
                    f"{child.name} was found out of area at {', '.join(places)} with "
                    f"{', '.join(signs)}: county lines suspected; make an NRM referral, notify "
                    "the home area and hold a strategy meeting."
                ),
                subjects=(
                    subject,
                    *(
                        AlertSubject(kind="location", id=pid, display_name=name)
                        for pid, name in sorted({(w.place.id, w.place.name) for w, _ in signed})
                    ),
                ),
                evidence=evidence_of({w.report_id: w.observed_at for w, _ in signed}),
                anchor_id=child.id,
                actions=tuple(actions),
            )
        )
    return candidates
