"""An analyst's `same` makes two people one for every detector (issue 15), on the real Neo4j and
Kafka through the analyst API: two spellings of one boy's given name and the same surname, one
mention without his date of birth (so the resolver asks an analyst rather than merging), stay two
people when linked, and count as two young people at a place and two children of one adult; once
an analyst says they are the same, later sightings by either name resolve to one person and every
detector counts him once, until a `different` or a split says otherwise."""

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from common.adapters.streaming import Neo4jConnection
from common.auth import Role, TokenStore
from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from schemas.alerts import AlertRaised, AlertStatus
from schemas.entities import Person, Place
from schemas.linking import EntitiesLinked, EntityKind
from schemas.reports import ReportCreate
from services.alerts.agents import detect_batch
from services.alerts.config import Settings as AlertSettings
from services.alerts.detection import Runner
from services.alerts.lifecycle import evidence_digest
from services.alerts.patterns.linked_children.detector import run as linked_children
from services.alerts.patterns.shared_hotspot.detector import run as shared_hotspot
from services.alerts.ports import FingerprintState
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.store import Neo4jAlertStore
from services.network.analyst.main import create_app
from services.network.config import Settings
from services.network.identities import location_id, new_person_id, split_person_id
from tests.support import queries
from tests.support.factories import id_key, report_json, run_tag, submitted
from tests.support.first_said import kept as kept_lists
from tests.support.kafka_reading import read_values
from tests.support.linking import async_driver, detect_with, explained_whole, link_events, record
from tests.support.migrations import run_migration

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
PURPOSE = {"purpose": "integration test of confirming a possible match"}
BORN = "2011-06-02"


@dataclass
class Boy:
    """One boy named two ways in five reports; what the detectors and the analyst API see."""

    settings: InfraSettings
    client: TestClient
    auth: dict[str, str]
    tag: str
    place: dict[str, Any]
    place_id: str
    adult: dict[str, Any]
    adult_id: str
    named: dict[str, dict[str, Any]]  # person id: how the first reports named him, one a spelling
    reports: dict[str, list[str]]  # person id: the reports naming him that way
    report_ids: list[str] = field(default_factory=list)
    decision_ids: list[str] = field(default_factory=list)

    def link(self, *events: dict[str, Any], ago: timedelta) -> list[set[str]]:
        """Link events observed `ago`; the people each one's mentions resolved to."""
        reports = [
            submitted(
                ReportCreate.model_validate(report_json(e, observed_at=(NOW - ago).isoformat()))
            )
            for e in events
        ]
        self.report_ids.extend(str(r.event_id) for r in reports)
        linked = link_events(self.settings, reports)
        return [{x.id for x in e.entities if x.kind is EntityKind.PERSON} for e in linked]

    def decide(self, candidate_id: str, decision: str) -> dict[str, Any]:
        """An analyst's decision on the candidate, through the analyst API."""
        response = self.client.post(
            f"/v1/resolution/candidates/{candidate_id}/decision",
            params=PURPOSE,
            json={"decision": decision, "reason": "same school, placement and social worker"},
            headers=self.auth,
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        self.decision_ids.append(body["id"])
        return body

    def candidate(self) -> dict[str, Any]:
        """The possible match between the two spellings."""
        first = next(iter(self.named))
        response = self.client.get(
            "/v1/resolution/candidates",
            params={**PURPOSE, "person_id": first},
            headers=self.auth,
        )
        assert response.status_code == 200, response.text
        (found,) = [
            c for c in response.json()["items"] if {c["person_a"], c["person_b"]} == set(self.named)
        ]
        return dict(found)


def _child(name: str, born: str | None = BORN) -> dict[str, Any]:
    return {"name": name, "date_of_birth": born, "role": "young_person"}


def _sighting(person: dict[str, Any], place: dict[str, Any]) -> dict[str, Any]:
    return {"type": "sighting", "persons": [person], "place": place}


def _association(child: dict[str, Any], adult: dict[str, Any]) -> dict[str, Any]:
    return {"type": "association", "person_a": child, "person_b": adult, "nature": "risky_adult"}


def _pid(person: dict[str, Any]) -> str:
    return new_person_id(
        Person.model_validate(person), report_id=uuid.uuid4(), index=0, key=id_key()
    )


def _run(settings: InfraSettings, runner: Runner, entity_id: str) -> list[AlertCandidate]:
    return detect_with(settings, lambda ctx: runner(entity_id, ctx), now=NOW)


def _people(candidates: list[AlertCandidate]) -> set[str]:
    """The people an alert candidate names (none when nothing was raised)."""
    return {s.id for c in candidates for s in c.subjects if s.kind == "person"}


def _counted(boy: Boy) -> tuple[set[str], set[str]]:
    """Young people the hotspot counts at the place; children the adult is linked to."""
    return (
        _people(_run(boy.settings, shared_hotspot, boy.place_id)),
        _people(_run(boy.settings, linked_children, boy.adult_id)) - {boy.adult_id},
    )


@pytest.fixture
def boy(
    settings: InfraSettings,
    decisions_topic: str,
    linked_topic: str,
    neo4j_driver: Driver,
    tmp_path: Path,
) -> Iterator[Boy]:
    """Jayden (or Jaden, no date of birth) seen at an arcade and with one adult, a report for
    each spelling, and Ava seen there too: three names, two children."""
    tag = run_tag()
    auth_file = tmp_path / "users.json"
    store = TokenStore(auth_file)
    store.add_agency("Synthetic Analysts")
    token = store.issue(user="a.analyst", agency="Synthetic Analysts", role=Role.ANALYST)
    app = create_app(
        Settings(
            tessera_auth_file=str(auth_file),
            network_decisions_topic=decisions_topic,
            network_entities_linked_topic=linked_topic,
            network_publish_timeout_s=3.0,
        )
    )
    place = {"name": f"Synthetic Arcade {tag}", "postcode": "ZZ99 5SA"}
    adult = {"name": f"Vic Synthadult{tag}", "role": "adult", "estimated_age": 34}
    jayden, jaden = _child(f"Jayden Smith{tag}"), _child(f"Jaden Smith{tag}", born=None)
    boy = Boy(
        settings=settings,
        client=TestClient(app),
        auth={"Authorization": f"Bearer {token}"},
        tag=tag,
        place=place,
        place_id=location_id(Place.model_validate(place), key=id_key()),
        adult=adult,
        adult_id=_pid(adult),
        named={_pid(jayden): jayden, _pid(jaden): jaden},
        reports={},
    )
    try:
        with boy.client:
            for person in (jayden, jaden):
                seen, met = boy.link(
                    _sighting(person, place), _association(person, adult), ago=timedelta(days=5)
                )
                assert seen == met - {boy.adult_id} == {_pid(person)}, "each is its own person"
                boy.reports[_pid(person)] = boy.report_ids[-2:]
            boy.link(
                _sighting(_child(f"Ava Synth{tag}", "2010-01-09"), place), ago=timedelta(days=3)
            )
            yield boy
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=boy.report_ids
        )
        neo4j_driver.execute_query(queries.DELETE_DECISIONS, ids=boy.decision_ids)


