"""How a process reaches Kafka: the brokers and the identity it connects as.

Every Kafka client in the services and the CLI is built from a KafkaAccess, so the security
settings live in one place. The broker accepts only SASL over TLS: each process presents its
own principal (SCRAM-SHA-512; the CLI's administrator uses PLAIN, defined in the broker's own
configuration) and checks the broker's certificate against the installation's CA.

A principal's credentials come from the settings (KAFKA_USERNAME, KAFKA_PASSWORD), or else from
the file `tessera infra up` wrote for it under KAFKA_SECRETS_DIR (`<username>.json`, mode 0600).
"""

import json
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from common.private_files import write_private
from common.settings import InfraSettings

# Each process connects as its own principal (tessera_cli/kafka_principals.py grants their ACLs).
INGEST = "tessera-ingest"
NETWORK = "tessera-network"
ANALYST = "tessera-analyst"
ALERTS = "tessera-alerts"
WEB = "tessera-web"
BRIDGE = "tessera-partner-bridge"
SERVICES = (INGEST, NETWORK, ANALYST, ALERTS, WEB, BRIDGE)
ADMIN = "tessera-admin"  # the CLI's administrator, a super user
BROKER = "tessera-broker"  # the broker's own account

SCRAM = "SCRAM-SHA-512"
PLAIN = "PLAIN"
SASL_SSL = "SASL_SSL"


class KafkaCredentialsMissing(RuntimeError):
    """A principal has no password in the settings nor a credentials file."""


@dataclass(frozen=True, slots=True)
class Credential:
    """One principal's name, password and SASL mechanism."""

    username: str
    password: SecretStr = field(repr=False)
    mechanism: str = SCRAM

    def save(self, folder: Path) -> Path:
        """Write it as `<folder>/<username>.json`, readable by its owner only."""
        text = json.dumps(
            {
                "username": self.username,
                "password": self.password.get_secret_value(),
                "mechanism": self.mechanism,
            }
        )
        return write_private(folder / f"{self.username}.json", text)


def read_credential(folder: Path, username: str) -> Credential:
    """The credentials `tessera infra up` (or `tessera partner add`) wrote for a principal."""
    path = folder / f"{username}.json"
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise KafkaCredentialsMissing(
            f"no Kafka credentials for {username}: set KAFKA_USERNAME and KAFKA_PASSWORD, "
            f"or run `tessera infra up` here to create {path}"
        ) from None
    return Credential(
        username=str(data["username"]),
        password=SecretStr(str(data["password"])),
        mechanism=str(data.get("mechanism", SCRAM)),
    )


@dataclass(frozen=True, slots=True)
class KafkaAccess:
    """The brokers to bootstrap from, the principal to present, and the CA to trust.

    Without a credential (only the tests that probe a closed port build one) the client
    connects in plain text, which the broker refuses.
    """

    bootstrap_servers: str
    credential: Credential | None = None
    cafile: str | None = None

    @property
    def username(self) -> str | None:
        """The principal's name, if any."""
        return self.credential.username if self.credential else None

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for any kafka-python client (producer, consumer, admin)."""
        options: dict[str, Any] = {"bootstrap_servers": self.bootstrap_servers}
        if self.credential is not None:
            options |= {
                "security_protocol": SASL_SSL,
                "sasl_mechanism": self.credential.mechanism,
                "sasl_plain_username": self.credential.username,
                "sasl_plain_password": self.credential.password.get_secret_value(),
                "ssl_cafile": self.cafile,
                "ssl_check_hostname": True,
            }
        return options

    def ssl_context(self) -> ssl.SSLContext:
        """A TLS context that trusts the installation's CA (for faust and aiokafka)."""
        return ssl.create_default_context(cafile=self.cafile)

    def write_librdkafka_config(self, path: Path) -> Path:
        """The librdkafka options as a properties file (0600), for `kcat -F` and its kin."""
        return write_private(
            path, "".join(f"{k}={v}\n" for k, v in self.librdkafka_options().items())
        )

    def librdkafka_options(self) -> dict[str, str]:
        """The same access as librdkafka (kcat) properties."""
        options = {"bootstrap.servers": self.bootstrap_servers}
        if self.credential is not None:
            options |= {
                "security.protocol": SASL_SSL,
                "sasl.mechanisms": self.credential.mechanism,
                "sasl.username": self.credential.username,
                "sasl.password": self.credential.password.get_secret_value(),
                "ssl.ca.location": str(self.cafile),
            }
        return options


def kafka_access(settings: InfraSettings, *, default_user: str | None = None) -> KafkaAccess:
    """The process's access: KAFKA_USERNAME if set, else the composition root's principal."""
    username = settings.kafka_username or default_user
    if username is None:
        raise KafkaCredentialsMissing("no Kafka principal: set KAFKA_USERNAME")
    secrets_dir = Path(settings.kafka_secrets_dir)
    if settings.kafka_password is not None:
        credential = Credential(username, settings.kafka_password, settings.kafka_sasl_mechanism)
    else:
        credential = read_credential(secrets_dir, username)
    cafile = settings.kafka_ssl_cafile or str(secrets_dir / "ca.pem")
    return KafkaAccess(settings.kafka_bootstrap_servers, credential, cafile)
