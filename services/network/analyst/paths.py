"""The shortest visible path between two entities: a search of our own that never walks through
a hub unless it has to.

A county-wide place is linked to from every district (13,000 links and more at a million
reports), and a breadth-first search that reaches one reads them all: Neo4j's own search did,
and its p99 at a million reports was eight times the 20 ms target (bench/RESULTS.md). Here both
ends search towards each other, one level at a time, and an entity with more than `hub_links`
links is a hub: it is reached, so a path may meet at it, but never walked through. Its distance
from the end that reached it is kept.

What that search finds is the shortest path with at most one hub inside it (at the meeting
point). It stops when no such path it has not yet seen could be shorter than the best found,
using lower bounds that count the hubs each side holds (`_Search.bound`). A path through two or
more hubs is found only by walking through one, so when the hubs found could still give a
shorter path than the best (`_Search.bound_through_hubs`), two hubs one from each side are first
checked for a link between them, and if that is not enough the graph's own exhaustive search runs,
bounded by one less than the best. The answer is the same length as an exhaustive search's
(tests/unit/test_path_search.py checks it against one on random graphs, and
tests/integration/test_path_search.py against Neo4j's).
"""

import math
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

# An entity with more links than this is a hub: reached, never walked through. Below it lie every
# person, car and phone of the million-report population (at most 659 links), above it its twelve
# county-wide places (13,000 to 14,000).
HUB_LINKS = 1_000


class PathGraph(Protocol):
    """The reads the search needs; every one sees only what the caller's audiences may see.
    The search names entities by the graph's own keys (`key`), which it reads without reading
    an entity's properties; the path it returns names them by their ids."""

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
        """For each visible entity among keys (or among the ids ends, from_ends): its `key`,
        `id`, `hub` (more than hub_links links, and not one of ends) and, unless a hub, its
        visible `links` to visible entities (only those toward holds, when given), each
        `[other key, outgoing, type]`."""
        ...

    def hub_links(
        self, near: list[str], far: list[str], *, audiences: list[str]
    ) -> list[dict[str, Any]]:
        """Visible links between an entity of near and another of far (keys): `near`, `far`,
        `source`, `target` (keys) and `type`."""
        ...

    def path_links(
        self, hops: list[dict[str, str]], *, audiences: list[str]
    ) -> list[dict[str, Any]]:
        """Each hop's link (`source`, `target` keys, `type`) in order, as the caller may see it
        (entity ids, first and last seen, evidence); a hop the caller may no longer see (a
        retraction since) is left out."""
        ...

    def path(self, *, max_depth: int, **params: Any) -> dict[str, Any] | None:
        """The graph's own exhaustive search within max_depth links: `node_ids` and `hops`,
        by keys."""
        ...

    def reading(self) -> AbstractContextManager[None]:
        """The reads made meanwhile share one read transaction."""
        ...


Hop = dict[str, str]


@dataclass
class _Side:
    """What one end's search has reached: each entity's distance and the link it came by."""

    start: str
    depth: dict[str, int] = field(default_factory=dict)
    came_by: dict[str, tuple[str, Hop]] = field(default_factory=dict)
    frontier: list[str] = field(default_factory=list)
    hubs: dict[str, int] = field(default_factory=dict)
    level: int = 0
    closed: bool = False

    def __post_init__(self) -> None:
        self.depth[self.start] = 0
        self.frontier = [self.start]

    @property
    def reach(self) -> float:
        """The least distance of an entity this side has not walked from: its level, or
        infinite once nothing is left to walk (a closed side's last level was walked toward the
        other side alone, as no later level could meet it within the bound)."""
        return self.level if self.frontier or self.closed else math.inf

    def chain(self, node: str) -> list[tuple[str, Hop]]:
        """The links from node back to the start, each with the entity it leads to."""
        steps = []
        while node != self.start:
            previous, hop = self.came_by[node]
            steps.append((previous, hop))
            node = previous
        return steps


@dataclass
class _Meeting:
    """A path found: its entities' keys from source to target, and its links."""

    node_ids: list[str]
    hops: list[Hop]

    @property
    def length(self) -> int:
        return len(self.hops)


