"""A message the network worker can never link is parked with a reason that names the fields
and what is wrong with them, never their values; nothing logged about it echoes them either."""

import asyncio
import json
import logging
from typing import Any, cast

import pytest
from neo4j.exceptions import ClientError

from common.adapters.streaming import Neo4jConnection
from services.network.config import Settings
from services.network.linking.agents import (
    PoisonMessage,
    _link_or_reason,
    _or_reason,
    _retrying,
    dead_letter,
    prepare,
    withdraw,
)
from tests.support.factories import sighting, submitted

CANARIES = ("Canary", "Synthname", "2011-13-02", "2999-01-02", "900123", "narrative")


def _malformed_report() -> bytes:
    """A report event with an impossible date of birth, an invalid handle and a birth date in
    the future, around a narrative that must not be repeated either."""
    event: dict[str, Any] = submitted(sighting("Canary Synthname")).model_dump(mode="json")
    event["report"]["narrative"] = "Canary narrative about a synthetic child"
    persons = event["report"]["event"]["persons"]
    persons[0]["date_of_birth"] = "2011-13-02"
    persons[0]["handles"] = [{"platform": "instagram", "handle": "Canary Synthname 900123!"}]
    persons.append({"name": "Canary Synthname", "date_of_birth": "2999-01-02"})
    return json.dumps(event).encode()


def _never_connected() -> Neo4jConnection:
    return cast(Neo4jConnection, object())  # a message that cannot be read never reaches Neo4j


def test_a_malformed_reports_reason_names_fields_not_values(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    reason = asyncio.run(
        _link_or_reason(_malformed_report(), neo4j=_never_connected(), settings=Settings())
    )
    assert isinstance(reason, str)
    assert "report.event.sighting.persons.0.date_of_birth" in reason
    assert "report.event.sighting.persons.0.handles.0" in reason
    assert not [canary for canary in CANARIES if canary in reason]
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert not [canary for canary in CANARIES if canary in logged]


def test_the_dead_letter_keeps_the_original_but_its_reason_echoes_nothing() -> None:
    original = _malformed_report()
    reason = asyncio.run(_link_or_reason(original, neo4j=_never_connected(), settings=Settings()))
    assert isinstance(reason, str)
    parked = json.loads(dead_letter(value=original, reason=reason))
    assert parked["original"] == original.decode()  # the DLQ is where the data is kept
    assert not [canary for canary in CANARIES if canary in parked["reason"]]


def test_a_malformed_retractions_reason_names_fields_not_values() -> None:
    value = json.dumps({"event_id": "not-a-uuid", "reason": "Canary Synthname 2011-13-02"})
    with pytest.raises(PoisonMessage) as raised:
        asyncio.run(withdraw(value.encode(), neo4j=_never_connected(), settings=Settings()))
    assert not [canary for canary in CANARIES if canary in str(raised.value)]


def test_an_unexpected_errors_reason_and_log_name_only_its_type(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def crash(value: bytes, **_: object) -> None:
        raise KeyError(value)  # an error whose text quotes the message

    caplog.set_level(logging.DEBUG)
    reason = asyncio.run(
        _or_reason(crash, _malformed_report(), neo4j=_never_connected(), settings=Settings())
    )
    assert reason == "unexpected error while handling the message: KeyError"
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "KeyError" in logged
    assert not [canary for canary in CANARIES if canary in logged]


def test_a_neo4j_refusal_is_named_by_its_code_not_its_message() -> None:
    async def refused() -> None:
        raise ClientError("Node(7) already exists with property `name` = 'Canary Synthname'")

    with pytest.raises(PoisonMessage) as raised:
        asyncio.run(_retrying(refused, settings=Settings()))
    assert str(raised.value).startswith("Neo4j refused the message: Neo.")
    assert "Canary" not in str(raised.value)


def test_a_malformed_message_is_left_unprepared_in_its_place_and_echoed_nowhere(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    good = [submitted(sighting(f"Synthetic Child{i}")) for i in range(2)]
    values = [good[0].model_dump_json().encode(), _malformed_report()]
    values.append(good[1].model_dump_json().encode())
    prepared = asyncio.run(prepare(values, settings=Settings()))
    assert [p.id if p is not None else None for p in prepared] == [
        str(good[0].event_id),
        None,  # its batch is linked one message at a time, which parks it with its reason
        str(good[1].event_id),
    ]
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert not [canary for canary in CANARIES if canary in logged]