def _young_reports(driver: Driver, person_id: str) -> set[str]:
    """The reports calling the person a young person, as the person keeps them."""
    records, _, _ = driver.execute_query(queries.PERSON_TRAITS, person_id=person_id)
    return set(records[0]["traits"]["young_reports"])


def _first_said(driver: Driver, person_id: str) -> dict[str, list[str]]:
    """The earliest reports of each audience the person keeps, to name them and give a role."""
    return kept_lists(driver, queries.PERSON_FIRST_SAID, person_id=person_id)


def _confirm(boy: Boy) -> tuple[str, str, str]:
    """The analyst says the two spellings are one boy: the candidate, who stays, who went."""
    candidate = boy.candidate()
    decided = boy.decide(candidate["id"], "same")
    # The candidate's first person stays; the second's reports move to him.
    return candidate["id"], decided["person_a"], decided["person_b"]


def test_two_spellings_of_one_boy_count_once_for_every_detector_after_same(
    boy: Boy, neo4j_driver: Driver, settings: InfraSettings
) -> None:
    jayden, jaden = boy.named
    hotspot, children = _counted(boy)
    assert {jayden, jaden} <= hotspot and len(hotspot) == 3, "before: one boy counted twice"
    assert children == {jayden, jaden}, "before: one boy is two children of the adult"

    _, kept, gone = _confirm(boy)
    # A further sighting by either spelling resolves to him, not to a third person.
    for named in boy.named.values():
        sighting = _sighting(_child(named["name"]), boy.place)  # with his date of birth
        assert boy.link(sighting, ago=timedelta(days=1)) == [{kept}]
    hotspot, children = _counted(boy)
    assert hotspot == set(), "two young people at an ordinary place are not a hotspot"
    assert children == set(), "one child is not several"
    seen = {
        (r["type"], r["other"]): r["report_ids"]
        for r in neo4j_driver.execute_query(queries.LINKS_OF, id=kept)[0]
    }
    assert len(seen[("SEEN_AT", boy.place_id)]) == 4
    assert len(seen[("ASSOCIATES_WITH", boy.adult_id)]) == 2
    mentioned = neo4j_driver.execute_query(queries.MENTIONED_BY, id=kept)[0][0]["report_ids"]
    assert set(boy.reports[gone]) <= set(mentioned)
    assert neo4j_driver.execute_query(queries.MENTIONED_BY, id=gone)[0][0]["report_ids"] == []
    # What the reports say of him moved with them: an alert reads it from the person.
    assert _young_reports(neo4j_driver, kept) == set(mentioned)
    assert _young_reports(neo4j_driver, gone) == set()
    # So did the earliest reports that name him, as the schema migration works them out.
    assert _first_said(neo4j_driver, gone) == {"said_first": [], "said_first_role": []}
    first_said = _first_said(neo4j_driver, kept)
    assert {entry[22:58] for entry in first_said["said_first"]} <= set(mentioned)
    neo4j_driver.execute_query(queries.FORGET_PERSON_FIRST_SAID, person_id=kept)
    run_migration(neo4j_driver, "017_person_first_said.cypher", database=settings.neo4j_database)
    assert _first_said(neo4j_driver, kept) == first_said


