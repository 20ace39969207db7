"""P01 shared hotspot thresholds (defaults from domain.md section 4).

Part of the alert service's Settings (services/alerts/config.py): each is set by the
environment variable of its name in upper case (ALERTS_...).
"""

from pydantic import BaseModel


class HotspotThresholds(BaseModel):
    """P01 contextual hotspot: N distinct young people at one place within the window; N-1 when the
    place is in the hotspot taxonomy of domain.md section 4.0."""

    alerts_hotspot_min_young_people: int = 3
    alerts_hotspot_window_days: int = 90
    # A place's alert is worked out from what the worker remembers of it plus the people a
    # batch's reports link to it, and read whole when the last time it was is this long ago or
    # more (services/alerts/shared/remembered.py).
    alerts_hotspot_full_every_s: float = 600.0
