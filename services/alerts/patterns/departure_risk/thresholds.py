"""P21 departure risk thresholds.

Part of the alert service's Settings (services/alerts/config.py): each is set by the
environment variable of its name in upper case (ALERTS_...).
"""

from pydantic import BaseModel


class DepartureThresholds(BaseModel):
    """P21 departure risk: departures this recent are examined; the deadline to report a child
    missing is this many hours after the time they said they would be back."""

    alerts_departure_window_days: int = 7
    alerts_departure_grace_hours: float = 1.0