def test_same_is_announced_so_detection_runs_around_the_merged_person(
    boy: Boy, kafka: KafkaAccess, linked_topic: str
) -> None:
    _, kept, gone = _confirm(boy)
    (value,) = read_values(kafka, linked_topic, expected=1)
    announced = EntitiesLinked.model_validate_json(value)
    assert announced.decision_id is not None and announced.decision_id.startswith("decision:")
    assert [(e.kind, e.id) for e in announced.entities] == [
        (EntityKind.PERSON, kept),
        (EntityKind.PERSON, gone),
    ]


def test_the_announced_decision_updates_an_open_alert_at_a_place_he_was_seen(
    boy: Boy, kafka: KafkaAccess, linked_topic: str
) -> None:
    """The announcement of `same` names only the two spellings, yet the alert worker examines
    the place whose open alert lists both again and updates it, with no new report about the
    place; `different` makes them two in it again the same way."""
    jayden, jaden = boy.named
    boy.link(
        _sighting(_child(f"Bea Synth{boy.tag}", "2010-04-11"), boy.place), ago=timedelta(days=2)
    )
    (found,) = _run(boy.settings, shared_hotspot, boy.place_id)
    raised = record(boy.settings, found, now=NOW)
    assert raised is not None and {jayden, jaden} <= {s.id for s in raised.subjects}
    detect_announced = AnnouncedDecisions(kafka, linked_topic)

    candidate, kept, gone = _confirm(boy)
    detect_announced(expected=1)
    listed = {s.id for s in _open_alert(boy.settings, found.fingerprint).subjects}
    assert kept in listed and gone not in listed, "the place's alert lists a boy merged away"
    boy.decide(candidate, "different")
    detect_announced(expected=2)
    assert {kept, gone} <= {s.id for s in _open_alert(boy.settings, found.fingerprint).subjects}


def test_an_alert_a_decision_undoes_is_closed_and_raised_again_after_different(
    boy: Boy, kafka: KafkaAccess, linked_topic: str
) -> None:
    """Three names at the place, two children: once `same` makes them two young people, the
    place's hotspot no longer holds, and the announced decision closes its open alert as the
    decision's (it would otherwise stay open naming a boy merged away). `different` makes them
    three again, and the alert is raised anew at once, with no cool-down, though the closed one
    cited every report."""
    (found,) = _run(boy.settings, shared_hotspot, boy.place_id)
    raised = record(boy.settings, found, now=NOW)
    assert raised is not None
    detect_announced = AnnouncedDecisions(kafka, linked_topic)

    candidate, _, _ = _confirm(boy)
    (closed,) = detect_announced(expected=1)
    assert closed.alert_id == raised.alert_id and closed.status is AlertStatus.CLOSED
    assert closed.closed_by_decision == boy.decision_ids[-1]
    state = asyncio.run(_fingerprint_state(boy.settings, found.fingerprint))
    assert not state.has_open and state.last_closed is not None
    assert state.last_closed[0].closed_by_decision == boy.decision_ids[-1]

    boy.decide(candidate, "different")
    (again,) = detect_announced(expected=2)
    assert again.alert_id != raised.alert_id and again.status is AlertStatus.OPEN
    assert set(boy.named) <= {s.id for s in again.subjects}
    assert _open_alert(boy.settings, found.fingerprint).alert_id == again.alert_id


