"""Alert service settings, including detector thresholds (defaults from domain.md section 4)."""

from functools import lru_cache

from common.settings import InfraSettings
from schemas import topics


class Settings(InfraSettings):
    """Settings of the alert worker and API; knobs carry the ALERTS_ prefix."""

    alerts_app_id: str = "tessera-alerts"
    alerts_entities_linked_topic: str = topics.ENTITIES_LINKED
    alerts_topic: str = topics.ALERTS
    alerts_retry_max_wait_s: float = 30.0
    # A closed alert is not raised again for its pattern within the cool-down.
    alerts_cool_down_days: int = 7
    # P01 contextual hotspot: N distinct young people at one place within the window;
    # N-1 when the place is in the hotspot taxonomy of domain.md section 4.0.
    alerts_hotspot_min_young_people: int = 3
    alerts_hotspot_window_days: int = 90
    # P04 / P06 (a) / P17: one adult, vehicle or phone linked to M distinct children.
    alerts_linked_children_min: int = 2
    alerts_linked_children_window_days: int = 90
    # P04 harbouring, P06 (b), P07, P08, P09: the rolling window for missing episodes (P07
    # compares it with the window before), a ride up to X hours before a missing episode, and
    # the overlap that makes two episodes one going-missing-together.
    alerts_missing_window_days: int = 90
    alerts_vehicle_before_missing_hours: float = 24.0
    alerts_co_missing_overlap_hours: float = 1.0


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
