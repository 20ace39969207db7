"""P14 care home targeted thresholds (defaults from domain.md section 4).

Part of the alert service's Settings (services/alerts/config.py): each is set by the
environment variable of its name in upper case (ALERTS_...).
"""

from pydantic import BaseModel


class CareHomeThresholds(BaseModel):
    """P14 care home targeted: one external entity linked to residents of care homes."""

    alerts_care_home_min_residents: int = 2
    alerts_care_home_window_days: int = 90
