"""Linking a report: resolution against a fake index, rows for the graph, the event."""

import asyncio
import uuid
from datetime import date
from typing import Any

import pytest

from schemas.linking import EntitiesLinked, EntityKind
from schemas.reports import ReportCreate, ReportSubmitted
from services.network.linking.ports import ReportGraph
from services.network.linking.reports import (
    build_report_graph,
    link_report,
    link_reports,
)
from services.network.matching import KnownPerson, PersonFacts, facts_of
from services.network.pool import PeopleSharing, SharingPerson
from tests.support.examples import EVENTS
from tests.support.factories import NOW, id_key, report_json, sighting, submitted


class FakeStore:
    """The linking store as a fake: people it was given, reports it was told are written."""

    def __init__(self, *people: KnownPerson, written: tuple[str, ...] = ()) -> None:
        self.people = list(people)
        self.earlier = set(written)
        self.written: list[ReportGraph] = []
        self.asked: list[list[str]] = []
        self.merged: list[dict[str, Any]] = []

    async def open_reports(self, reports: list[dict[str, Any]]) -> set[str]:
        return {r["id"] for r in reports if r["id"] not in self.earlier}

    async def people_sharing(
        self,
        mentions: list[list[str]],
        *,
        max_sharing: int,  # noqa: ARG002 - the port's signature
        limit: int,  # noqa: ARG002
    ) -> PeopleSharing:
        keys = sorted({key for keys in mentions for key in keys})
        self.asked.append(keys)
        return PeopleSharing(people=[SharingPerson.of(p, keys) for p in self.people])

    async def write_reports(self, graphs: list[ReportGraph]) -> None:
        self.written += graphs

    async def entities_of(self, report_ids: list[str]) -> dict[str, list[tuple[EntityKind, str]]]:
        return {rid: [(EntityKind.PERSON, "person:earlier")] for rid in report_ids}

    async def merge_people(self, decisions: list[dict[str, Any]]) -> None:
        self.merged += decisions


def _named(name: str, born: date | None = None) -> PersonFacts:
    return facts_of(
        name=name,
        aliases=[],
        nicknames=[],
        date_of_birth=born,
        estimated_age=None,
        observed_on=NOW.date(),
        phones=[],
        handles=[],
    )


def _link(report: ReportCreate, store: FakeStore) -> tuple[FakeStore, EntitiesLinked]:
    event = submitted(report)
    linked = asyncio.run(
        link_report(event=event, store=store, now=NOW, new_id=uuid.uuid4, id_key=id_key())
    )
    return store, linked


def _link_all(events: list[ReportSubmitted], store: FakeStore) -> list[EntitiesLinked]:
    return asyncio.run(
        link_reports(events=events, store=store, now=NOW, new_id=uuid.uuid4, id_key=id_key())
    ).linked


def test_a_person_named_twice_in_one_report_is_one_row() -> None:
    rows = build_report_graph(
        submitted(sighting("Ava Synth", "AVA SYNTH", "Ben Synth")), id_key=id_key()
    )
    assert len(rows.persons) == 2
    assert all(p["young_person"] for p in rows.persons)
    assert len(rows.seen_at) == 2 and len(rows.locations) == 1


def test_link_report_writes_once_and_names_every_entity() -> None:
    graph, linked = _link(sighting("Ava Synth", "Ben Synth", place="Synthetic Park"), FakeStore())
    assert len(graph.written) == 1
    kinds = [e.kind for e in linked.entities]
    assert kinds.count(EntityKind.LOCATION) == 1 and kinds.count(EntityKind.PERSON) == 2


def test_a_certain_match_reuses_the_known_person() -> None:
    known = KnownPerson("person:known", _named("Ava Synth", date(2010, 5, 1)))
    graph, _ = _link(sighting("Ava Synth"), FakeStore(known))
    assert graph.written[0].persons[0]["id"] == "person:known"
    assert graph.written[0].possible == []


def test_an_uncertain_match_is_recorded_as_a_candidate() -> None:
    known = KnownPerson(
        "person:known",
        _named("Ava Synthe"),
    )
    graph, _ = _link(sighting("Ava Synth"), FakeStore(known))
    rows = graph.written[0]
    assert rows.persons[0]["id"] != "person:known"
    assert len(rows.possible) == 1 and rows.possible[0]["score"] >= 0.75


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_every_event_type_links_its_entities(kind: str) -> None:
    rows = build_report_graph(
        submitted(ReportCreate.model_validate(report_json(EVENTS[kind]))), id_key=id_key()
    )
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
        submitted(ReportCreate.model_validate(report_json(EVENTS["vehicle_sighting"]))),
        id_key=id_key(),
    )
    assert vehicle.vehicles and "IN_VEHICLE" in vehicle.links
    phone = build_report_graph(
        submitted(ReportCreate.model_validate(report_json(EVENTS["phone_contact"]))),
        id_key=id_key(),
    )
    assert phone.phones and {"USES_PHONE", "CONTACTED_BY"} & set(phone.links)
    social = build_report_graph(
        submitted(ReportCreate.model_validate(report_json(EVENTS["social_media"]))), id_key=id_key()
    )
    assert social.handles and "HAS_HANDLE" in social.links


def test_a_departure_links_the_child_to_where_they_left_from_and_records_what_they_took() -> None:
    rows = build_report_graph(
        submitted(ReportCreate.model_validate(report_json(EVENTS["departed"]))), id_key=id_key()
    )
    (departure,) = rows.departures
    child = rows.persons[0]["id"]
    home, town, station = (row["id"] for row in rows.locations)
    assert departure["child"] == child
    assert (departure["left_from"], departure["going_to"], departure["departure_point"]) == (
        home,
        town,
        station,
    )
    assert departure["carrying"] == ["luggage", "money"] and departure["money_gbp"] == "60.00"
    assert departure["expected_back"] == "2026-11-20T21:00:00+00:00"
    assert departure["meeting"] == ["Jay Syn"]
    seen = {(link["target"], link["detail"]) for link in rows.links["SEEN_AT"]}
    assert seen == {(home, "departed"), (station, "departed")}  # not where they said they'd go
    assert rows.links["FREQUENTS"] == [{"source": child, "target": town, "detail": ""}]


def test_a_batch_reads_the_graph_once_and_later_reports_see_earlier_ones() -> None:
    store = FakeStore()
    events = [
        submitted(sighting("Cal Synthwood", place="Synthetic Arcade")),
        submitted(sighting("cal  SYNTHWOOD", place="Synthetic Bus Stop")),
        submitted(sighting("Dee Synthwood", place="Synthetic Arcade")),
    ]
    linked = _link_all(events, store)
    assert len(store.asked) == 1, "one read of the people for the whole batch"
    assert len(store.written) == 3
    first, second, third = (g.persons[0]["id"] for g in store.written)
    assert first == second, "the second report is the person the first created"
    assert third != first
    assert [e.report_id for e in linked] == [e.event_id for e in events]


def test_a_report_written_before_is_not_written_again_and_names_what_it_mentions() -> None:
    events = [submitted(sighting("Eve Synth")), submitted(sighting("Fay Synth"))]
    store = FakeStore(written=(str(events[0].event_id),))
    linked = _link_all(events, store)
    assert [g.report["id"] for g in store.written] == [str(events[1].event_id)]
    assert [e.id for e in linked[0].entities] == ["person:earlier"]


def test_a_report_twice_in_one_batch_is_written_once_and_answered_twice() -> None:
    event = submitted(sighting("Gus Synth"))
    store = FakeStore()
    linked = _link_all([event, event], store)
    assert len(store.written) == 1
    assert linked[0].entities == linked[1].entities
