"""Settings of the network's two processes, the linking worker and the analyst API."""

from functools import lru_cache

from pydantic import Field

from common.settings import InfraSettings
from schemas import topics

DEFAULT_QUERY_TIMEOUT_S = 10.0


class Settings(InfraSettings):
    """Settings of the linking worker and the analyst API; knobs carry the NETWORK_ prefix."""

    network_app_id: str = "tessera-network"
    network_reports_topic: str = topics.REPORTS
    # The bulk lane (`tessera import`): linked by an agent of its own, which gives way to the
    # live one, and announced on its own linked topic.
    network_bulk_reports_topic: str = topics.REPORTS_BULK
    network_bulk_entities_linked_topic: str = topics.ENTITIES_LINKED_BULK
    network_dead_letter_topic: str = topics.REPORTS_DEAD_LETTER
    network_entities_linked_topic: str = topics.ENTITIES_LINKED
    network_retractions_topic: str = topics.RETRACTIONS
    network_decisions_topic: str = topics.RESOLUTION_DECISIONS
    # The partner bridge reads every topic named <prefix><agency>.reports.v1, as this group.
    network_partner_topic_prefix: str = topics.PARTNER_PREFIX
    network_bridge_group: str = "tessera-partner-bridge"
    network_retry_max_wait_s: float = 30.0
    # Reports are linked in batches, one transaction each: up to this many, or whatever has
    # arrived within this many seconds.
    network_batch_size: int = 500
    network_batch_within_s: float = 0.05
    # The bulk lane's batches: small, since a live report waits for the bulk batch being
    # written when it came (and for the places that batch's transaction holds).
    network_bulk_batch_size: int = 100
    network_publish_timeout_s: float = 10.0
    network_retry_after_s: int = 5
    network_max_body_bytes: int = 1_000_000  # decisions and splits are small
    # Every analyst query's transaction is ended after this many seconds, and the call answered
    # 503 saying how to narrow it (0 would mean no limit, so it must be more).
    network_query_timeout_s: float = Field(default=DEFAULT_QUERY_TIMEOUT_S, gt=0)
    # The person-matching model file (m and u values, thresholds, term frequencies), one
    # `tessera resolution train` wrote; unset, the hand-set one shipped beside matching. The
    # worker and the analyst API's "why" must read the same file.
    network_resolution_model: str | None = None


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