class AnnouncedDecisions:
    """The alert worker's detection of each decision the analyst API announced since it was last
    called, on a topic of its own: the alerts it saved."""

    def __init__(self, kafka: KafkaAccess, linked_topic: str) -> None:
        self._kafka = kafka
        self._topic = linked_topic
        self._done: set[UUID] = set()
        self._settings = AlertSettings(alerts_topic=f"test.{uuid.uuid4().hex[:8]}.alerts")

    def __call__(self, *, expected: int) -> list[AlertRaised]:
        values = read_values(self._kafka, self._topic, expected=expected)
        announced = [EntitiesLinked.model_validate_json(v) for v in values]
        batch = [e for e in announced if e.event_id not in self._done]
        self._done.update(e.event_id for e in batch)
        assert len(batch) == 1 and batch[0].decision_id is not None
        return asyncio.run(_detect_in_the_worker(batch, self._settings))


async def _detect_in_the_worker(
    batch: list[EntitiesLinked], settings: AlertSettings
) -> list[AlertRaised]:
    connection = Neo4jConnection(settings)
    await connection.on_start()
    try:
        return await detect_batch(batch, connection, settings)
    finally:
        await connection.on_stop()


async def _fingerprint_state(settings: InfraSettings, fingerprint: str) -> FingerprintState:
    async with async_driver(settings) as driver:
        store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database)
        return await store.fingerprint_state(fingerprint)


def _open_alert(settings: InfraSettings, fingerprint: str) -> AlertRaised:
    async def read() -> AlertRaised:
        async with async_driver(settings) as driver:
            alert = await Neo4jAlertStore(
                driver=driver, database=settings.neo4j_database
            ).open_alert(fingerprint)
        assert alert is not None, "the alert was closed"
        return alert

    return asyncio.run(read())


def test_different_after_same_makes_them_two_again(boy: Boy, neo4j_driver: Driver) -> None:
    candidate, kept, gone = _confirm(boy)
    assert _counted(boy) == (set(), set())

    boy.decide(candidate, "different")
    mentioned = neo4j_driver.execute_query(queries.MENTIONED_BY, id=gone)[0][0]["report_ids"]
    assert set(mentioned) == set(boy.reports[gone])
    assert _young_reports(neo4j_driver, gone) == set(boy.reports[gone])
    assert _young_reports(neo4j_driver, kept) == set(boy.reports[kept])
    hotspot, children = _counted(boy)
    assert {kept, gone} <= hotspot and len(hotspot) == 3
    assert children == {kept, gone}
    # The merged person is someone the resolver finds again: his own name, as he was named.
    assert boy.link(_sighting(boy.named[gone], boy.place), ago=timedelta(days=1)) == [{gone}]


def _merged(driver: Driver, person_id: str) -> bool:
    records, _, _ = driver.execute_query(queries.PERSON_IS_MERGED, person_id=person_id)
    return bool(records[0]["merged"])


def test_the_merged_person_is_labelled_merged_until_different(
    boy: Boy, neo4j_driver: Driver, settings: InfraSettings
) -> None:
    """Linking skips a merged person by the label: `same` sets it, `different` takes it away,
    and the schema migration gives it to people merged before."""
    candidate, kept, gone = _confirm(boy)
    assert _merged(neo4j_driver, gone) and not _merged(neo4j_driver, kept)
    neo4j_driver.execute_query(queries.FORGET_MERGED_LABEL, person_id=gone)
    run_migration(neo4j_driver, "019_merged_label.cypher", database=settings.neo4j_database)
    assert _merged(neo4j_driver, gone) and not _merged(neo4j_driver, kept)

    boy.decide(candidate, "different")
    assert not _merged(neo4j_driver, gone) and not _merged(neo4j_driver, kept)


