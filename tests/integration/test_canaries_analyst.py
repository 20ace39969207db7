"""The canary suite for the analyst API (issue 13): a leak hunt, not a happy path.

One scenario of six reports about the same young people (a sighting, a vehicle, a phone, a
social-media handle, an association, a missing report). In each run one of them is coded C for
one agency and carries canary values no other report has: a name, a nickname, a date of birth, a
home authority, a phone, a registration, a handle, coordinates and a word of narrative. Every
analyst read (search by name, surname alone, nickname, date of birth, phone, registration and
handle; children missing now; profile, network, paths, co-presence, exports, resolution
candidates) is then made by an analyst outside the conditions, and fails on any canary found;
and again by one inside, and fails when the canaries that read shows are missing, so the suite
cannot pass by showing nothing. Log records the process wrote at INFO or below are searched too.
"""

import logging
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from common.auth import Role
from common.settings import InfraSettings
from schemas.reports import ReportCreate
from services.network.analyst.main import create_app
from services.network.config import Settings
from tests.support import queries
from tests.support.factories import report_json, shared_only_with, submitted, synthetic_nhs_number
from tests.support.linking import link_events
from tests.support.tokens import bearer_headers

pytestmark = pytest.mark.integration

HOME, POLICE, ANALYSTS = "Synthetic Home A", "Synthetic Police", "Synthetic Analysts"
PURPOSE = {"purpose": "canary suite: hunting for leaks of restricted intelligence"}
KINDS = (
    "sighting",
    "vehicle_sighting",
    "phone_contact",
    "social_media",
    "association",
    "missing_reported",
)
RESTRICTED = shared_only_with(POLICE)


@dataclass(frozen=True)
class Canaries:
    """Values only the restricted report states; each is unique to this run."""

    tag: str
    name: str
    nickname: str
    date_of_birth: str
    authority: str
    phone_national: str
    phone_e164: str
    vrm: str
    handle: str
    lat: float
    lon: float
    narrative: str
    nhs_number: str
    home_address: str

    @classmethod
    def made(cls, tag: str) -> "Canaries":
        """Fresh canaries (synthetic: an Ofcom drama-range phone, an invented registration).
        The phone is in London's drama range (020 7946 0xxx), which no synthetic population
        uses: the mobile range's thousand numbers are all a million-report population's."""
        pick = random.Random(tag)  # noqa: S311 - test data, not secrets
        digits = f"{pick.randrange(600, 1000):03d}"
        letters = "".join(pick.choice("ABCDEFGHJKLMNPRSTUVWXY") for _ in range(3))
        return cls(
            tag=tag,
            name=f"Quill Canary{tag}",
            nickname=f"Nibs{tag}",
            date_of_birth=f"2009-{pick.randrange(1, 13):02d}-{pick.randrange(1, 29):02d}",
            authority=f"Canaryshire {tag}",
            phone_national=f"020 7946 0{digits}",
            phone_e164=f"+442079460{digits}",
            vrm=f"QZ{pick.randrange(10, 100)} {letters}",
            handle=f"canary.{tag}",
            lat=round(51.0 + pick.random() / 10, 6),
            lon=round(-1.0 - pick.random() / 10, 6),
            narrative=f"Narrwren{tag}",
            nhs_number=synthetic_nhs_number(int(tag, 16)),
            home_address=f"{pick.randrange(1, 99)} Canary Row {tag}",
        )

    def strings(self) -> dict[str, str]:
        """What to look for in any answer, by what it is."""
        return {
            "name": f"Canary{self.tag}",
            "nickname": self.nickname,
            "date_of_birth": self.date_of_birth,
            "authority": self.authority,
            "phone": self.phone_e164.removeprefix("+44"),
            "vrm": self.vrm.replace(" ", ""),
            "handle": self.handle,
            "lat": str(self.lat),
            "narrative": self.narrative,
            "nhs_number": self.nhs_number,
            "home_address": f"Canary Row {self.tag}",
        }

    def shown_by(self, kind: str) -> set[str]:
        """The canaries the analyst API shows to a caller inside the conditions (it never
        shows a report's narrative)."""
        # (The profile's home is the latest visible report's: here a later shared report's
        # postcode, so the restricted address is hunted for but not expected inside.)
        shown = {"nickname", "date_of_birth", "authority", "nhs_number"}
        return (
            shown
            | {
                "sighting": {"name", "lat"},
                "vehicle_sighting": {"name", "vrm"},
                "phone_contact": {"phone"},  # a call names no one but the child
                "social_media": {"name", "handle"},
                "association": {"name"},
                "missing_reported": {"name", "lat"},
            }[kind]
        )


