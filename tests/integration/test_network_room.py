"""A network cut at its room for entities, on the real Neo4j: the explorer shows at most
`max_nodes` entities and says it was cut, and the graph sends the links of only so many new
entities as the network has room for (and one, to tell it was cut), latest seen first; links
among the entities shown are all there."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from neo4j import Driver

from common.auth import Principal, Role
from common.settings import InfraSettings
from schemas.reports import ReportCreate
from services.network.analyst.analysis import NetworkFilter, explore_network
from services.network.analyst.reads import Neo4jAnalystGraph
from tests.support.factories import report_json, run_tag, submitted
from tests.support.linking import link_events

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC).replace(microsecond=0)
ANALYST = Principal("a.analyst", "Synthetic Analysts", Role.ANALYST)


class CountingGraph(Neo4jAnalystGraph):
    """The analyst API's adapter, keeping each expansion's asked ids and the rows it sent."""

    def __init__(self, *, driver: Driver, database: str) -> None:
        super().__init__(driver=driver, database=database)
        self.expansions: list[tuple[list[str], list[dict[str, Any]]]] = []

    def expand(self, ids: list[str], **params: Any) -> list[dict[str, Any]]:
        rows = super().expand(ids, **params)
        self.expansions.append((ids, rows))
        return rows


@pytest.fixture
def park(settings: InfraSettings, cleanup: list[str]) -> tuple[str, list[str]]:
    """A park where four children were each seen on a day of their own, and each of them seen
    at three places of their own too; the park's id and the children's, latest seen first."""
    tag = run_tag()
    park = {"name": f"Synthetic Park {tag}", "postcode": "ZZ99 8PK"}
    events = []
    for day in range(4):
        child = {"name": f"Kid{chr(ord('a') + day)} Synth{tag}", "role": "young_person"}
        at = (NOW - timedelta(days=10 - day)).isoformat()
        events.append(({"type": "sighting", "persons": [child], "place": park}, at))
        for place in range(3):
            where = {"name": f"Synthetic Place {tag} {day} {place}", "postcode": "ZZ99 8PL"}
            events.append(({"type": "sighting", "persons": [child], "place": where}, at))
    submitted_events = [
        submitted(ReportCreate.model_validate({**report_json(event), "observed_at": at}))
        for event, at in events
    ]
    cleanup.extend(str(e.event_id) for e in submitted_events)
    linked = link_events(settings, submitted_events)
    park_id = next(e.id for e in linked[0].entities if e.kind == "location")
    children = [next(e.id for e in linked[i * 4].entities if e.kind == "person") for i in range(4)]
    return park_id, children[::-1]


@pytest.mark.parametrize("max_nodes", [3, 7, 200])
def test_a_network_holds_at_most_its_room_and_says_when_it_was_cut(
    settings: InfraSettings, neo4j_driver: Driver, park: tuple[str, list[str]], max_nodes: int
) -> None:
    park_id, children = park
    graph = CountingGraph(driver=neo4j_driver, database=settings.neo4j_database)
    network = explore_network(
        centre=park_id,
        filters=NetworkFilter(depth=2, max_nodes=max_nodes),
        principal=ANALYST,
        graph=graph,
    )
    shown = {n.id for n in network.nodes}
    everyone = 1 + 4 + 4 * 3
    assert len(shown) == min(max_nodes, everyone)
    assert network.truncated == (max_nodes < everyone)
    assert all({e.source, e.target} <= shown for e in network.edges)
    assert len(network.edges) == len(shown) - 1  # a tree: each entity shown by one link
    # the park's children latest seen first, then their places in that order
    assert [c for c in children if c in shown] == children[: max(0, min(4, max_nodes - 1))]
    for asked, rows in graph.expansions:  # the park, then the children shown
        known = {park_id, *asked}
        new = {r["other_id"] for r in rows} - known
        assert len(new) <= max_nodes - len(known) + 1, asked