def test_a_split_of_the_merged_person_counts_the_reports_split_off_apart(boy: Boy) -> None:
    _, kept, gone = _confirm(boy)
    moved = boy.reports[gone]
    response = boy.client.post(
        f"/v1/persons/{kept}/split",
        params=PURPOSE,
        json={"report_ids": moved, "reason": "two boys after all"},
        headers=boy.auth,
    )
    assert response.status_code == 201, response.text
    boy.decision_ids.append(response.json()["id"])
    new = split_person_id(kept, moved)
    hotspot, children = _counted(boy)
    assert {kept, new} <= hotspot and len(hotspot) == 3
    assert children == {kept, new}


def test_an_alert_updated_after_same_or_different_is_explained_as_a_full_read_would(
    boy: Boy, settings: InfraSettings
) -> None:
    """`same` and `different` move reports' mentions and links between the two people, which
    no report the next update adds mentions: the update is explained as a whole read explains
    it, not from the alert's last version, whose links and names of them no longer hold."""
    jayden, jaden = boy.named

    def seen_there(child: dict[str, Any], ago: timedelta) -> None:
        boy.link(_sighting(child, boy.place), ago=ago)

    seen_there(_child(f"Bea Synth{boy.tag}", "2010-04-11"), timedelta(days=2))

    def saved(at: timedelta) -> AlertRaised:
        (found,) = _run(settings, shared_hotspot, boy.place_id)
        alert = record(settings, found, now=NOW + at)
        assert alert is not None
        whole = explained_whole(settings, alert)
        assert (alert.subgraph, alert.visibility) == (whole.subgraph, whole.visibility)
        return alert

    raised = saved(timedelta(0))
    assert {jayden, jaden} <= {s.id for s in raised.subjects}
    candidate, kept, gone = _confirm(boy)
    seen_there(_child(f"Cai Synth{boy.tag}", "2010-07-21"), timedelta(days=1))
    merged = saved(timedelta(minutes=1))
    assert kept in {s.id for s in merged.subjects} and gone not in {s.id for s in merged.subjects}
    (seen,) = [e for e in merged.subgraph.edges if {e.source, e.target} == {kept, boy.place_id}]
    assert set(boy.reports[gone]) & set(seen.report_ids)  # his other spelling's sighting moved

    boy.decide(candidate, "different")
    seen_there(_child(f"Dan Synth{boy.tag}", "2010-02-14"), timedelta(hours=1))
    apart = saved(timedelta(minutes=2))
    assert {kept, gone} <= {s.id for s in apart.subjects}


def test_an_open_alert_stops_listing_a_person_merged_away_without_a_new_report(
    boy: Boy, settings: InfraSettings, neo4j_driver: Driver
) -> None:
    """After `same`, the place's pattern found again names one boy where the open alert names
    two spellings of him, for the same reports: the alert is updated (it was left as it was
    while only its evidence was compared), and an officer no longer counts him twice."""
    jayden, jaden = boy.named
    bea = _child(f"Bea Synth{boy.tag}", "2010-04-11")
    boy.link(_sighting(bea, boy.place), ago=timedelta(days=2))
    (found,) = _run(settings, shared_hotspot, boy.place_id)
    raised = record(settings, found, now=NOW)
    assert raised is not None and {jayden, jaden} <= {s.id for s in raised.subjects}

    _, kept, gone = _confirm(boy)
    (found,) = _run(settings, shared_hotspot, boy.place_id)
    assert kept in {s.id for s in found.subjects} and gone not in {s.id for s in found.subjects}
    assert set(found.evidence) == set(raised.evidence)  # no report more or fewer
    updated = record(settings, found, now=NOW + timedelta(minutes=1))
    assert updated is not None, "the alert still lists the person merged away"
    assert updated.alert_id == raised.alert_id
    assert gone not in {s.id for s in updated.subjects} and kept in {s.id for s in updated.subjects}
    assert record(settings, found, now=NOW + timedelta(minutes=2)) is None  # and only once

    # An alert saved before digests named subjects is read once, and its digest kept.
    def digest() -> str:
        records, _, _ = neo4j_driver.execute_query(
            queries.OPEN_ALERT_DIGEST, fingerprint=found.fingerprint
        )
        return str(records[0]["digest"])

    assert digest() == evidence_digest(found.evidence, found.subjects)
    neo4j_driver.execute_query(
        queries.SET_OPEN_ALERT_DIGEST, fingerprint=found.fingerprint, digest="evidence only"
    )
    assert record(settings, found, now=NOW + timedelta(minutes=3)) is None
    assert digest() == evidence_digest(found.evidence, found.subjects)
