"""P01 at a busy place works out its alert from what the worker remembers plus the people a
batch's reports name there, and the store explains an update from the alert's last version plus
what the update adds, on the real graph: after every report of a scripted sequence, the candidate
is the one a full read of the place gives and the explanation (subgraph and who may see each
report) the one a full read gives; the place is read whole again whenever the store's alert is
not what the worker remembers."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from neo4j import Driver

from common.adapters.streaming import Neo4jConnection
from common.auth import Principal, Role
from common.settings import InfraSettings
from common.visibility import audiences_of
from schemas.alerts import AlertRaised, Priority
from schemas.entities import Place
from schemas.linking import EntitiesLinked
from schemas.reports import ReportCreate
from services.alerts.agents import WorkerMemory, detect_batch
from services.alerts.config import Settings as AlertSettings
from services.alerts.delivery.visibility import may_see
from services.alerts.lifecycle import record_alert
from services.alerts.patterns.shared_hotspot.graph import Neo4jHotspotGraph
from services.alerts.patterns.shared_hotspot.rule import (
    REMEMBERED_AS,
    Sighting,
    detect_shared_hotspot,
)
from services.alerts.ports import Explanation, HistoryEntry
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared.catch_up import CatchUp
from services.alerts.shared.remembered import Remembered
from services.alerts.store import Neo4jAlertStore, SavedVersions
from services.network.identities import location_id
from tests.support.factories import id_key, report_json, run_tag, shared_only_with, submitted
from tests.support.linking import async_driver, explained_whole, link_events, record, retract
from tests.support.queries import FORGET_CITED_DIGEST

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)
EVERY = timedelta(minutes=10)
POLICE = "Synthetic Police"
POLICE_ONLY = shared_only_with(POLICE)


class CountingGraph(Neo4jHotspotGraph):
    """The real adapter, counting whole reads of the place and reads of named people."""

    whole = 0
    named = 0

    async def young_people_at(self, location_id: str, *, since: datetime) -> list[Sighting]:
        CountingGraph.whole += 1
        return await super().young_people_at(location_id, since=since)

    async def young_people_named_at(
        self, location_id: str, report_ids: tuple[str, ...], *, since: datetime
    ) -> dict[str, list[Sighting]]:
        CountingGraph.named += 1
        return await super().young_people_named_at(location_id, report_ids, since=since)


def _detect(
    settings: InfraSettings,
    place_id: str,
    *,
    now: datetime,
    touched_by: tuple[str, ...] | None = None,
    remembered: Remembered | None = None,
) -> AlertCandidate | None:
    async def run() -> AlertCandidate | None:
        async with async_driver(settings) as driver:
            return await detect_shared_hotspot(
                location_id=place_id,
                graph=CountingGraph(driver=driver, database=settings.neo4j_database),
                now=now,
                min_young_people=3,
                window_days=90,
                touched_by=touched_by,
                remembered=remembered,
            )

    return asyncio.run(run())


class Shop:
    """A take-away and what is said there, linked as the network worker links it."""

    def __init__(self, settings: InfraSettings, cleanup: list[str]) -> None:
        self.settings = settings
        self.cleanup = cleanup
        self.tag = run_tag()
        self.place = {
            "name": f"Synth Take-away {self.tag}",
            "postcode": "ZZ99 7TR",
            "category": "take_away",
        }
        self.id = location_id(Place.model_validate(self.place), key=id_key())
        self.linked: list[EntitiesLinked] = []  # as the network worker announced each report

    def person(self, name: str, **said: Any) -> dict[str, Any]:
        return {"name": f"{name} Synth{self.tag}", "home_address": f"{name} Row {self.tag}", **said}

    def link(
        self,
        ago: timedelta,
        *persons: dict[str, Any],
        here: bool = True,
        agency: str = "Synthetic Home A",
        **envelope: Any,
    ) -> str:
        place = self.place if here else {"name": f"Synth Park {self.tag}", "postcode": "ZZ99 7PK"}
        event = {"type": "sighting", "persons": list(persons), "place": place}
        return self.report(ago, event, agency=agency, **envelope)

    def report(
        self,
        ago: timedelta,
        event: dict[str, Any],
        agency: str = "Synthetic Home A",
        **envelope: Any,
    ) -> str:
        body = report_json(event, observed_at=(NOW - ago).isoformat(), **envelope)
        report = submitted(ReportCreate.model_validate(body), agency=agency)
        self.cleanup.append(str(report.event_id))
        self.linked.extend(link_events(self.settings, [report]))
        return str(report.event_id)


def _child(place: Shop, name: str, **said: Any) -> dict[str, Any]:
    return place.person(name, role="young_person", date_of_birth="2011-03-04", **said)


def test_each_report_added_to_what_is_remembered_gives_what_a_full_read_gives(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    shop = Shop(settings, cleanup)
    remembered = Remembered(EVERY)
    at = iter(NOW + timedelta(seconds=i) for i in range(100))
    saved_alerts: list[AlertRaised] = []

    def step(*touched_by: str) -> tuple[AlertCandidate | None, bool]:
        """The worker's detection after a report, checked against a full read, and saved;
        whether it added the people the report names to what was remembered."""
        now = next(at)
        reads = CountingGraph.whole, CountingGraph.named
        found = _detect(settings, shop.id, now=now, touched_by=touched_by, remembered=remembered)
        added = (CountingGraph.whole, CountingGraph.named) == (reads[0], reads[1] + 1)
        assert _detect(settings, shop.id, now=now) == found
        if found is not None and (saved := record(settings, found, now=now)) is not None:
            saved_alerts.append(saved)
            explained = explained_whole(settings, saved)
            assert (saved.subgraph, saved.visibility) == (explained.subgraph, explained.visibility)
        return found, added

    first = shop.link(timedelta(days=5), _child(shop, "Ava"))
    assert step(first) == (None, False)  # not yet a hotspot: a take-away needs two
    assert remembered.recall(REMEMBERED_AS, shop.id, NOW) is None
    raised, added = step(shop.link(timedelta(days=4), _child(shop, "Ben")))
    assert raised is not None and not added
    assert raised.summary.startswith("2 young people")

    # A new child there: only they are read, and the alert grows.
    grown, added = step(shop.link(timedelta(days=3), _child(shop, "Dee")))
    assert grown is not None and added
    assert grown.summary.startswith("3 young people")

    # Eve seen there, her age unknown: not counted. Then a report elsewhere calls her a young
    # person, and she is seen there again: both her sightings there count, with that report.
    unknown = shop.link(timedelta(days=3), shop.person("Eve"))
    assert step(unknown) == (grown, True)
    dated = shop.link(timedelta(days=2), _child(shop, "Eve"), here=False)
    again = shop.link(timedelta(days=1), shop.person("Eve"))
    with_eve, added = step(again)
    assert with_eve is not None and added
    assert with_eve.summary.startswith("4 young people")
    assert {unknown, again, dated} <= {str(e.report_id) for e in with_eve.evidence}

    # Ben, known there, now with a learning disability recorded: what he keeps is read again
    # for all his sightings there, and the alert is high.
    needs = {"learning_disability": True}
    high, added = step(shop.link(timedelta(hours=5), _child(shop, "Ben", flags=needs)))
    assert high is not None and high.priority is Priority.HIGH and added

    # A sighting there only the police may see: the alert is then seen only by them.
    police = shop.link(
        timedelta(hours=2),
        _child(shop, "Fay"),
        _child(shop, "Cai"),
        grading=POLICE_ONLY,
        agency=POLICE,
    )
    restricted, added = step(police)
    assert restricted is not None and added
    other = Principal("pc.other", "Synthetic Other", Role.POLICE)
    named = Principal("pc.named", POLICE, Role.POLICE)
    assert not may_see(saved_alerts[-1], audiences_of(other))
    assert may_see(saved_alerts[-1], audiences_of(named))


def test_the_place_is_read_whole_when_the_stored_alert_is_not_what_is_remembered(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    shop = Shop(settings, cleanup)
    remembered = Remembered(EVERY)
    first = shop.link(
        timedelta(days=5), _child(shop, "Ava"), _child(shop, "Ben"), _child(shop, "Cai")
    )
    raised = _detect(settings, shop.id, now=NOW, touched_by=(first,), remembered=remembered)
    assert raised is not None
    whole = CountingGraph.whole
    # Not saved (say the worker died before it could): the store cites nothing, so it is read
    # whole, and again after it is saved, since then another worker has added a report.
    second = shop.link(timedelta(days=4), _child(shop, "Dee"))
    unsaved = _detect(settings, shop.id, now=NOW, touched_by=(second,), remembered=remembered)
    assert CountingGraph.whole == whole + 1
    assert unsaved is not None
    record(settings, unsaved, now=NOW)
    elsewhere = shop.link(timedelta(days=3), _child(shop, "Eve"))  # another worker's report
    record(settings, _detect(settings, shop.id, now=NOW) or unsaved, now=NOW)
    third = shop.link(timedelta(days=2), _child(shop, "Fin"))
    found = _detect(settings, shop.id, now=NOW, touched_by=(third,), remembered=remembered)
    assert CountingGraph.whole == whole + 3  # the full read of the other worker's, and this one
    assert found is not None and elsewhere in {str(e.report_id) for e in found.evidence}
    # In step with the store again, a report is added to what is remembered; once a full pass
    # is due, the place is read whole.
    record(settings, found, now=NOW)
    fourth = shop.link(timedelta(days=1), _child(shop, "Gil"))
    with_gil = _detect(settings, shop.id, now=NOW, touched_by=(fourth,), remembered=remembered)
    assert CountingGraph.whole == whole + 3 and with_gil is not None
    record(settings, with_gil, now=NOW)
    _detect(settings, shop.id, now=NOW + EVERY, touched_by=(fourth,), remembered=remembered)
    assert CountingGraph.whole == whole + 4


class CountingStore(Neo4jAlertStore):
    """The real store, counting the updates it explained from the alert's last version."""

    from_last = 0

    async def _changed(
        self, previous: AlertRaised, entity_ids: list[str], report_ids: list[str]
    ) -> Explanation | None:
        changed = await super()._changed(previous, entity_ids, report_ids)
        CountingStore.from_last += changed is not None
        return changed


