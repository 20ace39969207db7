"""Use cases of the analyst API: search, profiles, networks, paths and co-presence.

Every read goes through the caller's audiences, so a report with handling code C is invisible
to anyone outside its conditions, and so is a link or entity only such reports support.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import jellyfish
from pydantic import BaseModel, Field

from common.auth import Principal
from common.visibility import audiences_of
from schemas.entities import PlaceCategory
from schemas.grading import HandlingCode, IntelligenceAssessment, SourceEvaluation
from schemas.graph import LinkType, Relationship
from schemas.identifiers.handles import Platform, normalise_handle
from schemas.identifiers.names import name_tokens, normalise_name
from schemas.identifiers.phone import to_e164
from schemas.identifiers.vrm import parse_vrm
from services.network.analyst.paths import find_path
from services.network.analyst.ports import AnalystGraph
from services.network.matching import (
    PersonFacts,
    blocking_keys,
    facts_of,
    score,
)

# Co-presence through these is ordinary (children are at school together): capped, weighted down.
BUSY_CATEGORIES = (
    PlaceCategory.SCHOOL.value,
    PlaceCategory.CARE_HOME.value,
    PlaceCategory.BUS_OR_TRAIN_STATION.value,
)
BUSY_WEIGHT = 0.2
BUSY_CAP = 10
NEIGHBOUR_CAP = 100
MAX_PATH_DEPTH = 6  # the longest chain of links a path search looks for
# The filters that let every report through (NetworkFilter's defaults).
LOOSEST_SOURCE = SourceEvaluation.NOT_RELIABLE
LOOSEST_INTELLIGENCE = IntelligenceAssessment.SUSPECTED_FALSE
EARLIEST, LATEST = "0000", "9999"


class QueryTimedOut(Exception):
    """The graph stopped a query that ran longer than the time it was given."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(f"the query ran out of time after {timeout_s:g} s")
        self.timeout_s = timeout_s


class Node(BaseModel):
    """An entity as the caller may see it."""

    id: str
    kind: str
    label: str
    category: str | None = None
    role: str | None = None
    lat: float | None = None
    lon: float | None = None


class Edge(BaseModel):
    """A link with the reports behind it that the caller may see, each graded.

    `gradings` (e.g. 2B) and `handling` (P or C) follow the order of `reports`. The count and
    the first and last seen are those of these reports alone (within the request's filters):
    a report the caller may not see is neither counted nor dated.
    """

    source: str
    target: str
    type: str
    count: int = Field(description="The reports behind the link that the caller may see.")
    first_seen: str = Field(description="When the earliest of those reports was observed.")
    last_seen: str = Field(description="When the latest of those reports was observed.")
    details: list[str] = []
    reports: list[str]
    gradings: list[str]
    handling: list[str]
    weight: float = 1.0


class Network(BaseModel):
    """A subgraph around an entity."""

    centre: str
    depth: int
    nodes: list[Node]
    edges: list[Edge]
    truncated: bool


class PersonHit(BaseModel):
    """A person search result."""

    id: str
    names: list[str]
    date_of_birth: date | None
    role: str | None
    score: float
    last_reported: str | None
    matched_on: str | None = Field(
        default=None,
        description="The name, nickname or alias a report you may see gives that the search "
        "matched by a word (a given name, a surname or a nickname alone); unset when the whole "
        "name, the date of birth or an identifier found them.",
    )


class NetworkFilter(BaseModel):
    """Filters for network and export reads."""

    depth: int = 1
    since: datetime | None = None
    until: datetime | None = None
    types: list[LinkType] = []
    min_source: SourceEvaluation = LOOSEST_SOURCE
    min_intelligence: IntelligenceAssessment = LOOSEST_INTELLIGENCE
    max_nodes: int = 200


def _stamp(value: datetime | None, default: str) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if value else default


def _edge(row: dict[str, Any], busy: set[str]) -> Edge:
    """A link from its row; evidence comes as `grading|report id|handling code`, one per audience
    (entries the caller may see, within the filters), so its count is that of their reports.

    A report the caller sees through the audience of everyone is P to them, even if another
    of its entries (an analyst's SAME_AS decision can have several) is for an agency or role.
    """
    gradings: dict[str, str] = {}
    handling: dict[str, str] = {}
    for entry in row["evidence"]:
        grading, report, code = entry.split("|")
        gradings.setdefault(report, grading)
        if report not in handling or code == HandlingCode.P:
            handling[report] = code
    weight = BUSY_WEIGHT if {row["source"], row["target"]} & busy else 1.0
    return Edge(
        source=row["source"],
        target=row["target"],
        type=row["type"],
        count=len(gradings),  # the reports behind it the caller may see (within the filters)
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        details=list(dict.fromkeys(row.get("details") or [])),
        reports=list(gradings),
        gradings=list(gradings.values()),
        handling=[handling[report] for report in gradings],
        weight=weight,
    )


