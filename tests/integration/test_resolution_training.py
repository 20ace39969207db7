"""`tessera resolution train` reads the graph's own mentions from the real Neo4j (issue 15):
each as its report said it, phones included, and whom it is now; then trains a model on them.

Every name, date, address, number and phone here is invented.
"""

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from common.settings import InfraSettings
from schemas.reports import ReportCreate
from services.network.resolution_model import load_model
from tessera_cli.main import app
from tessera_cli.resolution_training import TrainingRecord, records_from_graph
from tests.support import queries
from tests.support.factories import report_json, submitted, synthetic_nhs_number
from tests.support.linking import link_events

pytestmark = pytest.mark.integration

BORN = date(2011, 6, 14)


@pytest.fixture
def linked(settings: InfraSettings, neo4j_driver: Driver) -> Iterator[tuple[str, str, list[str]]]:
    """Three reports of one child (name spelt two ways, one with a phone), and their people."""
    tag = uuid.uuid4().hex[:6]
    name, nhs = f"Kit Synth{tag}", synthetic_nhs_number(int(tag, 16))
    child = {
        "name": name,
        "date_of_birth": BORN.isoformat(),
        "nhs_number": nhs,
        "home_address": f"{int(tag, 16) % 90 + 1} Synthetic Road",
        "home_postcode": "ZZ99 3AB",
    }
    reports = [
        {"type": "sighting", "persons": [child], "place": {"name": f"Synth Park {tag}"}},
        {
            "type": "sighting",
            "persons": [{**child, "phones": ["07700 900123"]}],
            "place": {"name": f"Synth Shop {tag}"},
        },
        {
            "type": "sighting",
            "persons": [{"name": f"Kitt Synth{tag}", "estimated_age": 15}],
            "place": {"name": f"Synth Park {tag}"},
        },
    ]
    events = [submitted(ReportCreate.model_validate(report_json(r))) for r in reports]
    done = link_events(settings, events)
    people = [next(e.id for e in x.entities if e.kind == "person") for x in done]
    try:
        yield name.lower(), nhs, people
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES,
            report_ids=[str(e.event_id) for e in events],
        )


def test_each_mention_is_read_as_its_report_said_it(
    settings: InfraSettings, neo4j_driver: Driver, linked: tuple[str, str, list[str]]
) -> None:
    name, nhs, people = linked
    mine = [
        r
        for r in records_from_graph(neo4j_driver, database=settings.neo4j_database)
        if r.person in people
    ]
    assert len(mine) == 3
    dated = [r for r in mine if r.facts.date_of_birth == BORN]
    assert len(dated) == 2 and {r.person for r in dated} == {people[0]}
    assert all(r.facts.names == (name,) for r in dated)
    assert all(r.facts.identifiers == {f"nhs:{nhs}"} for r in dated)
    assert all(r.facts.postcodes == {"ZZ99 3AB"} for r in dated)
    # The phone is the second report's only: each mention is what its own report said.
    assert sorted(r.facts.phones for r in dated) == [frozenset(), frozenset({"+447700900123"})]
    (aged,) = [r for r in mine if r.facts.date_of_birth is None]
    assert aged.facts.birth_year is not None and aged.facts.names == (f"kitt {name.split()[1]}",)
    assert all(isinstance(r, TrainingRecord) for r in mine)


GIVEN = ["Ava", "Ben", "Cai", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jon", "Kai", "Lex"]


@pytest.fixture
def crowd(settings: InfraSettings, neo4j_driver: Driver) -> Iterator[None]:
    """Twelve more children, each reported three times (once with a typo, once without the
    date of birth), so a graph of nothing but this test's data has enough to train on."""
    tag = uuid.uuid4().hex[:6]
    reports = []
    for i, given in enumerate(GIVEN):
        surname = f"Synthcrowd{tag}{chr(97 + i)}"
        born = date(2010, 1 + i % 12, 3 + i).isoformat()
        home = f"{i + 1} Synthetic Row {tag}"
        for person in (
            {"name": f"{given} {surname}", "date_of_birth": born, "home_address": home},
            {"name": f"{given}n {surname}", "date_of_birth": born, "home_address": home},
            {"name": f"{given} {surname}", "home_address": home},
        ):
            reports.append(
                {
                    "type": "sighting",
                    "persons": [{**person, "role": "young_person"}],
                    "place": {"name": f"Synth Yard {tag}"},
                }
            )
    events = [submitted(ReportCreate.model_validate(report_json(r))) for r in reports]
    link_events(settings, events)
    try:
        yield
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES,
            report_ids=[str(e.event_id) for e in events],
        )


@pytest.mark.usefixtures("crowd")
def test_the_train_command_trains_on_the_graph(
    tmp_path: Path, linked: tuple[str, str, list[str]]
) -> None:
    out = tmp_path / "graph-model.json"
    result = CliRunner().invoke(
        app, ["resolution", "train", "--out", str(out), "--max-pairs", "5000"]
    )
    assert result.exit_code == 0, result.output
    model = load_model(out)
    assert "the graph's latest" in model.written_by
    assert model.version.split(".")[1] == "splink"