def test_an_update_that_drops_reports_is_explained_from_the_last_version_as_a_full_read_would(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    """A report leaves the 90-day window, then another is retracted: each update drops the
    report and the young person only it named, is worked out from the alert's last version and
    what changed, and explains the alert as a whole read does. Whoever may see the alert must
    still be able to see every report it cited."""
    shop = Shop(settings, cleanup)
    oldest = shop.link(timedelta(days=89), _child(shop, "Ava"), _child(shop, "Ben"))
    shop.link(timedelta(days=60), _child(shop, "Ben"), _child(shop, "Cai"), _child(shop, "Dee"))
    police = shop.link(
        timedelta(days=30),
        _child(shop, "Cai"),
        _child(shop, "Eve"),
        grading=POLICE_ONLY,
        agency=POLICE,
    )
    shop.link(timedelta(days=10), _child(shop, "Dee"), _child(shop, "Fay"))

    def step(now: datetime) -> AlertRaised:
        found = _detect(settings, shop.id, now=now)
        assert found is not None
        saved = record(settings, found, now=now, store_type=CountingStore)
        assert saved is not None
        whole = explained_whole(settings, saved)
        assert (saved.subgraph, saved.visibility) == (whole.subgraph, whole.visibility)
        return saved

    raised = step(NOW)
    assert oldest in {str(e.report_id) for e in raised.evidence}
    assert len(raised.visibility) == len(raised.evidence)  # a new alert cited nothing before
    from_last = CountingStore.from_last

    later = NOW + timedelta(days=2)
    aged = step(later)
    assert oldest not in {str(e.report_id) for e in aged.evidence}
    assert not any(s.display_name.startswith("Ava") for s in aged.subjects)
    assert not any(n.label.startswith("Ava") for n in aged.subgraph.nodes)
    assert CountingStore.from_last == from_last + 1

    retract(settings, police, agency=POLICE)
    withdrawn = step(later)
    assert police not in {str(e.report_id) for e in withdrawn.evidence}
    assert not any(n.label.startswith("Eve") for n in withdrawn.subgraph.nodes)
    assert CountingStore.from_last == from_last + 2
    assert len(withdrawn.visibility) == len(withdrawn.evidence) + 2  # and the two it cited
    assert not may_see(
        withdrawn, audiences_of(Principal("pc.other", "Synthetic Other", Role.POLICE))
    )
    assert may_see(withdrawn, audiences_of(Principal("pc.named", POLICE, Role.POLICE)))

    # Gus, seen there, his age unknown, is counted by a report that calls him a young person
    # (a friend of Dee's), whose link to Dee the picture shows; once a sighting there calls him
    # one, that report is dropped, and the link with it.
    shop.link(timedelta(days=5), shop.person("Gus"))
    friends = {"person_a": _child(shop, "Gus"), "person_b": _child(shop, "Dee"), "nature": "friend"}
    told = shop.report(timedelta(days=4), {"type": "association", **friends})
    with_gus = step(later)
    assert told in {str(e.report_id) for e in with_gus.evidence}
    assert [e.type for e in with_gus.subgraph.edges if told in e.report_ids] == ["ASSOCIATES_WITH"]
    shop.link(timedelta(hours=3), _child(shop, "Gus"))
    seen_young = step(later)
    assert told not in {str(e.report_id) for e in seen_young.evidence}
    assert not [e for e in seen_young.subgraph.edges if e.type == "ASSOCIATES_WITH"]
    assert CountingStore.from_last == from_last + 4


def test_an_alert_saved_before_alerts_kept_what_they_cite_keeps_it_when_found_again(
    settings: InfraSettings, cleanup: list[str], neo4j_driver: Driver
) -> None:
    """After an upgrade, an open alert does not say which reports it cites, so the worker's
    memory cannot be checked against it: the first detection that finds it unchanged keeps it,
    and the place is then added to rather than read whole."""
    shop = Shop(settings, cleanup)
    remembered = Remembered(EVERY)
    first = shop.link(timedelta(days=5), _child(shop, "Ava"), _child(shop, "Ben"))
    raised = _detect(settings, shop.id, now=NOW, touched_by=(first,), remembered=remembered)
    assert raised is not None and record(settings, raised, now=NOW) is not None
    neo4j_driver.execute_query(FORGET_CITED_DIGEST, fingerprint=raised.fingerprint)
    whole = CountingGraph.whole
    again = _detect(settings, shop.id, now=NOW, touched_by=(first,), remembered=remembered)
    assert CountingGraph.whole == whole + 1  # the store does not say: read whole
    assert again is not None and record(settings, again, now=NOW) is None  # nothing new
    _detect(settings, shop.id, now=NOW, touched_by=(first,), remembered=remembered)
    assert CountingGraph.whole == whole + 1  # kept since: added to


def test_the_version_the_worker_saved_is_used_only_while_it_is_the_open_one(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    """An update starts from the open alert: the worker's own last save is not read again while
    the store says it is the open version, and is read once anyone else saved another."""
    shop = Shop(settings, cleanup)
    shop.link(timedelta(days=5), _child(shop, "Ava"), _child(shop, "Ben"))
    raised = _detect(settings, shop.id, now=NOW)
    assert raised is not None
    versions = SavedVersions(keep=100_000)

    async def run() -> None:
        async with async_driver(settings) as driver:
            mine = Neo4jAlertStore(
                driver=driver, database=settings.neo4j_database, versions=versions
            )
            other = Neo4jAlertStore(driver=driver, database=settings.neo4j_database)
            saved = await record_alert(candidate=raised, store=mine, now=NOW, new_id=uuid.uuid4)
            assert saved is not None
            state = await mine.fingerprint_state(raised.fingerprint)
            assert state.open_event_id == str(saved.event_id)
            assert await mine.open_alert(raised.fingerprint, current=state.open_event_id) is saved
            # Someone else's change (an analyst's, say): the store's open version is read.
            await other.save(
                saved.model_copy(update={"event_id": uuid.uuid4(), "priority": Priority.HIGH}),
                anchor_id=None,
                history=HistoryEntry(at=NOW, by="k.analyst", action="noted", status=saved.status),
                replaces=saved.event_id,
            )
            state = await mine.fingerprint_state(raised.fingerprint)
            read = await mine.open_alert(raised.fingerprint, current=state.open_event_id)
            assert read is not saved and read is not None and read.priority is Priority.HIGH

    asyncio.run(run())


def test_a_full_pass_due_during_live_work_is_made_by_the_bulk_lane_just_after(
    settings: InfraSettings, cleanup: list[str]
) -> None:
    """Through the alert worker's detection with its memory: a live report at a place whose full
    pass is due adds what it names to what is remembered and leaves the pass to the bulk lane,
    which catches up what only a full pass sees (a child seen there whose age another report
    gives); once the grace has passed, the live report makes the pass itself."""
    shop = Shop(settings, cleanup)
    alerts = AlertSettings(alerts_topic=f"test.{uuid.uuid4().hex[:8]}.alerts")
    catch_up = CatchUp(timedelta(minutes=10))
    # Every full pass is due at once (`every` 0), and left to the bulk lane within its grace.
    memory = WorkerMemory(remembered=Remembered(timedelta(0), catch_up=catch_up), catch_up=catch_up)

    def detect(*, due: list[str] | None = None) -> set[str]:
        """The worker's detection of the last report linked (or of the places `due` alone, as
        its bulk lane makes their passes): the reports the shop's open alert cites then."""
        batch = [] if due is not None else shop.linked[-1:]
        asyncio.run(_detect_batch(alerts, batch, memory, due or []))
        alert = asyncio.run(_open_alert(settings, f"shared_hotspot:{shop.id}"))
        return {str(e.report_id) for e in alert.evidence} if alert else set()

    first = shop.link(timedelta(days=5), _child(shop, "Ava"), _child(shop, "Ben"))
    assert detect() == {first}, "never worked out: the live report reads it whole"
    assert catch_up.take() == []
    unknown = shop.link(timedelta(days=4), shop.person("Eve"))  # her age unknown: not counted
    assert detect() == {first}
    assert catch_up.take() == [shop.id]
    dated = shop.link(timedelta(days=3), _child(shop, "Eve"), here=False)  # elsewhere: young
    cai = shop.link(timedelta(days=2), _child(shop, "Cai"))
    assert detect() == {first, cai}, "what the live report names, from what is remembered"
    with catch_up.making() as places:
        assert places == [shop.id]
        assert detect(due=places) == {first, cai, unknown, dated}, "the bulk lane's full pass"
    assert catch_up.take() == [], "made, not left to the bulk lane again"

    late = CatchUp(timedelta(0))  # no grace: the live report makes the pass
    memory = WorkerMemory(remembered=Remembered(timedelta(0), catch_up=late), catch_up=late)
    detect(due=[shop.id])  # remembered by this memory
    shop.link(timedelta(days=1), _child(shop, "Dee"), here=False)
    fay = shop.link(timedelta(hours=5), shop.person("Dee"))
    assert fay in detect() and late.take() == []


async def _detect_batch(
    alerts: AlertSettings, batch: list[EntitiesLinked], memory: WorkerMemory, due: list[str]
) -> None:
    connection = Neo4jConnection(alerts)
    await connection.on_start()
    try:
        await detect_batch(batch, connection, alerts, memory=memory, due=due)
    finally:
        await connection.on_stop()


async def _open_alert(settings: InfraSettings, fingerprint: str) -> AlertRaised | None:
    async with async_driver(settings) as driver:
        store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database)
        return await store.open_alert(fingerprint)
