"""P12 cuckooing thresholds (defaults from domain.md section 4).

Part of the alert service's Settings (services/alerts/config.py): each is set by the
environment variable of its name in upper case (ALERTS_...).
"""

from pydantic import BaseModel


class CuckooingThresholds(BaseModel):
    """P12 cuckooing: non-resident persons at a vulnerable tenant's address within the window."""

    alerts_cuckooing_min_visitors: int = 2
    alerts_cuckooing_window_days: int = 30
