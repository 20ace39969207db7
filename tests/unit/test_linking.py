"""Linking a report: resolution against a fake index, rows for the graph, the event."""

import asyncio
import uuid

import pytest

from schemas.linking import EntityKind
from schemas.reports import ReportCreate
from services.network.linking import (
    NoPeople,
    ReportGraph,
    build_report_graph,
    link_report,
)
from services.network.matching import KnownPerson, PersonFacts, facts_of
from tests.examples import EVENTS
from tests.factories import NOW, report_json, sighting, submitted


class FakeGraph:
    def __init__(self) -> None:
        self.written: list[ReportGraph] = []

    async def write_report(self, graph: ReportGraph) -> None:
        self.written.append(graph)


class FakeIndex:
    def __init__(self, *people: KnownPerson) -> None:
        self.people = list(people)
        self.asked: list[list[str]] = []

    async def candidates(self, keys: list[str], *, limit: int) -> list[KnownPerson]:
        self.asked.append(keys)
        return self.people[:limit]


def _named(name: str) -> PersonFacts:
    return facts_of(
        name=name,
        aliases=[],
        nicknames=[],
        date_of_birth=None,
        estimated_age=None,
        observed_on=NOW.date(),
        phones=[],
        handles=[],
    )


def _link(report: ReportCreate, index: object) -> tuple[FakeGraph, object]:
    graph = FakeGraph()
    event = submitted(report)
    linked = asyncio.run(
        link_report(event=event, graph=graph, people=index, now=NOW, new_id=uuid.uuid4)  # type: ignore[arg-type]
    )
    return graph, linked


def test_a_person_named_twice_in_one_report_is_one_row() -> None:
    rows = build_report_graph(submitted(sighting("Ava Synth", "AVA SYNTH", "Ben Synth")))
    assert len(rows.persons) == 2
    assert all(p["young_person"] for p in rows.persons)
    assert len(rows.seen_at) == 2 and len(rows.locations) == 1


def test_link_report_writes_once_and_names_every_entity() -> None:
    graph, linked = _link(sighting("Ava Synth", "Ben Synth", place="Synthetic Park"), NoPeople())
    assert len(graph.written) == 1
    kinds = [e.kind for e in linked.entities]  # type: ignore[attr-defined]
    assert kinds.count(EntityKind.LOCATION) == 1 and kinds.count(EntityKind.PERSON) == 2


def test_a_certain_match_reuses_the_known_person() -> None:
    known = KnownPerson(
        "person:known",
        _named("Ava Synth"),
    )
    graph, _ = _link(sighting("Ava Synth"), FakeIndex(known))
    assert graph.written[0].persons[0]["id"] == "person:known"
    assert graph.written[0].possible == []


def test_an_uncertain_match_is_recorded_as_a_candidate() -> None:
    known = KnownPerson(
        "person:known",
        _named("Ava Synthe"),
    )
    graph, _ = _link(sighting("Ava Synth"), FakeIndex(known))
    rows = graph.written[0]
    assert rows.persons[0]["id"] != "person:known"
    assert len(rows.possible) == 1 and rows.possible[0]["score"] >= 0.75


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_every_event_type_links_its_entities(kind: str) -> None:
    rows = build_report_graph(submitted(ReportCreate.model_validate(report_json(EVENTS[kind]))))
    assert rows.persons, f"{kind} mentions nobody"
    every_id = {
        row["id"]
        for items in (rows.persons, rows.locations, rows.vehicles, rows.phones, rows.handles)
        for row in items
    } | {row["id"] for row in rows.groups}
    for links in rows.links.values():
        for link in links:
            assert {link["source"], link["target"]} <= every_id


def test_vehicle_phone_and_handle_events_link_those_identifiers() -> None:
    vehicle = build_report_graph(
        submitted(ReportCreate.model_validate(report_json(EVENTS["vehicle_sighting"])))
    )
    assert vehicle.vehicles and "IN_VEHICLE" in vehicle.links
    phone = build_report_graph(
        submitted(ReportCreate.model_validate(report_json(EVENTS["phone_contact"])))
    )
    assert phone.phones and {"USES_PHONE", "CONTACTED_BY"} & set(phone.links)
    social = build_report_graph(
        submitted(ReportCreate.model_validate(report_json(EVENTS["social_media"])))
    )
    assert social.handles and "HAS_HANDLE" in social.links