def explore_network(
    *, centre: str, filters: NetworkFilter, principal: Principal, graph: AnalystGraph
) -> Network:
    """Breadth-first from an entity, one visible hop at a time, busy places capped."""
    audiences = audiences_of(principal)
    params = {
        "audiences": audiences,
        "types": [t.value for t in (filters.types or list(LinkType))] + [Relationship.SAME_AS],
        "max_source": str(filters.min_source.value),
        "max_intelligence": filters.min_intelligence.value,
        "since": _stamp(filters.since, EARLIEST),
        "until": _stamp(filters.until, LATEST),
        "busy_cap": BUSY_CAP,
        "cap": NEIGHBOUR_CAP,
        # A place's latest links answer for the reports of any grading up to now.
        "from_kept": filters.until is None
        and filters.min_source is LOOSEST_SOURCE
        and filters.min_intelligence is LOOSEST_INTELLIGENCE,
        # ... and every entry kept of the caller's audiences counts, whatever its type or time.
        "every_link": not filters.types and filters.since is None,
    }
    # Each entity as the caller may see it, read as the search reaches it: whether a place is
    # busy (its links capped at the latest ten) is what the reports they may see call it.
    known = {n["id"]: n for n in graph.nodes([centre], audiences=audiences)}
    if not known:
        return Network(centre=centre, depth=filters.depth, nodes=[], edges=[], truncated=False)
    seen = {centre}
    frontier = [centre]
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    truncated = False
    for _ in range(filters.depth):
        found = graph.expand(
            frontier,
            known=sorted(seen),
            admit=filters.max_nodes - len(seen) + 1,
            busy=[i for i in frontier if known.get(i, {}).get("category") in BUSY_CATEGORIES],
            **params,
        )
        frontier = []
        for row in found:
            truncated = truncated or bool(row["capped"])
            rows[(row["source"], row["target"], row["type"])] = row
            other = row["other_id"]
            if other not in seen:
                if len(seen) >= filters.max_nodes:
                    truncated = True
                    continue
                seen.add(other)
                frontier.append(other)
        if not frontier:
            break
        known.update((n["id"], n) for n in graph.nodes(sorted(frontier), audiences=audiences))
    nodes = [
        Node(**{**known[i], "label": known[i]["label"] or known[i]["id"]})
        for i in sorted(seen)
        if i in known
    ]
    visible = {n.id for n in nodes}
    busy = {n.id for n in nodes if n.category in BUSY_CATEGORIES}
    edges = [
        _edge(row, busy)
        for key, row in sorted(rows.items())
        if row["source"] in visible and row["target"] in visible
    ]
    return Network(
        centre=centre, depth=filters.depth, nodes=nodes, edges=edges, truncated=truncated
    )


def shortest_path(
    *, source: str, target: str, max_depth: int, principal: Principal, graph: AnalystGraph
) -> Network | None:
    """The shortest chain of visible links between two entities, or None; from an entity to
    itself, the entity alone (no links)."""
    audiences = audiences_of(principal)
    with graph.reading():  # the search's reads and the names of what it found, in one
        found: dict[str, Any] | None = (
            {"node_ids": [source], "links": []}  # Neo4j refuses a shortest path to its own start
            if source == target
            else find_path(
                source=source, target=target, max_depth=max_depth, audiences=audiences, graph=graph
            )
        )
        if found is None:
            return None
        nodes = [
            Node(**{**n, "label": n["label"] or n["id"]})
            for n in graph.nodes(found["node_ids"], audiences=audiences)
        ]
    if not nodes:  # an entity the caller may not see, on its own
        return None
    order = {node_id: i for i, node_id in enumerate(found["node_ids"])}
    nodes.sort(key=lambda n: order[n.id])
    edges = [_edge({**link, "details": []}, set()) for link in found["links"]]
    return Network(centre=source, depth=len(edges), nodes=nodes, edges=edges, truncated=False)


def identifier_id(*, phone: str | None, handle: str | None, vrm: str | None) -> str | None:
    """The entity id of an identifier typed into a search, normalised as the linker does."""
    if phone:
        return f"phone:{to_e164(phone)}"
    if vrm:
        return f"vehicle:{parse_vrm(vrm).mark}"
    if handle:
        platform, _, name = handle.partition(":")
        try:
            kind = Platform(platform.strip().lower())
        except ValueError as error:
            raise ValueError(
                "a handle is written platform:handle, e.g. instagram:synth.dean"
            ) from error
        return f"handle:{kind.value}:{normalise_handle(kind, name)}"
    return None


