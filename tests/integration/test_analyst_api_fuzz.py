"""Schemathesis property tests of the analyst API, in process, against the real Neo4j and Kafka,
with real ids: a small demo-like graph is linked first and its people, places, vehicles,
phones, handles, groups, possible matches and reports stand in for generated ids. No generated
request gets a 5xx, and every answer keeps to the OpenAPI description."""

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from neo4j import Driver
from schemathesis.core.parameters import ParameterLocation

from common.auth import Role, TokenStore
from common.settings import InfraSettings
from services.network.analyst.main import create_app as create_network_app
from services.network.config import Settings as NetworkSettings
from tests.support.demo_graph import DemoGraph, demo_graph
from tests.support.fuzzing import (
    EXCLUDED,
    FUZZ,
    AppUnderTest,
    Case,
    StandInBearer,
    real_token,
    use_real_ids,
)

pytestmark = pytest.mark.integration

ANALYST = AppUnderTest()
analyst_api = schemathesis.openapi.from_dict(create_network_app(NetworkSettings()).openapi())
analyst_api.app = ANALYST
analyst_api.auth(refresh_interval=None)(StandInBearer)


@pytest.fixture(scope="module")
def graph(settings: InfraSettings, neo4j_driver: Driver) -> Iterator[DemoGraph]:
    """The demo graph, linked once for every operation of the module (the fuzzing changes it as
    analysts would: decisions and splits; they are removed with it)."""
    with demo_graph(settings, neo4j_driver) as linked:
        yield linked


@pytest.fixture
def analyst(graph: DemoGraph, decisions_topic: str, tmp_path: Path) -> Iterator[AppUnderTest]:
    """The analyst API on the real services, and an admin's token of the agency that may see
    the restricted report: admins may do everything analysts may, and read the audit log."""
    auth_file = tmp_path / "users.json"
    tokens = TokenStore(auth_file)
    tokens.add_agency(graph.restricted_to)
    ANALYST.token = tokens.issue(user="an.admin", agency=graph.restricted_to, role=Role.ADMIN)
    ANALYST.app = create_network_app(
        NetworkSettings(tessera_auth_file=str(auth_file), network_decisions_topic=decisions_topic)
    )
    yield ANALYST
    ANALYST.app = ANALYST.token = None


def _real_reports(case: Case, graph: DemoGraph) -> None:
    """A split's body names reports that mention the person (all but one at most, so one may
    stay), when it is meant to be valid; one body in four keeps its generated report ids."""
    meta, body = case.meta, case.body
    if not isinstance(body, dict) or not isinstance(generated := body.get("report_ids"), list):
        return
    if meta is not None and meta.is_negative_at(ParameterLocation.BODY):
        return
    reports = graph.reports_of.get(str(case.path_parameters.get("person_id")), ())
    wanted = max(1, min(len(generated), len(reports) - 1))
    pick = zlib.crc32(repr(body).encode())
    if reports and pick % 4:
        chosen: list[Any] = [reports[(pick + i) % len(reports)] for i in range(wanted)]
        case.body = {**body, "report_ids": chosen}


@analyst_api.parametrize()
@FUZZ
def test_analyst_api_answers_no_5xx_and_keeps_to_its_description(
    case: Case, analyst: AppUnderTest, graph: DemoGraph
) -> None:
    # A split needs a person more than one report mentions: one must stay.
    splittable = [p for p, reports in graph.reports_of.items() if len(reports) > 1]
    use_real_ids(
        case,
        path={
            "entity_id": graph.entities,
            "person_id": splittable if case.path.endswith("/split") else graph.persons,
            "candidate_id": graph.candidates,
        },
        query={
            "source": graph.entities,
            "target": graph.entities,
            "person_id": graph.persons,
            "subject_id": graph.entities,
        },
    )
    _real_reports(case, graph)
    case.call_and_validate(headers=real_token(case, analyst), excluded_checks=EXCLUDED)
