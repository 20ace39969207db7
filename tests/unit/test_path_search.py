"""The path search of our own (services/network/analyst/paths.py) against an exhaustive
breadth-first search, on random graphs small enough to check every pair: the same length every
time, a path made only of what the caller may see, and hubs that are never walked through unless
the exhaustive search is asked."""

import random
from collections import Counter, deque
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import pytest

from services.network.analyst.paths import find_path

AUDIENCES = ("all", "agency:A", "agency:B")


@dataclass
class FakeGraph:
    """A graph of named entities and typed links, each with the audiences that may see it; it
    answers the search's reads as the Neo4j statements do, and counts them."""

    seen_by: dict[str, set[str]]
    links: list[tuple[str, str, str, set[str]]]
    reads: Counter[str] = field(default_factory=Counter)
    walked_hubs: set[str] = field(default_factory=set)

    def _visible_links(self, audiences: list[str]) -> list[tuple[str, str, str]]:
        return [
            (a, b, kind)
            for a, b, kind, who in self.links
            if who & set(audiences)
            and self.seen_by[a] & set(audiences)
            and self.seen_by[b] & set(audiences)
        ]

    def degree(self, node: str) -> int:
        return sum(node in (a, b) for a, b, _, _ in self.links)

    def path_step(
        self,
        keys: list[str],
        *,
        audiences: list[str],
        ends: list[str],
        hub_links: int,
        toward: list[str] | None = None,
        from_ends: bool = False,
    ) -> list[dict[str, Any]]:
        self.reads["step"] += 1
        rows = []
        for node in ends if from_ends else keys:
            if node not in self.seen_by or not self.seen_by[node] & set(audiences):
                continue
            hub = node not in ends and self.degree(node) > hub_links
            links = []
            if not hub:
                if self.degree(node) > hub_links:
                    self.walked_hubs.add(node)
                for a, b, kind in self._visible_links(audiences):
                    if node in (a, b):
                        other = b if a == node else a
                        if toward is None or other in toward:
                            links.append([other, a == node, kind])
            rows.append({"key": node, "id": node, "hub": hub, "links": links})
        return rows

    def hub_links(
        self, near: list[str], far: list[str], *, audiences: list[str]
    ) -> list[dict[str, Any]]:
        self.reads["hub_links"] += 1
        found = []
        for a, b, kind in self._visible_links(audiences):
            for h, k in ((a, b), (b, a)):
                if h in near and k in far and h != k:
                    found.append({"near": h, "far": k, "source": a, "target": b, "type": kind})
        return found

    def path_links(
        self, hops: list[dict[str, str]], *, audiences: list[str]
    ) -> list[dict[str, Any]]:
        visible = set(self._visible_links(audiences))
        return [
            {"source": h["source"], "target": h["target"], "type": h["type"]}
            for h in hops
            if (h["source"], h["target"], h["type"]) in visible
        ]

    def reading(self) -> AbstractContextManager[None]:
        return nullcontext()

    def path(self, *, max_depth: int, **params: Any) -> dict[str, Any] | None:
        self.reads["exhaustive"] += 1
        return shortest(self, params["source"], params["target"], max_depth, params["audiences"])


def shortest(
    graph: FakeGraph, source: str, target: str, max_depth: int, audiences: list[str]
) -> dict[str, Any] | None:
    """An exhaustive breadth-first search of the visible graph."""
    if not graph.seen_by.get(source, set()) & set(audiences):
        return None
    came: dict[str, tuple[str, dict[str, str]] | None] = {source: None}
    queue = deque([(source, 0)])
    visible = graph._visible_links(audiences)
    while queue:
        node, depth = queue.popleft()
        if node == target:
            nodes, hops = [node], []
            while came[node] is not None:
                node, hop = came[node]  # type: ignore[misc]
                nodes.append(node)
                hops.append(hop)
            return {"node_ids": nodes[::-1], "hops": hops[::-1]}
        if depth == max_depth:
            continue
        for a, b, kind in visible:
            if node in (a, b):
                other = b if a == node else a
                if other not in came:
                    came[other] = (node, {"source": a, "target": b, "type": kind})
                    queue.append((other, depth + 1))
    return None


def random_graph(rng: random.Random) -> FakeGraph:
    """Up to 30 entities: a few hubs linked to many, the rest sparsely; each entity and each link
    seen by one or more audiences."""
    nodes = [f"e{i}" for i in range(rng.randint(4, 30))]
    seen_by = {n: set(rng.sample(AUDIENCES, rng.randint(1, 2))) for n in nodes}
    hubs = rng.sample(nodes, rng.randint(0, min(4, len(nodes))))
    links: list[tuple[str, str, str, set[str]]] = []
    for hub in hubs:
        for other in rng.sample(nodes, rng.randint(3, len(nodes))):
            if other != hub:
                links.append((other, hub, rng.choice(["SEEN_AT", "FREQUENTS"]), set()))
    for _ in range(rng.randint(0, 2 * len(nodes))):
        a, b = rng.sample(nodes, 2)
        links.append((a, b, rng.choice(["ASSOCIATES_WITH", "USES_PHONE"]), set()))
    for i, (a, b, kind, _) in enumerate(links):
        links[i] = (a, b, kind, set(rng.sample(AUDIENCES, rng.randint(1, 2))))
    return FakeGraph(seen_by=seen_by, links=links)


