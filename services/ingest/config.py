"""Ingest settings."""

from functools import lru_cache

from common.settings import InfraSettings
from schemas import topics


class Settings(InfraSettings):
    """Settings of the ingest API; service knobs carry the INGEST_ prefix."""

    ingest_reports_topic: str = topics.REPORTS
    # Reports a batch asks to send on the bulk lane (`lane=bulk`, as `tessera import` does).
    ingest_bulk_reports_topic: str = topics.REPORTS_BULK
    ingest_retractions_topic: str = topics.RETRACTIONS
    ingest_publish_timeout_s: float = 10.0
    ingest_linger_ms: int = 5  # how long the producer waits to put records in one request
    ingest_retry_after_s: int = 5
    ingest_max_body_bytes: int = 10_000_000
    ingest_ledger_file: str = ".infra/ingest/ledger.sqlite3"


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
