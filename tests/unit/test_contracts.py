"""The published contracts in schemas/json/ are what the code would generate now."""

import json
from pathlib import Path

import pytest

from schemas import contracts
from schemas.reports import ReportSubmitted
from tests.support.examples import EVENTS
from tests.support.factories import report_json, submitted

FOLDER = Path(__file__).resolve().parents[2] / "schemas" / "json"
RENDERED = contracts.rendered()


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_contract_file_is_current(name: str) -> None:
    path = FOLDER / name
    assert path.exists(), f"{name} is missing: run `make schemas`"
    assert path.read_text() == RENDERED[name], f"{name} is stale: run `make schemas`"


def test_no_orphaned_contract_files() -> None:
    on_disk = {str(p.relative_to(FOLDER)) for p in FOLDER.rglob("*.json")}
    assert on_disk == set(RENDERED)


def test_every_event_type_has_a_schema() -> None:
    assert {f"events/{kind}.v1.json" for kind in EVENTS} <= set(RENDERED)


def test_asyncapi_names_every_topic_and_message() -> None:
    document = json.loads(RENDERED[contracts.ASYNCAPI_FILE])
    assert document["asyncapi"] == "3.0.0"
    addresses = {c["address"] for c in document["channels"].values()}
    assert addresses == {
        "intel.reports.v1",
        "intel.reports.bulk.v1",
        "intel.reports.dlq.v1",
        "intel.entities-linked.v1",
        "intel.entities-linked.bulk.v1",
        "intel.alerts.v1",
        "intel.resolution-decisions.v1",
        "intel.retractions.v1",
    }
    for message in document["components"]["messages"].values():
        assert (FOLDER / message["payload"]["$ref"].removeprefix("./")).exists()


def test_report_schema_describes_what_partners_publish() -> None:
    from pydantic import TypeAdapter

    schema = json.loads(RENDERED["report-submitted.v1.json"])
    event = submitted(
        ReportSubmitted.model_fields["report"].annotation.model_validate(  # type: ignore[union-attr]
            report_json(EVENTS["missing_reported"])
        )
    )
    assert set(schema["required"]) <= set(event.model_dump(mode="json"))
    assert TypeAdapter(ReportSubmitted).json_schema(mode="validation") == {
        k: v for k, v in schema.items() if k != "$schema"
    }


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_an_event_must_name_its_type_as_the_code_requires(kind: str) -> None:
    from pydantic import ValidationError

    from schemas.reports import ReportCreate

    schema = json.loads(RENDERED[f"events/{kind}.v1.json"])
    assert "type" in schema["required"]
    assert "default" not in schema["properties"]["type"]
    untyped = {k: v for k, v in EVENTS[kind].items() if k != "type"}
    with pytest.raises(ValidationError, match="type"):
        ReportCreate.model_validate(report_json(untyped))