def _ava(tag: str, canaries: Canaries | None) -> dict[str, Any]:
    # One home postcode in every report: the restricted report's dated mention is this child
    # (a date of birth on one side only merges only with something else agreeing).
    ava: dict[str, Any] = {
        "name": f"Ava Synth{tag}",
        "role": "young_person",
        "home_postcode": "ZZ99 1AV",
    }
    if canaries:  # the same child, with what only the restricted report knows of her
        ava |= {
            "nicknames": [canaries.nickname],
            "date_of_birth": canaries.date_of_birth,
            "home_local_authority": canaries.authority,
            "flags": {"learning_disability": True},
            "phones": [canaries.phone_national],
            "nhs_number": canaries.nhs_number,
            "home_address": canaries.home_address,
        }
    return ava


def _event(kind: str, tag: str, canaries: Canaries | None) -> dict[str, Any]:
    ava = _ava(tag, canaries)
    ben = {"name": f"Ben Synth{tag}", "role": "young_person"}
    quill = {"name": canaries.name, "role": "adult", "estimated_age": 30} if canaries else None
    arcade: dict[str, Any] = {"name": f"Synthetic Arcade {tag}", "postcode": "ZZ99 9ZZ"}
    if canaries:
        arcade |= {"coordinates": {"lat": canaries.lat, "lon": canaries.lon}}
    if kind == "sighting":
        return {
            "type": "sighting",
            "persons": [ava, ben, *([quill] if quill else [])],
            "place": arcade,
        }
    if kind == "vehicle_sighting":
        vrm = (
            canaries.vrm
            if canaries
            else f"SY{tag[:2].translate(str.maketrans('abcdef', '123456'))} PLN"
        )
        return {
            "type": "vehicle_sighting",
            "vehicle": {"vrm": vrm},
            "place": arcade,
            "got_in": [ava],
            **({"driver": quill} if quill else {}),
        }
    if kind == "phone_contact":
        number = canaries.phone_national if canaries else "07700 900111"
        return {"type": "phone_contact", "subject": ava, "numbers_used": [number]}
    if kind == "social_media":
        handle = canaries.handle if canaries else f"plain.{tag}"
        return {
            "type": "social_media",
            "subject": ava,
            "platform": "instagram",
            "handle": handle,
            "linked_persons": [ben, *([quill] if quill else [])],
        }
    if kind == "missing_reported":
        return {
            "type": "missing_reported",
            "child": ava,
            "last_seen_at": (datetime.now(UTC) - timedelta(hours=3)).isoformat(),
            "last_seen_place": arcade,
            "known_associates": [quill or ben],
        }
    return {"type": "association", "person_a": ava, "person_b": quill or ben, "nature": "friend"}


@dataclass
class Scenario:
    client: TestClient
    tokens: dict[str, dict[str, str]]
    canaries: Canaries
    kind: str
    tag: str
    entity_ids: set[str]
    answers: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    canary_hits: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def read(self, who: str, path: str, **params: Any) -> Any:
        """Read as `who`; what a successful answer showed is kept (a refusal may repeat what
        the caller asked for, which is no leak)."""
        response = self.client.get(path, params={**PURPOSE, **params}, headers=self.tokens[who])
        shown = response.text if response.is_success else str(response.status_code)
        self.answers.setdefault(who, []).append((path, shown))
        return response


@pytest.fixture(params=KINDS)
def scenario(
    request: pytest.FixtureRequest, settings: InfraSettings, neo4j_driver: Driver, tmp_path: Path
) -> Iterator[Scenario]:
    kind: str = request.param
    tag = uuid.uuid4().hex[:8]
    canaries = Canaries.made(tag)
    events = []
    for each in KINDS:
        restricted = each == kind
        body = report_json(
            _event(each, tag, canaries if restricted else None),
            **(
                {"grading": RESTRICTED, "narrative": f"Seen {canaries.narrative}."}
                if restricted
                else {}
            ),
        )
        agency = POLICE if restricted else HOME
        events.append(submitted(ReportCreate.model_validate(body), agency=agency))
    linked = link_events(settings, events)
    auth = tmp_path / "users.json"
    tokens = bearer_headers(
        auth,
        (HOME, POLICE, ANALYSTS),
        {
            "outside": ("a.outside", ANALYSTS, Role.ANALYST),
            "inside": ("p.inside", POLICE, Role.ANALYST),
        },
    )
    ids = {e.id for one in linked for e in one.entities}
    assert len(_people_named(neo4j_driver, f"Ava Synth{tag}")) == 1, (
        "every report's Ava must be one child, or the canaries sit on a person no one else sees"
    )
    try:
        with TestClient(create_app(Settings(tessera_auth_file=str(auth)))) as client:
            yield Scenario(client, tokens, canaries, kind, tag, ids)
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES,
            report_ids=[str(e.event_id) for e in events],
        )


