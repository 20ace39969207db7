"""Infrastructure settings every process shares, under the same names everywhere."""

from typing import Annotated, Literal

from pydantic import Field, SecretStr, StringConstraints
from pydantic_settings import BaseSettings, SettingsConfigDict

from schemas import topics

DEV_NEO4J_PASSWORD = "tessera-dev-password"  # noqa: S105 - local development default only


class InfraSettings(BaseSettings):
    """Where Kafka, Neo4j and the token store are."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    # Kafka accepts SASL over TLS only. Each process connects as its own principal; unset, the
    # password is read from `<KAFKA_SECRETS_DIR>/<username>.json`, which `tessera infra up` writes.
    kafka_username: str | None = None
    kafka_password: SecretStr | None = None
    kafka_sasl_mechanism: str = "SCRAM-SHA-512"
    kafka_secrets_dir: str = ".infra/secrets/kafka"
    kafka_ssl_cafile: str | None = None  # default: ca.pem in KAFKA_SECRETS_DIR
    # The largest event a stream worker sends, before compression (the producer checks that
    # size; the broker then checks each compressed batch against its own limit, 1 MiB by
    # default). An alert change over it is set aside rather than published (`tessera outbox`).
    stream_max_event_bytes: int = Field(default=16 * 1024 * 1024, ge=1_000_000)
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr(DEV_NEO4J_PASSWORD)
    neo4j_database: str = "neo4j"
    # The memory of the Neo4j that `tessera infra up` starts (not of one it finds running): the
    # JVM heap, and the page cache that keeps the store's pages. The defaults suit tests and the
    # demo; a graph of 100,000 reports or more wants the page cache near its store's size
    # (`make bench` starts it with 2g of each).
    neo4j_heap: Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]*[mg]$")] = "1g"
    neo4j_page_cache: Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]*[mg]$")] = "256m"
    tessera_auth_file: str = ".infra/auth/users.json"
    # Person ids are HMACs keyed with this secret (64 hex digits), so an id gives away no name
    # or date of birth. Unset, the key is read from the file, which the first process creates.
    tessera_person_id_key: SecretStr | None = None
    tessera_person_id_key_file: str = ".infra/secrets/person-id.key"
    # Every read of personal data is recorded on this append-only topic (and copied to Neo4j);
    # a read whose entry Kafka has not acknowledged within the timeout fails with 503.
    tessera_audit_topic: str = topics.AUDIT
    tessera_audit_timeout_s: float = 5.0
    # `production` makes every process refuse to start with a development default (below).
    tessera_env: Literal["development", "production"] = "development"


class UnsafeSettings(RuntimeError):
    """A production process was given a development default it must not run with."""


def refuse_development_defaults(settings: InfraSettings) -> None:
    """Raise UnsafeSettings, naming the setting to change, when TESSERA_ENV=production and
    NEO4J_PASSWORD is still the development default; every process calls this as it starts."""
    if settings.tessera_env != "production":
        return
    if settings.neo4j_password.get_secret_value() == DEV_NEO4J_PASSWORD:
        raise UnsafeSettings(
            "NEO4J_PASSWORD is the development default, which TESSERA_ENV=production refuses: "
            "set NEO4J_PASSWORD to this installation's own Neo4j password"
        )