class _Search:
    """Both ends' searches and the best meeting found."""

    def __init__(self, source: str, target: str, max_depth: int) -> None:
        self.near = _Side(source)
        self.far = _Side(target)
        self.max_depth = max_depth
        self.best: _Meeting | None = None

    def better(self, length: int) -> bool:
        """Whether a path of this length would be kept: within max_depth, shorter than the best."""
        return length <= self.max_depth and (self.best is None or length < self.best.length)

    def other(self, side: _Side) -> _Side:
        return self.far if side is self.near else self.near

    def terms(self, near_reach: float, far_reach: float) -> tuple[float, float, float]:
        """The least lengths of the paths with at most one hub inside not yet found: with no
        hub, through a hub the far side holds, through one the near side holds."""
        return (
            near_reach + far_reach + 1,
            near_reach + 1 + _nearest(self.far.hubs, unless=self.near.depth),
            far_reach + 1 + _nearest(self.near.hubs, unless=self.far.depth),
        )

    def bound(self) -> float:
        """The least length a path with at most one hub inside, not yet found, may have."""
        return min(self.terms(self.near.reach, self.far.reach))

    def after_level(self, side: _Side) -> tuple[float, float]:
        """The bounds once the side has walked one more level: the least of the terms its
        distance is in, and the least of all."""
        near_reach = self.near.reach + (side is self.near)
        far_reach = self.far.reach + (side is self.far)
        free, through_far, through_near = self.terms(near_reach, far_reach)
        own = min(free, through_far if side is self.near else through_near)
        return own, min(free, through_far, through_near)

    def worth_probing(self, side: _Side) -> bool:
        """Whether the side's next level may need no more than its meetings with the other
        side: nothing beyond it could be on a path within max_depth, or any meeting it makes
        would be as short as a path not yet found could be. (A probe that finds no meeting
        costs a read: 2 ms of the 9 ms a search takes at a million reports.)"""
        own, every = self.after_level(side)
        return own > self.max_depth or every >= self.near.reach + self.far.reach + 1

    def probe_sufficed(self, side: _Side) -> bool:
        """Whether, after its meetings are read, the side need not be walked further."""
        own, every = self.after_level(side)
        return own > self.max_depth or (self.best is not None and self.best.length <= every)

    def limit(self) -> int:
        """The most links a path not yet found is worth having: max_depth, or one less than
        the best."""
        return min(self.max_depth, self.best.length - 1) if self.best else self.max_depth

    def side_to_walk(self, bound: float) -> _Side | None:
        """The side whose next level raises the bound: the one with fewer entities to walk when
        either would."""
        near, far = self.near, self.far
        free, through_far, through_near = self.terms(near.reach, far.reach)
        helps = {id(near), id(far)} if free == bound else None
        for side, term in ((near, through_far), (far, through_near)):
            if term == bound:
                helps = {id(side)} if helps is None else helps & {id(side)}
        walkable = [s for s in (near, far) if s.frontier and (not helps or id(s) in helps)]
        walkable = walkable or [s for s in (near, far) if s.frontier]
        return min(walkable, key=lambda s: len(s.frontier)) if walkable else None

    def walk(self, side: _Side, rows: Iterable[dict[str, Any]], *, probe: bool = False) -> None:
        """Take one level's links from the side's frontier (those reaching the other side's
        entities alone, when a probe): each entity first reached, and each meeting. A probe
        leaves the side at its level; a walk after it takes its meetings again."""
        other = self.other(side)
        reached: dict[str, None] = {}
        for row in rows:
            key = row["key"]
            if row["hub"]:
                side.hubs[key] = side.level
                continue
            for other_key, outgoing, link_type in row["links"]:
                if other_key in side.depth:
                    if side.depth[other_key] == side.level + 1:
                        reached[other_key] = None  # a probe's meeting, or a second link to it
                    continue
                source, target = (key, other_key) if outgoing else (other_key, key)
                hop = {"source": source, "target": target, "type": link_type}
                side.depth[other_key] = side.level + 1
                side.came_by[other_key] = (key, hop)
                reached[other_key] = None
                if other_key in other.depth:
                    self.meet(other_key)
        if not probe:
            side.frontier = list(reached)
            side.level += 1

    def close(self, side: _Side) -> None:
        """The side's next level was read for its meetings alone, and nothing beyond it is
        needed: it is walked no further."""
        side.frontier = []
        side.closed = True
        side.level += 1

    def meet(self, node: str) -> None:
        """A path through node; kept if shorter than the best."""
        self.keep(node, node, None)

    def hub_pairs(self, links: Iterable[dict[str, Any]]) -> None:
        """Paths through a hub of each side with a link between them."""
        for link in links:
            hop = {"source": link["source"], "target": link["target"], "type": link["type"]}
            self.keep(link["near"], link["far"], hop)

    def keep(self, near_end: str, far_end: str, between: Hop | None) -> None:
        """The path from the source to near_end, the link between (none when they are one
        entity), and on from far_end to the target; kept if better than the best."""
        near_steps = list(reversed(self.near.chain(near_end)))
        far_steps = self.far.chain(far_end)
        hops = [hop for _, hop in near_steps] + ([between] if between else [])
        hops += [hop for _, hop in far_steps]
        if not self.better(len(hops)):
            return
        node_ids = [previous for previous, _ in near_steps] + [near_end]
        node_ids += ([far_end] if between else []) + [previous for previous, _ in far_steps]
        self.best = _Meeting(node_ids=node_ids, hops=hops)

    def bound_through_hubs(self) -> float:
        """The least length of a path with two hubs or more inside, once the hubs of the two
        sides are known not to be linked to each other: it leaves the near side by its first hub
        and reaches the far side by its last, which are at least two links apart."""
        near_hub = _nearest(self.near.hubs)
        far_hub = _nearest(self.far.hubs)
        return min(
            near_hub + 2 + far_hub,
            self.near.reach + 1 + min(far_hub, self.far.reach),
            min(near_hub, self.near.reach) + 1 + self.far.reach,
        )


