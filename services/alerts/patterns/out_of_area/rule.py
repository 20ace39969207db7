"""P09 found out of area, and county lines suspected.

domain.md P09: a child found or seen in a local authority or police force area other than home,
and not in an area they have a known connection with, raises `found_out_of_area`. With drugs or
cash, adults present, a raid, or a known drugs house, it raises `county_lines_suspected` with an
NRM referral (mandatory where trafficking is suspected, [004:130]) and a cross-border
notification to the home-area police and children's social care.
"""

from schemas.alerts import AlertType
from services.alerts.actions import Action
from services.alerts.shared.candidate import AlertCandidate, evidence_of
from services.alerts.shared.episodes import Child, vouched
from services.alerts.shared.provenance import cite, cite_first
from services.alerts.shared.whereabouts import POLICE_ENDINGS, Whereabouts, latest_places

EXPLOITATION_ITEMS = frozenset({"drugs", "cash", "sim_card", "weapon"})


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
    for place_id in sorted({w.place.id for w in away}):
        here = [w for w in away if w.place.id == place_id]
        place = latest_places(here)[place_id]
        area = ", ".join(sorted(place.areas))
        reports = cite(
            {w.report_id: w.observed_at for w in here}, *(w.place.area_reports for w in here)
        )
        priority, reports = vouched(child.with_known_area(reports), child)
        candidates.append(
            AlertCandidate(
                type=AlertType.FOUND_OUT_OF_AREA,
                fingerprint=f"{AlertType.FOUND_OUT_OF_AREA.value}:{child.id}:{place_id}",
                priority=priority,
                summary=(
                    f"{child.name_in(reports)} was found or seen at {place.name} ({area}), an "
                    "area with no known connection; notify the home-area police and social care."
                ),
                subjects=(
                    child.subject_in(reports),
                    place.subject,
                ),
                evidence=evidence_of(reports),
                anchor_id=child.id,
                actions=(Action.CROSS_BORDER_NOTIFICATION, Action.RETURN_INTERVIEW),
            )
        )
    signed = [(w, _signs(w)) for w in away]
    signed = [(w, s) for w, s in signed if s]
    if signed:
        reports = {w.report_id: w.observed_at for w, _ in signed}
        for w, s in signed:
            reports = cite(reports, w.place.area_reports)
            if "a known drugs house" in s:  # a premises status: the earliest report giving it
                reports = cite_first(reports, w.place.drugs_house_reports)
        priority, reports = vouched(child.with_known_area(reports), child)
        signs = sorted({sign for _, s in signed for sign in s})
        named_places = latest_places([w for w, _ in signed])
        places = sorted(p.name for p in named_places.values())
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
                    f"{child.name_in(reports)} was found out of area at {', '.join(places)} with "
                    f"{', '.join(signs)}: county lines suspected; make an NRM referral, notify "
                    "the home area and hold a strategy meeting."
                ),
                subjects=(
                    child.subject_in(reports),
                    *(named_places[pid].subject for pid in sorted(named_places)),
                ),
                evidence=evidence_of(reports),
                anchor_id=child.id,
                actions=tuple(actions),
            )
        )
    return candidates
