"""The installation's secret keys: the one person ids are keyed with, and what it seals."""

import os
import secrets
import time
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from common.settings import InfraSettings

KEY_HEX_DIGITS = 64


def person_id_key(settings: InfraSettings) -> bytes:
    """The secret that keys person ids: from the setting, else the file (made once, 0600)."""
    if settings.tessera_person_id_key is not None:
        return _parsed(settings.tessera_person_id_key.get_secret_value(), "TESSERA_PERSON_ID_KEY")
    return _read_or_create(Path(settings.tessera_person_id_key_file))


def derived_key(settings: InfraSettings, *, purpose: bytes) -> bytes:
    """A 32-byte key for one purpose, derived from the installation's secret with HKDF-SHA256:
    each purpose (its label) gets a key of its own, and none reveals the secret or another."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose)
    return hkdf.derive(person_id_key(settings))


def _parsed(text: str, where: str) -> bytes:
    if len(text) != KEY_HEX_DIGITS:
        raise ValueError(f"{where} must be {KEY_HEX_DIGITS} hex digits")
    return bytes.fromhex(text)


@lru_cache
def _read_or_create(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:  # the first process makes the key; every other one reads it
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(KEY_HEX_DIGITS // 2))
    for _ in range(100):
        text = path.read_text().strip()
        if len(text) == KEY_HEX_DIGITS:
            return _parsed(text, str(path))
        time.sleep(0.01)  # another process is still writing it
    raise RuntimeError(f"{path} does not hold a {KEY_HEX_DIGITS}-digit hex key")


@lru_cache
def installation_key() -> bytes:
    """The secret of the installation this process belongs to, read once from its settings."""
    return person_id_key(InfraSettings())