def _nearest(hubs: dict[str, int], unless: dict[str, int] | None = None) -> float:
    """The least distance of the hubs (those `unless` holds left out), infinite if none."""
    return min((d for h, d in hubs.items() if unless is None or h not in unless), default=math.inf)


def find_path(
    *,
    source: str,
    target: str,
    max_depth: int,
    audiences: list[str],
    graph: PathGraph,
    hub_links: int = HUB_LINKS,
) -> dict[str, Any] | None:
    """The shortest visible path from source to target within max_depth links (`node_ids` and
    `links`, as the caller may see them), or None. source and target differ."""
    with graph.reading():
        return _search(source, target, max_depth, audiences, graph, hub_links)


def _search(
    source: str,
    target: str,
    max_depth: int,
    audiences: list[str],
    graph: PathGraph,
    hub_links: int,
) -> dict[str, Any] | None:
    step = partial(graph.path_step, audiences=audiences, ends=[source, target], hub_links=hub_links)
    first = {row["id"]: row for row in step([], from_ends=True)}  # both ends in one read
    if source not in first or target not in first:
        return None
    search = _Search(first[source]["key"], first[target]["key"], max_depth)
    search.walk(search.near, [first[source]])
    search.walk(search.far, [first[target]])
    while True:
        bound = search.bound()
        if bound > max_depth or (search.best is not None and search.best.length <= bound):
            break
        side = search.side_to_walk(bound)
        if side is None:
            break
        if search.worth_probing(side):
            toward = list(search.other(side).depth)
            search.walk(side, step(side.frontier, toward=toward), probe=True)
            if search.probe_sufficed(side):
                search.close(side)
                continue
        search.walk(side, step(side.frontier))
    if search.near.hubs and search.far.hubs and search.bound_through_hubs() - 1 <= search.limit():
        search.hub_pairs(
            graph.hub_links(list(search.near.hubs), list(search.far.hubs), audiences=audiences)
        )
    found = search.best and (search.best.node_ids, search.best.hops)
    if search.limit() >= 1 and search.bound_through_hubs() <= search.limit():
        found = _exhaustive(graph, search.limit(), source, target, audiences) or found
    path = _named(graph, source, found, audiences) if found else None
    if found and path is None:  # a link went out of sight between the search's reads
        found = _exhaustive(graph, max_depth, source, target, audiences)
        path = _named(graph, source, found, audiences) if found else None
    return path


def _exhaustive(
    graph: PathGraph, max_depth: int, source: str, target: str, audiences: list[str]
) -> tuple[list[str], list[Hop]] | None:
    """The graph's own search, in one read."""
    found = graph.path(max_depth=max_depth, source=source, target=target, audiences=audiences)
    return (found["node_ids"], found["hops"]) if found else None


def _named(
    graph: PathGraph, source: str, found: tuple[list[str], list[Hop]], audiences: list[str]
) -> dict[str, Any] | None:
    """The path as the caller may see it, its entities named by their ids; None if one of its
    links is no longer visible."""
    keys, hops = found
    links = graph.path_links(hops, audiences=audiences)
    if len(links) != len(hops):
        return None
    node_ids = [source]
    for key, hop, link in zip(keys, hops, links, strict=False):
        node_ids.append(link["target"] if hop["source"] == key else link["source"])
    return {"node_ids": node_ids, "links": links}
