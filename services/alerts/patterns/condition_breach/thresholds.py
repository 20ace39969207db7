"""P22 protective condition breach thresholds.

Part of the alert service's Settings (services/alerts/config.py): each is set by the
environment variable of its name in upper case (ALERTS_...).
"""

from pydantic import BaseModel


class BreachThresholds(BaseModel):
    """P22 breach: the radius when an order has a centre but gives none (1 mile)."""

    alerts_breach_default_radius_m: int = 1609
