"""A busy place's latest links, on the real Neo4j: what a place keeps of them as reports are
linked and retracted is what the schema migration works out from its links, and the network the
analyst is shown from them is the one reading every link gives, for every caller, whether a
caller's audiences kept all their links or only the latest."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from neo4j import Driver

from common.auth import Principal, Role
from common.settings import InfraSettings
from schemas.graph import LATEST_LINKS_KEPT, LatestLinkField
from schemas.reports import ReportCreate, ReportSubmitted
from services.network.analyst.analysis import NetworkFilter, explore_network
from services.network.analyst.reads import Neo4jAnalystGraph
from tests.support import queries
from tests.support.factories import GRADING_JSON, report_json, run_tag, shared_only_with, submitted
from tests.support.latest_links import kept_latest_links, worked_out_latest_links
from tests.support.linking import link_events, retract

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC).replace(microsecond=0)
POLICE = "Synthetic Police"
CALLERS = {
    "analyst": Principal("a.analyst", "Synthetic Analysts", Role.ANALYST),
    "officer": Principal("p.officer", POLICE, Role.POLICE),
    "home": Principal("k.worker", "Synthetic Home A", Role.SUBMITTER),
}
SEEN = 300  # children seen at the place: more than it keeps for everyone, fewer for the police


class EveryLinkGraph(Neo4jAnalystGraph):
    """The analyst API's adapter, made to read every link of a place."""

    def expand(self, ids: list[str], **params: Any) -> list[dict[str, Any]]:
        return super().expand(ids, **{**params, "from_kept": False})


def _seen(child: str, place: dict[str, str], minutes_ago: int, *, police_only: bool) -> Any:
    grading = shared_only_with(POLICE) if police_only else GRADING_JSON
    event = {
        "type": "sighting",
        "persons": [{"name": child, "role": "young_person"}],
        "place": place,
    }
    at = (NOW - timedelta(minutes=minutes_ago)).isoformat()
    return submitted(
        ReportCreate.model_validate({**report_json(event), "observed_at": at, "grading": grading})
    )


@pytest.fixture(params=["park", "bus_or_train_station"])
def place(
    request: pytest.FixtureRequest, settings: InfraSettings, cleanup: list[str]
) -> tuple[str, list[ReportSubmitted]]:
    """A place (a park, or a station: busy, its links capped at ten) where SEEN children were
    each seen, every third only for the police, and every tenth child seen twice; its id and its
    reports, oldest first."""
    tag = run_tag()
    where = {
        "name": f"Synthetic {request.param} {tag}",
        "postcode": "ZZ99 8LL",
        "category": request.param,
    }
    events = []
    for n in range(SEEN):
        child = f"Kid{n} Synth{tag}"
        events.append(_seen(child, where, 10 * (SEEN - n), police_only=n % 3 == 0))
        if n % 10 == 0:
            events.append(_seen(child, where, 10 * (SEEN - n) - 5, police_only=False))
    events.sort(key=lambda e: e.report.observed_at)
    cleanup.extend(str(e.event_id) for e in events)
    half = len(events) // 2
    linked = link_events(settings, events[:half], together=True)
    linked += link_events(settings, events[half:], together=True)
    (place_id,) = {e.id for e in linked[0].entities if e.kind == "location"}
    return str(place_id), events


def _network(graph: Neo4jAnalystGraph, place_id: str, who: str, **filters: Any) -> Any:
    network = explore_network(
        centre=place_id,
        filters=NetworkFilter(depth=1, max_nodes=500, **filters),
        principal=CALLERS[who],
        graph=graph,
    )
    return network.truncated, network.nodes, sorted(network.edges, key=lambda e: e.target)


def _same_as_every_link(settings: InfraSettings, driver: Driver, place_id: str) -> None:
    kept = Neo4jAnalystGraph(driver=driver, database=settings.neo4j_database)
    every = EveryLinkGraph(driver=driver, database=settings.neo4j_database)
    since = NOW - timedelta(hours=10)
    for who in CALLERS:
        for filters in ({}, {"since": since}):
            shown = _network(kept, place_id, who, **filters)
            assert shown == _network(every, place_id, who, **filters), (who, filters)
            assert shown[1], who  # every caller sees the place and some of its links


