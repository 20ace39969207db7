"""Webhook signing secrets sealed at rest with Fernet (AES-128-CBC and HMAC-SHA256), keyed by
ALERTS_WEBHOOK_SECRETS_KEY or, unset, by a key derived from the installation's secret.

A sealed secret is stored as `fernet:<token>`. A secret stored before sealing (plain text, as
`whsec_...`) still opens, as itself, until the alert worker seals it.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken

from common.keys import derived_key
from services.alerts.config import Settings

SEALED_PREFIX = "fernet:"
KEY_PURPOSE = b"tessera webhook signing secrets v1"  # the HKDF label of the derived key


class SecretUnreadable(Exception):
    """A sealed secret that the configured key does not open."""


def is_sealed(stored: str) -> bool:
    """Whether a stored secret is sealed (else it is plain text from before sealing)."""
    return stored.startswith(SEALED_PREFIX)


class SecretBox:
    """Seals signing secrets to store them, and opens them again to sign."""

    def __init__(self, key: bytes, *, source: str) -> None:
        self._fernet = Fernet(key)
        self._source = source  # where the key came from, for the error that names it

    def seal(self, secret: str) -> str:
        """The secret as it is stored: `fernet:` and a token that only the key opens."""
        return SEALED_PREFIX + self._fernet.encrypt(secret.encode()).decode()

    def open(self, stored: str) -> str:
        """The secret a stored value holds; plain text is itself; SecretUnreadable when the key
        is not the one it was sealed with."""
        if not is_sealed(stored):
            return stored
        try:
            return self._fernet.decrypt(stored.removeprefix(SEALED_PREFIX)).decode()
        except InvalidToken as error:
            raise SecretUnreadable(
                f"its signing secret was sealed with another key than {self._source}; set "
                "ALERTS_WEBHOOK_SECRETS_KEY to the key it was sealed with, or add the webhook "
                "again for a new secret"
            ) from error


def secret_box(settings: Settings) -> SecretBox:
    """The box of this installation: ALERTS_WEBHOOK_SECRETS_KEY, else a key derived from the
    installation's secret with a label of its own."""
    if settings.alerts_webhook_secrets_key is not None:
        key = settings.alerts_webhook_secrets_key.get_secret_value().encode()
        return SecretBox(key, source="ALERTS_WEBHOOK_SECRETS_KEY")
    derived = derived_key(settings, purpose=KEY_PURPOSE)
    return SecretBox(
        base64.urlsafe_b64encode(derived),
        source="the key derived from the installation's secret (ALERTS_WEBHOOK_SECRETS_KEY unset)",
    )
