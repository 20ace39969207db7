"""The path search of our own against Neo4j's exhaustive one, on the real Neo4j: for every pair
of entities of a small random district, for three callers who may see different reports, the
search finds a path exactly as short as Neo4j's `shortestPath`, made only of what the caller may
see, while treating its busy places as hubs it never walks through."""

import random
from collections import Counter
from typing import Any

import pytest
from neo4j import Driver

from common.auth import Principal, Role
from common.settings import InfraSettings
from common.visibility import audiences_of
from schemas.reports import ReportCreate
from services.network.analyst.paths import find_path
from services.network.analyst.reads import Neo4jAnalystGraph
from tests.support import queries
from tests.support.factories import GRADING_JSON, report_json, run_tag, shared_only_with, submitted
from tests.support.linking import link_events

pytestmark = pytest.mark.integration
POLICE = "Synthetic Police"
CALLERS = [
    Principal("a.analyst", "Synthetic Analysts", Role.ANALYST),
    Principal("p.officer", POLICE, Role.POLICE),
    Principal("k.worker", "Synthetic Home A", Role.SUBMITTER),
]
HUB_LINKS = 3  # so the district's busier places are hubs


class CountingGraph(Neo4jAnalystGraph):
    """The analyst API's adapter, counting the hubs the search met and its exhaustive reads."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.counts: Counter[str] = Counter()

    def path_step(self, keys: list[str], **params: Any) -> list[dict[str, Any]]:
        rows = super().path_step(keys, **params)
        self.counts["hubs met"] += sum(row["hub"] for row in rows)
        return rows

    def path(self, *, max_depth: int, **params: Any) -> dict[str, Any] | None:
        self.counts["exhaustive"] += 1
        return super().path(max_depth=max_depth, **params)

    def path_links(self, hops: list[dict[str, str]], **params: Any) -> list[dict[str, Any]]:
        links = super().path_links(hops, **params)
        self.counts["hops out of sight"] += len(hops) - len(links)
        return links


def _district(settings: InfraSettings, cleanup: list[str]) -> list[str]:
    """Twelve people and five places; sightings and associations, a third only for the police.
    The ids of the entities linked."""
    rng = random.Random(11)  # noqa: S311 - a synthetic district, not a secret
    tag = run_tag()
    people = [
        {"name": f"Pathkid{n} Synth{tag}", "date_of_birth": f"2010-0{1 + n % 9}-1{n % 10}"}
        for n in range(12)
    ]
    places = [
        {"name": f"Synthetic path place {n} {tag}", "postcode": "ZZ99 8PP", "category": "park"}
        for n in range(5)
    ]
    events = []
    for _ in range(40):
        if rng.random() < 0.7:
            event = {
                "type": "sighting",
                "persons": [{**rng.choice(people), "role": "young_person"}],
                "place": rng.choice(places[: rng.randint(1, 5)]),  # the first places busiest
            }
        else:
            a, b = rng.sample(people, 2)
            event = {"type": "association", "person_a": a, "person_b": b, "nature": "friend"}
        grading = shared_only_with(POLICE) if rng.random() < 0.33 else GRADING_JSON
        events.append(
            submitted(ReportCreate.model_validate({**report_json(event), "grading": grading}))
        )
    cleanup.extend(str(e.event_id) for e in events)
    linked = link_events(settings, events, together=True)
    return sorted({str(e.id) for batch in linked for e in batch.entities})


def test_our_path_search_is_as_short_as_neo4js_for_every_pair_and_caller(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    entities = _district(settings, cleanup)
    graph = CountingGraph(driver=neo4j_driver, database=settings.neo4j_database)
    found = Counter[str]()
    for caller in CALLERS:
        audiences = audiences_of(caller)
        for source in entities:
            for target in entities:
                if source == target:
                    continue
                for max_depth in (2, 4):
                    theirs = graph.path(
                        max_depth=max_depth, source=source, target=target, audiences=audiences
                    )
                    ours = find_path(
                        source=source,
                        target=target,
                        max_depth=max_depth,
                        audiences=audiences,
                        graph=graph,
                        hub_links=HUB_LINKS,
                    )
                    if theirs is None:
                        assert ours is None, (caller.agency, source, target, max_depth)
                        continue
                    assert ours is not None, (caller.agency, source, target, max_depth)
                    assert len(ours["links"]) == len(theirs["hops"])
                    nodes = ours["node_ids"]
                    assert (nodes[0], nodes[-1]) == (source, target)
                    for i, link in enumerate(ours["links"]):
                        assert {link["source"], link["target"]} == {nodes[i], nodes[i + 1]}
                        assert link["evidence"], (
                            "every link shown carries a report the caller may see"
                        )
                    found[f"length {len(ours['links'])}"] += 1
    assert graph.counts["hubs met"] > 0
    # Nothing changes meanwhile, so every hop the search chose is one its caller may see: the
    # search never walks a link only others' reports state (naming the path would drop it, and
    # the exhaustive search would answer, hiding a level that read what it should not).
    assert graph.counts["hops out of sight"] == 0
    assert found["length 3"] > 0 and found["length 4"] > 0, found


def test_an_entity_the_caller_may_not_see_is_never_on_their_path(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    """The search walks a level's links without reading the entities they reach; an entity the
    caller may not see, though a link they may see leads to it, is still on no path of theirs:
    the path is as short as Neo4j's, which reads every entity, and goes round it or is none."""
    entities = _district(settings, cleanup)
    graph = CountingGraph(driver=neo4j_driver, database=settings.neo4j_database)
    audiences = audiences_of(CALLERS[0])
    pairs = [(s, t) for s in entities for t in entities if s < t]
    found = [
        (
            pair,
            find_path(
                source=pair[0],
                target=pair[1],
                max_depth=4,
                audiences=audiences,
                graph=graph,
                hub_links=HUB_LINKS,
            ),
        )
        for pair in pairs
    ]
    # Which entity a search meets on its way depends on the order Neo4j returns links in, so
    # the entities inside paths are hidden in turn, the most travelled first, until one is met;
    # every pair is checked for a leak with each.
    travelled = Counter(node for _, path in found if path for node in path["node_ids"][1:-1])
    met = []
    for hidden, _ in sorted(travelled.items(), key=lambda item: (-item[1], item[0])):
        records, _, _ = neo4j_driver.execute_query(queries.HIDE_ENTITY, id=hidden)
        before = graph.counts["hops out of sight"]
        _assert_paths_go_round(graph, hidden, pairs, audiences)
        neo4j_driver.execute_query(
            queries.SHOW_ENTITY_AGAIN, id=hidden, audiences=records[0]["audiences"]
        )
        met.append(graph.counts["hops out of sight"] - before)
        if met[-1]:
            break
    assert met[-1] > 0, met  # a search met a hidden entity, and went round it


def _assert_paths_go_round(
    graph: CountingGraph, hidden: str, pairs: list[tuple[str, str]], audiences: list[str]
) -> None:
    """For every pair but the hidden entity's: the hidden entity is on no path, and every path
    is as short as Neo4j's."""
    for source, target in pairs:
        if hidden in (source, target):
            continue
        ours = find_path(
            source=source,
            target=target,
            max_depth=4,
            audiences=audiences,
            graph=graph,
            hub_links=HUB_LINKS,
        )
        theirs = graph.path(max_depth=4, source=source, target=target, audiences=audiences)
        if ours is None or theirs is None:
            assert ours is None and theirs is None, (source, target)
        else:
            assert hidden not in ours["node_ids"], (source, target)
            assert len(ours["links"]) == len(theirs["hops"]), (source, target)