def test_the_place_keeps_its_latest_links_for_each_audience(
    neo4j_driver: Driver, place: tuple[str, list[ReportSubmitted]]
) -> None:
    place_id, _ = place
    links, cutoffs = kept_latest_links(neo4j_driver, place_id)
    audiences = Counter(e.split("|")[LatestLinkField.AUDIENCE] for e in links)
    # everyone's 200 links are cut to the latest ones; the 100 for the police (and the home that
    # wrote them) are all kept
    assert sorted(audiences.values()) == [SEEN // 3, SEEN // 3, LATEST_LINKS_KEPT]
    (cutoff,) = cutoffs
    everyone = [e for e in links if e.split("|")[LatestLinkField.AUDIENCE] == "all"]
    after = cutoff.split("|")[LatestLinkField.LAST]
    assert all(e.split("|")[LatestLinkField.LAST] > after for e in everyone)
    assert max(links.values()) == 1


def test_what_linking_keeps_is_what_the_migration_works_out(
    settings: InfraSettings, neo4j_driver: Driver, place: tuple[str, list[ReportSubmitted]]
) -> None:
    place_id, reports = place
    linked = kept_latest_links(neo4j_driver, place_id)
    assert (
        worked_out_latest_links(neo4j_driver, place_id, database=settings.neo4j_database) == linked
    )
    # A retraction takes its links' entries back (or puts the link's earlier one in their
    # place); everyone's cutoff stays, so the place may keep fewer, never a link that is gone.
    for report in (reports[-1], reports[-3]):
        retract(settings, str(report.event_id))
    links, cutoffs = kept_latest_links(neo4j_driver, place_id)
    (cutoff,) = cutoffs
    after = cutoff.split("|")[LatestLinkField.LAST]
    everyone, _ = worked_out_latest_links(neo4j_driver, place_id, database=settings.neo4j_database)
    assert set(links) <= set(everyone)
    assert {e for e in everyone if e.split("|")[LatestLinkField.LAST] > after} <= set(links)
    assert len(links) < len(everyone)


def test_the_network_from_the_latest_links_is_the_one_every_link_gives(
    settings: InfraSettings, neo4j_driver: Driver, place: tuple[str, list[ReportSubmitted]]
) -> None:
    place_id, reports = place
    _same_as_every_link(settings, neo4j_driver, place_id)
    for report in reports[-4:]:  # the latest, some for the police only
        retract(settings, str(report.event_id))
    _same_as_every_link(settings, neo4j_driver, place_id)


def test_the_analyst_is_shown_the_latest_links_the_place_keeps(
    settings: InfraSettings, neo4j_driver: Driver, place: tuple[str, list[ReportSubmitted]]
) -> None:
    """The place's latest links are what answers: one left out of them (as no writer would) is
    left out of the network too, while reading every link still shows it."""
    place_id, _ = place
    links, _ = kept_latest_links(neo4j_driver, place_id)
    latest = max(e for e in links if "|all|" in e)
    child = latest.split("|")[LatestLinkField.OTHER]
    neo4j_driver.execute_query(queries.LEAVE_OUT_LATEST_LINK, place_id=place_id, entry=latest)
    kept = Neo4jAnalystGraph(driver=neo4j_driver, database=settings.neo4j_database)
    every = EveryLinkGraph(driver=neo4j_driver, database=settings.neo4j_database)
    _, nodes, _ = _network(kept, place_id, "analyst")
    assert child not in {n.id for n in nodes}
    _, nodes, _ = _network(every, place_id, "analyst")
    assert child in {n.id for n in nodes}


def test_an_entry_naming_another_links_id_still_shows_its_own_link(
    settings: InfraSettings, neo4j_driver: Driver, place: tuple[str, list[ReportSubmitted]]
) -> None:
    """An entry finds its link by the element id it keeps only when that id names a link of the
    entry's type between its two entities (a deleted link's id may be given to another): with
    every entry naming another link's id, or none, the network is the one every link gives."""
    place_id, _ = place
    neo4j_driver.execute_query(queries.SWAP_LATEST_LINK_IDS, place_id=place_id)
    _same_as_every_link(settings, neo4j_driver, place_id)
    neo4j_driver.execute_query(queries.FORGET_LATEST_LINK_IDS, place_id=place_id)
    _same_as_every_link(settings, neo4j_driver, place_id)


def test_links_seen_at_one_time_are_chosen_as_reading_every_link_chooses(
    settings: InfraSettings, neo4j_driver: Driver, cleanup: list[str]
) -> None:
    """A busy place shows its ten latest links; when more than ten were seen at the same time,
    the ones shown are those reading every link ranks first (by the other entity's id), though
    each audience keeps them in the opposite order."""
    tag = run_tag()
    where = {"name": f"Synthetic station {tag}", "postcode": "ZZ99 8LL"}
    where["category"] = "bus_or_train_station"
    events = [
        _seen(f"Kid{n} Synth{tag}", where, 30 if n < 25 else 60 + n, police_only=n % 4 == 0)
        for n in range(40)
    ]
    cleanup.extend(str(e.event_id) for e in events)
    linked = link_events(settings, events, together=True)
    (place_id,) = {e.id for e in linked[0].entities if e.kind == "location"}
    _same_as_every_link(settings, neo4j_driver, str(place_id))
    kept = Neo4jAnalystGraph(driver=neo4j_driver, database=settings.neo4j_database)
    truncated, nodes, edges = _network(kept, str(place_id), "analyst")
    assert truncated
    assert len(edges) == 10
    assert {e.last_seen for e in edges} == {max(e.last_seen for e in edges)}
