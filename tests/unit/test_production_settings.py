"""With TESSERA_ENV=production no process starts with the development Neo4j password."""

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import SecretStr

from common.adapters.streaming import create_stream_app
from common.kafka_access import ALERTS, NETWORK
from common.settings import (
    DEV_NEO4J_PASSWORD,
    InfraSettings,
    UnsafeSettings,
    refuse_development_defaults,
)
from services.alerts import config as alerts_config
from services.alerts import main as alerts_main
from services.ingest import config as ingest_config
from services.ingest import main as ingest_main
from services.network import config as network_config
from services.network.analyst import main as network_main
from services.web import config as web_config
from services.web import main as web_main

OWN_PASSWORD = "synthetic-own-password"  # noqa: S105 - a test value


def _settings(env: str, password: str) -> InfraSettings:
    return InfraSettings(tessera_env=env, neo4j_password=SecretStr(password))


def test_production_refuses_the_development_password_naming_the_setting() -> None:
    with pytest.raises(UnsafeSettings, match="set NEO4J_PASSWORD"):
        refuse_development_defaults(_settings("production", DEV_NEO4J_PASSWORD))


@pytest.mark.parametrize(
    ("env", "password"),
    [("production", OWN_PASSWORD), ("development", DEV_NEO4J_PASSWORD)],
)
def test_its_own_password_or_development_is_accepted(env: str, password: str) -> None:
    refuse_development_defaults(_settings(env, password))


def test_tessera_env_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESSERA_ENV", "production")
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    with pytest.raises(UnsafeSettings):
        refuse_development_defaults(InfraSettings())
    monkeypatch.setenv("TESSERA_ENV", "prod")  # a typo is refused, not taken for development
    with pytest.raises(ValueError, match="tessera_env"):
        InfraSettings()


PROCESSES: list[tuple[str, Callable[[Any], object], type[InfraSettings]]] = [
    ("ingest", lambda s: ingest_main.create_app(s), ingest_config.Settings),
    ("analyst API", lambda s: network_main.create_app(s), network_config.Settings),
    ("alerts API", lambda s: alerts_main.create_app(s), alerts_config.Settings),
    ("web", lambda s: web_main.create_app(s), web_config.Settings),
    (
        "network worker",
        lambda s: create_stream_app(app_id="tessera-network", settings=s, principal=NETWORK),
        network_config.Settings,
    ),
    (
        "alerts worker",
        lambda s: create_stream_app(app_id="tessera-alerts", settings=s, principal=ALERTS),
        alerts_config.Settings,
    ),
]


@pytest.mark.parametrize(("name", "start", "settings"), PROCESSES, ids=[p[0] for p in PROCESSES])
def test_every_process_refuses_to_start(
    name: str, start: Callable[[Any], object], settings: type[InfraSettings]
) -> None:
    production = settings(tessera_env="production", neo4j_password=SecretStr(DEV_NEO4J_PASSWORD))
    with pytest.raises(UnsafeSettings, match="NEO4J_PASSWORD"):
        start(production)
