"""Webhook signing secrets sealed at rest: what is stored, the key it is sealed with, secrets
from before sealing, and a key that does not open them."""

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr, ValidationError

from common.keys import derived_key
from services.alerts.config import Settings
from services.alerts.delivery.notify import RetryPolicy, deliver
from services.alerts.delivery.ports import Attempt, DeliveryJob, JobStatus, PostResult, Subscription
from services.alerts.delivery.sealing import SecretUnreadable, is_sealed, secret_box

SECRET = "whsec_synthetic-secret-for-a-unit-test"  # noqa: S105 - a test value
INSTALLATION_A, INSTALLATION_B = "a" * 64, "b" * 64


def _with_key(key: str) -> Settings:
    return Settings(alerts_webhook_secrets_key=SecretStr(key))


def _installation(secret: str) -> Settings:
    return Settings(tessera_person_id_key=SecretStr(secret))


def test_the_stored_form_holds_no_part_of_the_secret_and_opens_to_it() -> None:
    box = secret_box(_with_key(Fernet.generate_key().decode()))
    stored = box.seal(SECRET)
    assert is_sealed(stored)
    assert SECRET.removeprefix("whsec_") not in stored
    assert box.seal(SECRET) != stored  # a fresh IV each time: equal secrets do not show
    assert box.open(stored) == SECRET


def test_a_secret_stored_in_plain_text_before_sealing_opens_as_itself() -> None:
    box = secret_box(_with_key(Fernet.generate_key().decode()))
    assert not is_sealed(SECRET)
    assert box.open(SECRET) == SECRET


def test_another_key_does_not_open_it_and_says_which_setting_to_fix() -> None:
    stored = secret_box(_with_key(Fernet.generate_key().decode())).seal(SECRET)
    with pytest.raises(SecretUnreadable, match="set ALERTS_WEBHOOK_SECRETS_KEY"):
        secret_box(_with_key(Fernet.generate_key().decode())).open(stored)


def test_unset_the_key_is_derived_from_the_installations_secret() -> None:
    stored = secret_box(_installation(INSTALLATION_A)).seal(SECRET)
    assert secret_box(_installation(INSTALLATION_A)).open(stored) == SECRET
    with pytest.raises(SecretUnreadable, match="derived from the installation's secret"):
        secret_box(_installation(INSTALLATION_B)).open(stored)


def test_each_purpose_gets_a_key_of_its_own_that_is_not_the_installations_secret() -> None:
    settings = _installation(INSTALLATION_A)
    webhooks = derived_key(settings, purpose=b"webhooks")
    other = derived_key(settings, purpose=b"something else")
    assert len(webhooks) == 32
    assert webhooks != other
    assert webhooks != bytes.fromhex(INSTALLATION_A)


def test_a_malformed_key_is_refused_naming_the_setting() -> None:
    with pytest.raises(ValidationError, match="alerts_webhook_secrets_key"):
        _with_key("not-a-fernet-key")


class NeverPost:
    """A receiver that must not be called."""

    async def post(self, url: str, *, body: bytes, headers: Mapping[str, str]) -> PostResult:
        raise AssertionError(f"posted to {url}")


class NoLog:
    async def claim(self, job: DeliveryJob) -> int | None:
        raise AssertionError("no attempt is made")

    async def record_attempt(self, attempt: Attempt, *, settles: JobStatus | None) -> None:
        raise AssertionError("no attempt is made")

    async def record_delivery(self, job: DeliveryJob, *, attempt: int) -> None:
        raise AssertionError("no attempt is made")


def test_a_subscription_whose_secret_did_not_open_gets_nothing_and_its_job_waits() -> None:
    unopened = Subscription(
        id="s1",
        name="Synthetic MASH",
        url="https://mash.example/hook",
        secret=None,
        agency="Synthetic Police",
        role="police",
        active=True,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    job = DeliveryJob(subscription=unopened, event_id="e1", alert_id="a1", body=b"{}")
    status = asyncio.run(
        deliver(
            job=job,
            poster=NeverPost(),
            store=NoLog(),
            audit=NoLog(),
            policy=RetryPolicy(),
            clock=lambda: datetime.now(UTC),
            sleep=asyncio.sleep,
        )
    )
    assert status is JobStatus.PENDING
