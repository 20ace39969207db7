"""P11 trap house thresholds (defaults from domain.md section 4).

Part of the alert service's Settings (services/alerts/config.py): each is set by the
environment variable of its name in upper case (ALERTS_...).
"""

from pydantic import BaseModel


class TrapHouseThresholds(BaseModel):
    """P11 trap house: children linked to the premises from 12 months before it became a drugs
    house (back-propagation)."""

    alerts_trap_house_lookback_days: int = 365
