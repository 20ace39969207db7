"""P06 (b) thresholds (defaults from domain.md section 4).

Part of the alert service's Settings (services/alerts/config.py): each is set by the
environment variable of its name in upper case (ALERTS_...).
"""

from pydantic import BaseModel


class VehicleMissingThresholds(BaseModel):
    """P06 (b): a ride up to X hours before a missing episode (the window is the missing window)."""

    alerts_vehicle_before_missing_hours: float = 24.0
