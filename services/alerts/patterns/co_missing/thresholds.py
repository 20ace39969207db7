"""P08 co-missing thresholds (defaults from domain.md section 4).

Part of the alert service's Settings (services/alerts/config.py): each is set by the
environment variable of its name in upper case (ALERTS_...).
"""

from pydantic import BaseModel


class CoMissingThresholds(BaseModel):
    """P08: the overlap that makes two episodes one going-missing-together."""

    alerts_co_missing_overlap_hours: float = 1.0
