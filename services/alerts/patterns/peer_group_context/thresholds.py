"""P02 peer group thresholds (defaults from domain.md section 4).

Part of the alert service's Settings (services/alerts/config.py): each is set by the
environment variable of its name in upper case (ALERTS_...).
"""

from pydantic import BaseModel


class PeerGroupThresholds(BaseModel):
    """P02 peer group: K distinct pupils of one school linked to one place or approacher."""

    alerts_peer_group_min_pupils: int = 2
    alerts_peer_group_window_days: int = 90
    # At a place, a report works out again only the groups of the schools of the pupils it
    # names, and every school's when the last time all were is this long ago or more
    # (services/alerts/shared/full_derivations.py).
    alerts_peer_group_full_every_s: float = 600.0
