"""P23 a child in custody or found in a raid: the 48-hour safeguarding window.

domain.md P23: an arrest, custody or a police operation involving a child raises
`child_in_custody`, matched against the child's missing episodes: young people found in raids
are usually missing or were missing before [000:21]. It asks for intensive safeguarding through
and after custody for the first 48 hours [002:6], a review of their phones (phones showed the
Essex child was a victim of forced labour [002:16]) and an NRM referral to be considered; and a
cross-border notification when the child is out of area. One alert per event.
"""

from datetime import datetime

from schemas.alerts import AlertType
from services.alerts.actions import Action
from services.alerts.shared.candidate import AlertCandidate, evidence_of
from services.alerts.shared.episodes import Child, Episode, vouched
from services.alerts.shared.provenance import cite
from services.alerts.shared.whereabouts import POLICE_ENDINGS, Whereabouts

WHAT = {
    "in_custody": "was in police custody",
    "found_in_raid": "was found in a police raid",
    "operation": "was present at a police raid or seizure",
}


def _kind(seen: Whereabouts) -> str | None:
    if seen.circumstances in POLICE_ENDINGS:
        return str(seen.circumstances)
    return "operation" if seen.report_type == "operation" else None


def is_police_contact(seen: Whereabouts) -> bool:
    """Whether the report put the child in custody, or in a raid or seizure."""
    return _kind(seen) is not None


def _missing_then(
    episodes: list[Episode], at: datetime, now: datetime
) -> tuple[str, list[Episode]]:
    """What the summary says of the child's episodes, and the episodes it says it of."""
    during = [e for e in episodes if e.covers(at, now=now)]
    if during:
        return "; they were missing at the time", during
    before = [e for e in episodes if (e.started_at or e.ended_at or at) < at]
    if before:
        times = "once" if len(before) == 1 else f"{len(before)} times"
        return f"; they went missing {times} before it", before
    return "", []


def detect_child_in_custody(
    *, child: Child, seen: list[Whereabouts], episodes: list[Episode], now: datetime
) -> list[AlertCandidate]:
    """One candidate per custody, raid or seizure report that involves the child."""
    candidates = []
    by_report: dict[str, Whereabouts] = {}
    for where in seen:
        if is_police_contact(where):
            by_report.setdefault(where.report_id, where)
    for report_id, where in sorted(by_report.items()):
        kind = _kind(where) or "operation"
        out_of_area = bool(
            child.known_areas and where.place.areas and not where.place.areas & child.known_areas
        )
        actions = [Action.SAFEGUARDING_48H, Action.PHONE_EXAMINATION, Action.NRM_REFERRAL]
        if out_of_area:
            actions.append(Action.CROSS_BORDER_NOTIFICATION)
        reports = {report_id: where.observed_at}
        if out_of_area:  # the place's areas, as the report that gives them does
            reports = child.with_known_area(cite(reports, where.place.area_reports))
        missing, said_of = _missing_then(episodes, where.observed_at, now)
        for episode in said_of:
            reports |= episode.reports
        priority, reports = vouched(reports, child)
        summary = (
            f"{child.name_in(reports)} {WHAT[kind]} at {where.place.name} on "
            f"{where.observed_at:%d %b %Y}{missing}: keep them safe through and after "
            "custody for the first 48 hours, review their phones and consider an NRM referral"
            + ("; notify the home area." if out_of_area else ".")
        )
        candidates.append(
            AlertCandidate(
                type=AlertType.CHILD_IN_CUSTODY,
                fingerprint=f"{AlertType.CHILD_IN_CUSTODY.value}:{child.id}:{report_id}",
                priority=priority,
                summary=summary,
                subjects=(
                    child.subject_in(reports),
                    where.place.subject,
                ),
                evidence=evidence_of(reports),
                anchor_id=child.id,
                actions=tuple(actions),
            )
        )
    return candidates