def check(
    path: dict[str, Any], source: str, target: str, graph: FakeGraph, audiences: list[str]
) -> None:
    """The path runs from source to target through entities and links the caller may see."""
    nodes = path["node_ids"]
    assert nodes[0] == source and nodes[-1] == target
    assert len(set(nodes)) == len(nodes)
    assert all(graph.seen_by[n] & set(audiences) for n in nodes)
    visible = set(graph._visible_links(audiences))
    for i, link in enumerate(path["links"]):
        assert (link["source"], link["target"], link["type"]) in visible
        assert {link["source"], link["target"]} == {nodes[i], nodes[i + 1]}


@pytest.mark.parametrize("seed", range(24))
def test_the_search_finds_a_path_as_short_as_an_exhaustive_search_does(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - random graphs, not secrets
    reads: Counter[str] = Counter()
    for _ in range(10):
        graph = random_graph(rng)
        audiences = rng.sample(AUDIENCES, rng.randint(1, 3))
        hub_links = rng.choice([2, 3, 5, 1_000])
        nodes = list(graph.seen_by)
        for source in nodes:
            for target in nodes:
                if source == target:
                    continue
                max_depth = rng.randint(1, 6)
                expected = shortest(graph, source, target, max_depth, audiences)
                found = find_path(
                    source=source,
                    target=target,
                    max_depth=max_depth,
                    audiences=audiences,
                    graph=graph,
                    hub_links=hub_links,
                )
                if expected is None:
                    assert found is None
                    continue
                assert found is not None
                assert len(found["links"]) == len(expected["hops"])
                check(found, source, target, graph, audiences)
        reads += graph.reads
    assert reads["step"] > 0


def test_the_search_meets_at_a_hub_without_walking_through_it() -> None:
    """Two children seen at a busy place, and at a quiet one further off: the path through the
    busy place is found without reading its links."""
    audiences = ["all"]
    links = [
        ("child:a", "place:busy", "SEEN_AT", {"all"}),
        ("child:b", "place:busy", "SEEN_AT", {"all"}),
    ]
    links += [(f"person:{i}", "place:busy", "SEEN_AT", {"all"}) for i in range(50)]
    nodes = {n for a, b, _, _ in links for n in (a, b)}
    graph = FakeGraph(seen_by={n: {"all"} for n in nodes}, links=links)
    found = find_path(
        source="child:a",
        target="child:b",
        max_depth=4,
        audiences=audiences,
        graph=graph,
        hub_links=10,
    )
    assert found is not None and found["node_ids"] == ["child:a", "place:busy", "child:b"]
    assert graph.walked_hubs == set()
    assert graph.reads["exhaustive"] == 0


def test_a_path_through_two_hubs_is_found_by_the_exhaustive_search() -> None:
    """child a - busy place 1 - adult - busy place 2 - child b: only walking through a hub finds
    it, so the graph's own search is asked, bounded by max_depth."""
    links = [
        ("child:a", "place:1", "SEEN_AT", {"all"}),
        ("adult:x", "place:1", "SEEN_AT", {"all"}),
        ("adult:x", "place:2", "SEEN_AT", {"all"}),
        ("child:b", "place:2", "SEEN_AT", {"all"}),
    ]
    links += [(f"person:{i}", f"place:{1 + i % 2}", "SEEN_AT", {"all"}) for i in range(40)]
    nodes = {n for a, b, _, _ in links for n in (a, b)}
    graph = FakeGraph(seen_by={n: {"all"} for n in nodes}, links=links)
    found = find_path(
        source="child:a", target="child:b", max_depth=4, audiences=["all"], graph=graph, hub_links=5
    )
    assert found is not None
    assert found["node_ids"] == ["child:a", "place:1", "adult:x", "place:2", "child:b"]
    assert graph.reads["exhaustive"] == 1


def test_a_link_gone_between_the_reads_sends_the_search_to_the_exhaustive_one() -> None:
    """A retraction between the search's reads and the path's: the path the search found is not
    shown with a link missing; the exhaustive search answers instead."""
    links = [
        ("child:a", "place:p", "SEEN_AT", {"all"}),
        ("child:b", "place:p", "SEEN_AT", {"all"}),
        ("child:a", "adult:x", "ASSOCIATES_WITH", {"all"}),
        ("adult:x", "place:q", "SEEN_AT", {"all"}),
        ("child:b", "place:q", "SEEN_AT", {"all"}),
    ]
    nodes = {n for a, b, _, _ in links for n in (a, b)}

    class Retracting(FakeGraph):
        def path_links(self, hops: list[dict[str, str]], *, audiences: list[str]) -> list[Any]:
            self.links = [link for link in self.links if link[1] != "place:p"]
            return super().path_links(hops, audiences=audiences)

    graph = Retracting(seen_by={n: {"all"} for n in nodes}, links=links)
    found = find_path(
        source="child:a", target="child:b", max_depth=4, audiences=["all"], graph=graph
    )
    assert found is not None
    assert found["node_ids"] == ["child:a", "adult:x", "place:q", "child:b"]
    assert graph.reads["exhaustive"] == 1
