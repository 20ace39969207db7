"""P08 going missing together: overlapping episodes that share where or with whom they ended.

domain.md P08: two children whose missing episodes overlap by at least an hour and who share a
found location, a found-with person or a collecting vehicle raise `co_missing`; doing so twice
or more is a missing peer cluster, which the summary says.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from schemas.alerts import AlertType
from services.alerts.actions import Action
from services.alerts.shared.candidate import AlertCandidate, evidence_of
from services.alerts.shared.episodes import Child, Episode, vouched
from services.alerts.shared.provenance import Names, Reports, cite, named


@dataclass(frozen=True, slots=True)
class SharedEpisode:
    """Another child's episode that shares a place, a person or a vehicle with the child's."""

    episode: Episode  # the child's own
    other: Child
    other_episode: Episode
    shared_id: str  # the shared location, person or vehicle (or the other child themself)
    shared_name: str  # what it is called when none of the cited reports names it
    # Each fact the sharing rests on beyond the episodes (the child in the car, the other child
    # in the car) with the reports that state it, and what those reports call what is shared.
    facts: tuple[Reports, ...] = ()
    names: Names = field(default_factory=dict)


def _overlap(a: Episode, b: Episode, now: datetime) -> timedelta:
    if a.started_at is None or b.started_at is None:
        return timedelta(0)
    start = max(a.started_at, b.started_at)
    end = min(a.ended_at or now, b.ended_at or now)
    return end - start


def detect_co_missing(
    *, child: Child, shared: list[SharedEpisode], now: datetime, min_overlap: timedelta
) -> list[AlertCandidate]:
    """One candidate per other child who went missing with this one."""
    together: dict[str, list[SharedEpisode]] = {}
    for item in shared:
        if item.other.id != child.id and _overlap(item.episode, item.other_episode, now) >= (
            min_overlap
        ):
            together.setdefault(item.other.id, []).append(item)
    candidates = []
    for other_id, items in sorted(together.items()):
        other = items[0].other
        times = len({(i.episode.id, i.other_episode.id) for i in items})
        reports: dict[str, datetime] = {}
        for item in items:
            reports |= item.episode.reports | item.other_episode.reports
        for item in items:
            reports = cite(reports, *item.facts)
        priority, reports = vouched(reports, child, other)
        first, second = sorted([(child.id, child), (other_id, other)], key=lambda p: p[0])
        shared_names = ", ".join(
            sorted({named(i.names, reports, otherwise=i.shared_name) for i in items})
        )
        cluster = f" {times} times, a missing peer cluster" if times >= 2 else ""
        candidates.append(
            AlertCandidate(
                type=AlertType.CO_MISSING,
                fingerprint=f"{AlertType.CO_MISSING.value}:{first[0]}:{second[0]}",
                priority=priority,
                summary=(
                    f"{first[1].name_in(reports)} and {second[1].name_in(reports)} went missing "
                    f"together{cluster} "
                    f"(shared: {shared_names}); disrupt the relationship and hold a strategy "
                    "meeting."
                ),
                subjects=(first[1].subject_in(reports), second[1].subject_in(reports)),
                evidence=evidence_of(reports),
                anchor_id=child.id,
                actions=(Action.DISRUPT_PEER_CONTACT, Action.STRATEGY_MEETING),
                context_ids=tuple(sorted({i.shared_id for i in items} - {first[0], second[0]})),
            )
        )
    return candidates
