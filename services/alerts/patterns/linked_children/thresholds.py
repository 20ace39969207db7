"""P04, P06 (a) and P17 thresholds (defaults from domain.md section 4).

Part of the alert service's Settings (services/alerts/config.py): each is set by the
environment variable of its name in upper case (ALERTS_...).
"""

from pydantic import BaseModel


class LinkedChildrenThresholds(BaseModel):
    """P04 / P06 (a) / P17: one adult, vehicle or phone linked to M distinct children."""

    alerts_linked_children_min: int = 2
    alerts_linked_children_window_days: int = 90
