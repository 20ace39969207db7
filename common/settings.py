"""Infrastructure settings every process shares, under the same names everywhere."""

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_NEO4J_PASSWORD = "tessera-dev-password"  # noqa: S105 - local development default only


class InfraSettings(BaseSettings):
    """Where Kafka, Neo4j and the token store are."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr(DEV_NEO4J_PASSWORD)
    neo4j_database: str = "neo4j"
    tessera_auth_file: str = ".infra/auth/users.json"
    # Person ids are HMACs keyed with this secret (64 hex digits), so an id gives away no name
    # or date of birth. Unset, the key is read from the file, which the first process creates.
    tessera_person_id_key: SecretStr | None = None
    tessera_person_id_key_file: str = ".infra/secrets/person-id.key"
