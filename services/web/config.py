"""Web settings; knobs carry the WEB_ prefix."""

from functools import lru_cache
from pathlib import Path

from common.settings import InfraSettings

ROOT = Path(__file__).resolve().parents[2]


class Settings(InfraSettings):
    """Where the three service APIs are, how long a session lasts, where the pages are."""

    web_ingest_url: str = "http://127.0.0.1:8001"
    web_network_url: str = "http://127.0.0.1:8002"
    web_alerts_url: str = "http://127.0.0.1:8003"
    # A session ends after this long without a request from its user (not counting the live
    # alert stream, which is not the user doing anything), and after web_session_max_hours
    # whatever happens: its bearer token expires then in every service too.
    web_session_idle_minutes: float = 30.0
    web_session_max_hours: float = 12.0
    # Secure cookies: None sends them Secure whenever the request came over https.
    web_cookie_secure: bool | None = None
    # Wrong passwords from one client address: this many are free, then each attempt waits
    # web_sign_in_first_delay_s, twice as long each time, up to web_sign_in_max_delay_minutes.
    web_sign_in_free_failures: int = 3
    web_sign_in_first_delay_s: float = 2.0
    web_sign_in_max_delay_minutes: float = 15.0
    web_static_dir: str = str(ROOT / "web" / "dist")
    web_profiles_file: str = ".infra/web/profiles.sqlite3"
    web_upstream_timeout_s: float = 30.0
    web_max_body_bytes: int = 10_000_000  # a report, or a profile with its photo
    web_sweep_s: float = 30.0  # how often idle sessions are ended and their tokens revoked


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
