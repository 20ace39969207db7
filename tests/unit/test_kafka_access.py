"""Each process's Kafka identity: from its settings, or from the file `tessera infra up` wrote."""

from pathlib import Path

import pytest
from pydantic import SecretStr

from common.kafka_access import (
    INGEST,
    SCRAM,
    Credential,
    KafkaCredentialsMissing,
    kafka_access,
    read_credential,
)
from common.settings import InfraSettings


def test_the_principal_s_file_gives_its_password_and_is_private(tmp_path: Path) -> None:
    path = Credential(INGEST, SecretStr("s3cret-synthetic")).save(tmp_path)
    assert path.stat().st_mode & 0o077 == 0
    access = kafka_access(InfraSettings(kafka_secrets_dir=str(tmp_path)), default_user=INGEST)
    options = access.client_options()
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == SCRAM
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == (
        INGEST,
        "s3cret-synthetic",
    )
    assert options["ssl_cafile"] == str(tmp_path / "ca.pem")
    assert "s3cret" not in repr(access)


def test_settings_name_another_principal_over_the_composition_root_s(tmp_path: Path) -> None:
    settings = InfraSettings(
        kafka_secrets_dir=str(tmp_path),
        kafka_username="someone-else",
        kafka_password=SecretStr("pw-synthetic"),
    )
    access = kafka_access(settings, default_user=INGEST)
    assert access.username == "someone-else"
    assert access.librdkafka_options()["sasl.password"] == "pw-synthetic"


def test_a_missing_credential_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(KafkaCredentialsMissing, match="tessera infra up"):
        read_credential(tmp_path, INGEST)
    with pytest.raises(KafkaCredentialsMissing, match="KAFKA_USERNAME"):
        kafka_access(InfraSettings(kafka_secrets_dir=str(tmp_path)))
