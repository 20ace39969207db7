"""Linking a report: rows for the graph and the EntitiesLinked event."""

import asyncio
import uuid

from schemas.linking import EntityKind
from services.network.linking import ReportGraph, build_report_graph, link_report
from tests.factories import NOW, sighting, submitted


class FakeGraph:
    def __init__(self) -> None:
        self.written: list[ReportGraph] = []

    async def write_report(self, graph: ReportGraph) -> None:
        self.written.append(graph)


def test_a_person_named_twice_in_one_report_is_one_row() -> None:
    rows = build_report_graph(submitted(sighting("Ava Synth", "AVA SYNTH", "Ben Synth")))
    assert len(rows.persons) == 2
    assert all(p["young_person"] for p in rows.persons)
    assert len(rows.seen_at) == 2 and len(rows.locations) == 1


def test_link_report_writes_once_and_names_every_entity() -> None:
    event = submitted(sighting("Ava Synth", "Ben Synth", place="Synthetic Park"))
    graph = FakeGraph()
    linked = asyncio.run(link_report(event=event, graph=graph, now=NOW, new_id=uuid.uuid4))
    assert len(graph.written) == 1
    assert graph.written[0].report["id"] == str(event.event_id)
    assert linked.report_id == event.event_id
    kinds = [e.kind for e in linked.entities]
    assert kinds.count(EntityKind.LOCATION) == 1 and kinds.count(EntityKind.PERSON) == 2
