"""P23 child in custody thresholds.

Part of the alert service's Settings (services/alerts/config.py): each is set by the
environment variable of its name in upper case (ALERTS_...).
"""

from pydantic import BaseModel


class CustodyThresholds(BaseModel):
    """P23 custody: custody, raids and seizures this recent raise the 48-hour safeguarding alert
    (reports are often written up days later; older ones are history, not a 48-hour window)."""

    alerts_custody_window_days: int = 14