def search_persons(
    *,
    name: str | None,
    date_of_birth: date | None,
    identifier: str | None,
    principal: Principal,
    graph: AnalystGraph,
    limit: int,
    today: Callable[[], date],
) -> list[PersonHit]:
    """People matching a name (fuzzy, aliases, nicknames, or one word of any of them: a given
    name or a surname alone), a date of birth or an identifier.

    Names are scored against what visible reports call the person, so a nickname recorded only
    in a report the caller may not see does not find them.
    """
    audiences = audiences_of(principal)
    mention = facts_of(
        name=name,
        aliases=[],
        nicknames=[name] if name and len(name.split()) == 1 else [],
        date_of_birth=date_of_birth,
        estimated_age=None,
        observed_on=today(),
        phones=[],
        handles=[],
    )
    ids: list[str] = []
    if keys := blocking_keys(mention):
        ids += graph.search_keys(keys, audiences=audiences, limit=limit * 5)
    # Those a visible link ties to the identifier are found by it; those the match keys found
    # (keys hold what every report says) only if what the caller may see matches.
    linked = (
        set(graph.search_identifier(identifier, audiences=audiences, limit=limit * 5))
        if identifier
        else set()
    )
    ids += sorted(linked)
    by_words: dict[str, tuple[float, str]] = {}
    if name and (words := name_words_query(name)):
        for row in graph.search_words(words, audiences=audiences, limit=limit * 5):
            if matched := word_match(name, row["said"]):
                by_words[row["id"]] = matched
        ids += list(by_words)
    hits = []
    searched = bool(mention.names or mention.nicknames)
    for row in graph.person_facts(list(dict.fromkeys(ids)), audiences=audiences):
        born = date.fromisoformat(row["date_of_birth"]) if row["date_of_birth"] else None
        nicknames = [n for names in row["nickname_lists"] for n in (names or [])]
        known = _visible_facts([*row["labels"], *nicknames], born)
        result = score(mention, known) if searched else None
        value = result.value if result is not None else 1.0
        if date_of_birth is not None and not searched:
            value = 1.0 if born == date_of_birth else 0.0
        found = (result.candidate or result.certain) if result is not None else value > 0
        matched_on = None
        word_value, word = by_words.get(row["id"], (0.0, None))
        born_agrees = date_of_birth is None or born is None or born == date_of_birth
        if word is not None and born_agrees and (not found or word_value > value):
            found, value, matched_on = True, word_value, word
        if not found and row["id"] not in linked:
            continue
        hits.append(
            PersonHit(
                id=row["id"],
                names=list(row["labels"]),
                date_of_birth=born,
                role=row["role"],
                score=round(value, 3),
                last_reported=row["last_reported"],
                matched_on=matched_on,
            )
        )
    hits.sort(key=lambda h: (-h.score, h.id))
    return hits[:limit]


WORD_SIMILARITY = 0.85  # Jaro-Winkler of a searched word and a word of a name, at least
PART_OF_A_NAME = 0.9  # a word matching part of a name counts less than the whole name


def _words(text: str) -> list[str]:
    """The words the full-text index keeps: letters, digits and inner apostrophes ("o'neil"),
    lower case; nothing Lucene's query syntax would read as an operator."""
    kept = "".join(c if c.isalnum() or c == "'" else " " for c in text.casefold())
    return [w for w in (word.strip("'") for word in kept.split()) if w]


def name_words_query(name: str) -> str | None:
    """The full-text query for every word of a searched name: each must occur (a word of four
    letters or more allows one typo), as written or without its accents."""
    terms = []
    for word in _words(name):
        forms = dict.fromkeys([word, *name_tokens(word)])
        fuzzy = [f"{form}~1" if len(form) >= 4 else form for form in forms if form]
        if fuzzy:
            terms.append(f"+({' '.join(fuzzy)})")
    return " ".join(terms) or None


def word_match(name: str, said: list[str]) -> tuple[float, str] | None:
    """How well every word of the searched name matches the words of one thing the visible
    reports call the person (1.0 for the whole of it), and which; None when nothing does."""
    wanted = name_tokens(name)
    if not wanted:
        return None
    best: tuple[float, str] | None = None
    for called in said:
        parts = name_tokens(called)
        if not parts:
            continue
        similarity = min(
            max(1.0 if w == p else jellyfish.jaro_winkler_similarity(w, p) for p in parts)
            for w in wanted
        )
        if similarity < WORD_SIMILARITY:
            continue
        value = similarity if wanted == parts else similarity * PART_OF_A_NAME
        if best is None or value > best[0]:
            best = (value, called)
    return best


def _visible_facts(labels: list[str], born: date | None) -> PersonFacts:
    """Matching facts from only what visible reports call the person."""
    full: list[str] = []
    short: list[str] = []
    for label in labels:
        name = normalise_name(label)
        (full if len(name.split()) >= 2 else short).append(name)
    return PersonFacts(
        names=tuple(dict.fromkeys(full)),
        nicknames=tuple(dict.fromkeys(n for n in short if n)),
        date_of_birth=born,
    )