def _read_everything(s: Scenario, who: str) -> None:
    """Every analyst read, from every search to every entity it can reach."""
    c = s.canaries
    found = {
        hit["id"] for hit in s.read(who, "/v1/persons", name=f"Ava Synth{s.tag}").json()["items"]
    }
    hits = s.canary_hits.setdefault(who, {})
    for what, params in (
        ("name", {"name": c.name}),
        ("surname", {"name": c.name.split()[-1]}),  # one word of a name alone (issue 18)
        ("nickname", {"name": c.nickname}),
        ("date_of_birth", {"date_of_birth": c.date_of_birth}),
        ("phone", {"phone": c.phone_national}),
        ("vrm", {"vrm": c.vrm}),
        ("handle", {"handle": f"instagram:{c.handle}"}),
    ):
        response = s.read(who, "/v1/persons", **params)
        if response.status_code == 200 and response.json()["items"]:
            hits[what] = [hit["id"] for hit in response.json()["items"]]
            found |= set(hits[what])
    s.read(who, "/v1/missing", limit=200)  # children missing now (issue 18)
    visible = set()
    for entity in sorted(found | s.entity_ids):
        if s.read(who, f"/v1/entities/{entity}").status_code == 200:
            visible.add(entity)
    for entity in sorted(visible):
        network = s.read(who, f"/v1/entities/{entity}/network", depth=2)
        assert network.status_code == 200, network.text
        for fmt in ("csv", "graphml"):
            s.read(who, f"/v1/entities/{entity}/export", format=fmt, depth=2)
        if entity.startswith("person:"):
            s.read(who, f"/v1/persons/{entity}/co-presence")
            s.read(who, "/v1/resolution/candidates", person_id=entity, status="pending")
    people = sorted(v for v in visible if v.startswith("person:"))
    for source in people:
        for target in people:
            if source < target:
                s.read(who, "/v1/paths", source=source, target=target, max_depth=4)
                s.read(who, f"/v1/persons/{source}/compare/{target}")


def _leaked(answers: list[tuple[str, str]], canaries: Canaries) -> dict[str, list[str]]:
    """Which canaries the answers show, and where (the read and the start of its answer)."""
    leaks: dict[str, list[str]] = {}
    for what, value in canaries.strings().items():
        for path, shown in answers:
            if value.lower() in shown.lower():
                leaks.setdefault(what, []).append(f"{path}: {shown[:200]}")
    return leaks


def test_no_analyst_read_shows_a_canary_outside_the_conditions_and_each_shows_inside(
    scenario: Scenario, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _read_everything(scenario, "outside")
    assert len(scenario.answers["outside"]) > 10, "the outside caller read almost nothing"
    assert _leaked(scenario.answers["outside"], scenario.canaries) == {}
    assert scenario.canary_hits["outside"] == {}, "a search by a canary found someone"
    _read_everything(scenario, "inside")
    shown = _leaked(scenario.answers["inside"], scenario.canaries)
    missing = scenario.canaries.shown_by(scenario.kind) - set(shown)
    assert not missing, f"the caller inside the conditions does not see {sorted(missing)}"
    shown_by = scenario.canaries.shown_by(scenario.kind)
    searchable = (shown_by | ({"surname"} if "name" in shown_by else set())) & {
        "surname",
        "nickname",
        "date_of_birth",
        "vrm",
        "phone",
        "handle",
    }
    assert searchable <= set(scenario.canary_hits["inside"]), "a canary search found no one inside"
    quiet = [(r.name, r.getMessage()) for r in caplog.records if r.levelno <= logging.INFO]
    assert _leaked(quiet, scenario.canaries) == {}


def _people_named(driver: Driver, name: str) -> set[str]:
    records, _, _ = driver.execute_query(queries.PEOPLE_NAMED, name=name)
    return {r["id"] for r in records}
