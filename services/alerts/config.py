"""Alert service settings, with every pattern's thresholds (defaults from domain.md section 4)."""

from functools import lru_cache

from cryptography.fernet import Fernet
from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from common.settings import InfraSettings
from schemas import topics
from services.alerts.patterns.care_home_targeted.thresholds import CareHomeThresholds
from services.alerts.patterns.child_in_custody.thresholds import CustodyThresholds
from services.alerts.patterns.co_missing.thresholds import CoMissingThresholds
from services.alerts.patterns.condition_breach.thresholds import BreachThresholds
from services.alerts.patterns.cuckooing.thresholds import CuckooingThresholds
from services.alerts.patterns.departure_risk.thresholds import DepartureThresholds
from services.alerts.patterns.linked_children.thresholds import LinkedChildrenThresholds
from services.alerts.patterns.peer_group_context.thresholds import PeerGroupThresholds
from services.alerts.patterns.shared_hotspot.thresholds import HotspotThresholds
from services.alerts.patterns.trap_house.thresholds import TrapHouseThresholds
from services.alerts.patterns.vehicle_linked_to_missing.thresholds import VehicleMissingThresholds


class Settings(
    InfraSettings,
    HotspotThresholds,
    PeerGroupThresholds,
    LinkedChildrenThresholds,
    VehicleMissingThresholds,
    CoMissingThresholds,
    CustodyThresholds,
    DepartureThresholds,
    TrapHouseThresholds,
    CuckooingThresholds,
    CareHomeThresholds,
    BreachThresholds,
):
    """Settings of the alert worker and API; knobs carry the ALERTS_ prefix. The detectors'
    thresholds are each pattern's own (`thresholds.py` in its folder), with the defaults of
    domain.md section 4."""

    # A refused value is not echoed: it may be a key.
    model_config = SettingsConfigDict(hide_input_in_errors=True)
    alerts_app_id: str = "tessera-alerts"
    alerts_entities_linked_topic: str = topics.ENTITIES_LINKED
    # What bulk-lane reports linked: examined by an agent of its own, which gives way to the
    # live one before each entity.
    alerts_bulk_entities_linked_topic: str = topics.ENTITIES_LINKED_BULK
    alerts_topic: str = topics.ALERTS
    alerts_retry_max_wait_s: float = 30.0
    # EntitiesLinked events are taken in batches (up to this many, or what arrived within this
    # many seconds); each entity in a batch is examined once. Batches fill only when events
    # wait: then a busy place many of them touched is examined once for more of them (measured:
    # 500 examined about 1.3 times as many events a second as 100, with live latency at 50
    # reports a second unchanged; at 200 reports a second, 2,000 gave a lower p99 than 500 in
    # each of four alternating pairs; bench/RESULTS.md).
    alerts_batch_size: int = 2000
    alerts_batch_within_s: float = 0.05
    # The live lane's entities examined at a time: the more at once, the more ids each batched
    # statement reads (measured: 16 sent 2,955 entity profiles for 2,000 events, 128 sent 319,
    # and detected 1.7 times as fast; 512 about 1.17 times 128's events a second, and 1,024, a
    # whole batch's entities, no faster than 512; bench/RESULTS.md).
    alerts_detection_concurrency: int = 512
    # The bulk lane's: few, since a live batch waits for the bulk entities under way.
    alerts_bulk_detection_concurrency: int = 16
    # A place's full pass (P01 read whole, P02's every school) that falls due during live work
    # is left to the bulk lane, which looks for such places this often, unless it is this many
    # seconds late (services/alerts/shared/catch_up.py); a grace of 0 makes the live report do it.
    alerts_catch_up_every_s: float = 1.0
    alerts_catch_up_grace_s: float = 600.0
    # The entities examined at a time read each query together, in one statement
    # (`batched_reads.py`); false: each entity's reads are statements of their own (as before
    # issue 17's batched detection; the alert workers bench's baseline).
    alerts_read_together: bool = True
    # The alert versions a worker keeps of those it saved, to update without reading them back:
    # up to this many evidence entries, subjects, nodes and links in all (services/alerts/
    # store.py SavedVersions). A county-wide place's alert has about 19,000 and holds about
    # 6 MB; the default keeps fifteen such (measured: bench/RESULTS.md, thirty-fourth session).
    alerts_saved_versions_keep: int = 300_000
    # How often alert changes a failed send left in the outbox are published again.
    alerts_outbox_sweep_s: float = 5.0
    # Several workers drain one outbox, one at a time: a drain holds the outbox's lease, renewed
    # as it goes, for at most this long (a dead worker's is taken over once it expires), and a
    # drain waits up to this long for another worker's to end.
    alerts_outbox_lease_s: float = 30.0
    # Live stream (GET /v1/alerts/stream): how often it polls, how far back each poll looks for
    # alerts committed late, at most how many alerts a poll reads, and the keep-alive interval.
    alerts_stream_poll_s: float = 0.5
    alerts_max_body_bytes: int = 1_000_000  # notes, reasons and assignees are small
    alerts_stream_overlap_s: float = 5.0
    alerts_stream_batch: int = 100
    alerts_stream_ping_s: float = 15.0
    # Webhooks: attempts in all per event and subscription, the exponential wait between them
    # (base, 2 x base, 4 x base, ... up to the max), each POST's timeout, and how often pending
    # jobs left by a restart or an outage are queued again.
    alerts_webhook_max_attempts: int = 5
    alerts_webhook_base_wait_s: float = 0.5
    alerts_webhook_max_wait_s: float = 30.0
    alerts_webhook_timeout_s: float = 10.0
    alerts_webhook_sweep_s: float = 60.0
    # Each attempt at a webhook job first claims the job for this long (renewed before every
    # attempt), so no other worker sends it meanwhile; a dead worker's jobs are taken over by the
    # next sweep after their lease expired. Longer than an attempt (its audit and its POST) and
    # the longest wait before the next one.
    alerts_webhook_lease_s: float = 90.0
    # Hosts a webhook may reach although they resolve to this machine or a private network
    # (checked at every delivery; none by default: an admin names them).
    alerts_webhook_allowed_hosts: list[str] = []
    # The Fernet key webhook signing secrets are sealed with in Neo4j (44 characters, url-safe
    # base64: `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key())"`).
    # Unset, a key is derived from the installation's secret (TESSERA_PERSON_ID_KEY).
    alerts_webhook_secrets_key: SecretStr | None = None
    # A closed alert is not raised again for its pattern within the cool-down.
    alerts_cool_down_days: int = 7
    # P04 harbouring, P06 (b), P07, P08, P09, P15, P19, P23: the rolling window for missing
    # episodes (P07 compares it with the window before). Each pattern's own thresholds are in its
    # folder (services/alerts/patterns/<pattern>/thresholds.py), mixed in above.
    alerts_missing_window_days: int = 90
    # P15 debt bondage: a seizure from a child counts for this many days, and a missing episode
    # beginning within them raises the alert's priority. P09 and P23 read a child's whereabouts
    # and episodes as far back as this or the missing window, whichever is longer.
    alerts_debt_bondage_days: int = 90

    @model_validator(mode="after")
    def _a_lease_outlasts_an_attempt(self) -> "Settings":
        least = (
            self.tessera_audit_timeout_s
            + self.alerts_webhook_timeout_s
            + self.alerts_webhook_max_wait_s
        )
        if self.alerts_webhook_lease_s <= least:
            raise ValueError(
                "ALERTS_WEBHOOK_LEASE_S must be longer than TESSERA_AUDIT_TIMEOUT_S, "
                f"ALERTS_WEBHOOK_TIMEOUT_S and ALERTS_WEBHOOK_MAX_WAIT_S together ({least:g} s), "
                "or a job could be sent twice"
            )
        return self

    @field_validator("alerts_webhook_secrets_key")
    @classmethod
    def _a_fernet_key(cls, key: SecretStr | None) -> SecretStr | None:
        if key is not None:
            try:
                Fernet(key.get_secret_value())
            except ValueError as error:
                raise ValueError("must be a Fernet key: 32 bytes in url-safe base64") from error
        return key


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
