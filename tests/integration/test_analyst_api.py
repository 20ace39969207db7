"""The analyst API on the real Neo4j: visibility of handling code C, audit, search, network,
paths, exports and resolution decisions."""

import csv
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405 - parsing our own test output

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from common.auth import Role
from common.settings import InfraSettings
from schemas.reports import ReportCreate
from services.network.analyst.main import create_app
from services.network.config import Settings
from tests.support import queries
from tests.support.factories import report_json, shared_only_with, submitted
from tests.support.linking import link_events
from tests.support.tokens import bearer_headers

pytestmark = pytest.mark.integration

HOME, POLICE, ANALYSTS = "Synthetic Home A", "Synthetic Police", "Synthetic Analysts"
PURPOSE = {"purpose": "integration test of the analyst API"}


@dataclass
class World:
    client: TestClient
    tokens: dict[str, dict[str, str]]
    ids: dict[str, str]
    tag: str

    def get(self, who: str, path: str, **params: Any) -> Any:
        response = self.client.get(path, params={**PURPOSE, **params}, headers=self.tokens[who])
        return response


def _person(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "role": "young_person", "date_of_birth": "2010-05-01", **extra}


@pytest.fixture
def world(
    settings: InfraSettings, neo4j_driver: Driver, tmp_path: Path, decisions_topic: str
) -> Iterator[World]:
    tag = uuid.uuid4().hex[:6]
    shared = ReportCreate.model_validate(
        report_json(
            {
                "type": "sighting",
                "persons": [_person(f"Ava Synth{tag}"), _person(f"Ben Synth{tag}")],
                "place": {"name": f"Synthetic Park {tag}", "postcode": "ZZ99 9ZZ"},
            }
        )
    )
    restricted = ReportCreate.model_validate(
        report_json(
            {
                "type": "sighting",
                "persons": [
                    _person(f"Ava Synth{tag}", nicknames=[f"Avz{tag}"]),
                    {"name": f"Carl Adult{tag}", "role": "adult", "estimated_age": 30},
                ],
                "place": {"name": f"Synthetic Flat {tag}", "category": "private_address"},
            },
            grading=shared_only_with(POLICE),
        )
    )
    events = [submitted(shared, agency=HOME), submitted(restricted, agency=POLICE)]
    linked = link_events(settings, events)
    first = {e.id for e in linked[0].entities if e.kind == "person"}
    second = {e.id for e in linked[1].entities if e.kind == "person"}
    (ava,) = first & second  # the one person in both reports
    ids = {
        "ava": ava,
        "ben": next(iter(first - {ava})),
        "carl": next(iter(second - {ava})),
        "park": next(e.id for e in linked[0].entities if e.kind == "location"),
        "flat": next(e.id for e in linked[1].entities if e.kind == "location"),
    }
    auth = tmp_path / "users.json"
    tokens = bearer_headers(
        auth,
        (HOME, POLICE, ANALYSTS),
        {
            "analyst": ("a.analyst", ANALYSTS, Role.ANALYST),
            "police_analyst": ("p.analyst", POLICE, Role.ANALYST),
            "submitter": ("k.worker", HOME, Role.SUBMITTER),
            "admin": ("an.admin", ANALYSTS, Role.ADMIN),
        },
    )
    app = create_app(Settings(tessera_auth_file=str(auth), network_decisions_topic=decisions_topic))
    try:
        with TestClient(app) as client:
            yield World(client, tokens, ids, tag)
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES,
            report_ids=[str(e.event_id) for e in events],
        )


def _node_ids(body: dict[str, Any]) -> set[str]:
    return {n["id"] for n in body["nodes"]}


def test_handling_code_c_is_invisible_outside_its_conditions(world: World) -> None:
    outsider = world.get("analyst", f"/v1/entities/{world.ids['ava']}/network", depth=2)
    assert outsider.status_code == 200, outsider.text
    seen = _node_ids(outsider.json())
    assert {world.ids["ava"], world.ids["ben"], world.ids["park"]} <= seen
    assert not {world.ids["carl"], world.ids["flat"]} & seen

    insider = world.get("police_analyst", f"/v1/entities/{world.ids['ava']}/network", depth=2)
    assert {world.ids["carl"], world.ids["flat"]} <= _node_ids(insider.json())

    hidden = world.get("analyst", f"/v1/entities/{world.ids['carl']}")
    assert hidden.status_code == 404
    timeline = world.get("analyst", f"/v1/entities/{world.ids['ava']}").json()["timeline"]
    assert len(timeline) == 1  # only the shared report


def test_a_nickname_only_in_a_restricted_report_does_not_find_the_person(world: World) -> None:
    nickname = f"Avz{world.tag}"
    outsider = world.get("analyst", "/v1/persons", name=nickname).json()["items"]
    insider = world.get("police_analyst", "/v1/persons", name=nickname).json()["items"]
    assert world.ids["ava"] not in {h["id"] for h in outsider}
    assert world.ids["ava"] in {h["id"] for h in insider}


def test_fuzzy_search_finds_a_misspelt_name(world: World) -> None:
    hits = world.get("analyst", "/v1/persons", name=f"Ava Synth{world.tag}x").json()["items"]
    assert world.ids["ava"] in {h["id"] for h in hits}


def test_every_read_is_audited_with_user_purpose_and_subjects(world: World) -> None:
    world.get("analyst", f"/v1/entities/{world.ids['ava']}/network")
    log = world.client.get(
        "/v1/audit",
        params={**PURPOSE, "subject_id": world.ids["ava"]},
        headers=world.tokens["admin"],
    )
    assert log.status_code == 200, log.text
    entries = [e for e in log.json()["items"] if e["user"] == "a.analyst"]
    assert entries and entries[0]["action"] == "network.read"
    assert entries[0]["purpose"] == PURPOSE["purpose"]
    assert world.ids["park"] in entries[0]["subject_ids"]


@pytest.mark.parametrize(
    ("who", "params", "expected"),
    [
        ("submitter", PURPOSE, 403),
        (None, PURPOSE, 401),
        ("analyst", {}, 422),  # no stated purpose
    ],
)
def test_roles_purpose_and_authentication(
    world: World, who: str | None, params: dict[str, str], expected: int
) -> None:
    headers = world.tokens[who] if who else {}
    response = world.client.get(
        f"/v1/entities/{world.ids['ava']}/network", params=params, headers=headers
    )
    assert response.status_code == expected
    assert world.client.get("/v1/audit", headers=world.tokens["analyst"]).status_code == 403


def test_shortest_path_respects_visibility(world: World) -> None:
    params = {"source": world.ids["ben"], "target": world.ids["carl"]}
    assert world.get("analyst", "/v1/paths", **params).status_code == 404
    path = world.get("police_analyst", "/v1/paths", **params)
    assert path.status_code == 200, path.text
    assert [n["id"] for n in path.json()["nodes"]][0] == world.ids["ben"]
    assert len(path.json()["edges"]) == 4


def test_a_shortest_path_is_found_within_max_depth_and_not_beyond_it(world: World) -> None:
    """Issue 14: the search looked six links deep whatever max_depth said."""
    ben = world.ids["ben"]
    for target, links in ((world.ids["flat"], 3), (world.ids["carl"], 4)):
        params = {"source": ben, "target": target}
        too_far = world.get("police_analyst", "/v1/paths", max_depth=links - 1, **params)
        assert too_far.status_code == 404, too_far.text
        assert f"within {links - 1} links" in too_far.json()["detail"]
        found = world.get("police_analyst", "/v1/paths", max_depth=links, **params)
        assert found.status_code == 200, found.text
        assert len(found.json()["edges"]) == links


def test_co_presence_names_who_was_seen_together(world: World) -> None:
    rows = world.get("analyst", f"/v1/persons/{world.ids['ava']}/co-presence").json()["items"]
    assert {(r["person_id"], r["location_id"]) for r in rows} == {
        (world.ids["ben"], world.ids["park"])
    }


def test_exports_for_gephi_and_i2(world: World) -> None:
    graphml = world.get(
        "analyst", f"/v1/entities/{world.ids['ava']}/export", format="graphml", depth=2
    )
    assert graphml.status_code == 200
    root = ET.fromstring(graphml.text)  # noqa: S314 - our own output
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert {n.get("id") for n in root.findall(".//g:node", ns)} == {
        world.ids["ava"],
        world.ids["ben"],
        world.ids["park"],
    }
    rows = list(
        csv.DictReader(
            io.StringIO(
                world.get("analyst", f"/v1/entities/{world.ids['ava']}/export", format="csv").text
            )
        )
    )
    assert rows and {r["Link Type"] for r in rows} == {"SEEN_AT"}
    assert all(world.ids["carl"] not in (r["Entity1 ID"], r["Entity2 ID"]) for r in rows)


def test_exports_show_each_reports_grading_and_handling_code(world: World) -> None:
    ava = world.ids["ava"]
    text = world.get("police_analyst", f"/v1/entities/{ava}/export", format="csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    from_ava = {
        (r["Entity2 ID"], r["Gradings"], r["Handling"]) for r in rows if r["Entity1 ID"] == ava
    }
    assert {(world.ids["park"], "2B", "P"), (world.ids["flat"], "1A", "C")} <= from_ava
    graphml = world.get("police_analyst", f"/v1/entities/{ava}/export", format="graphml").text
    assert 'attr.name="handling"' in graphml


def test_an_analyst_confirms_and_then_splits_a_possible_match(
    world: World, settings: InfraSettings, neo4j_driver: Driver
) -> None:
    tag = world.tag
    reports = [
        ReportCreate.model_validate(
            report_json(
                {
                    "type": "sighting",
                    "persons": [{"name": name, "role": "young_person"}],
                    "place": {"name": f"Synthetic Arcade {tag}"},
                }
            )
        )
        for name in (f"Dean Walsh{tag}", f"D. Walsh{tag}")
    ]
    events = [submitted(r) for r in reports]
    try:
        linked = link_events(settings, events)
        dean = next(e.id for e in linked[0].entities if e.kind == "person")
        pending = world.get("analyst", "/v1/resolution/candidates", person_id=dean).json()
        assert len(pending["items"]) == 1
        candidate = pending["items"][0]["id"]
        url = f"/v1/resolution/candidates/{candidate}/decision"
        same = world.client.post(
            url,
            params=PURPOSE,
            json={"decision": "same", "reason": "same school and placement"},
            headers=world.tokens["analyst"],
        )
        assert same.status_code == 201, same.text
        network = world.get("analyst", f"/v1/entities/{dean}/network").json()
        assert "SAME_AS" in {e["type"] for e in network["edges"]}
        # Still listed, as it was before the merge: the merged person keeps the reports it
        # brought, for comparison (a `different` below must be decidable).
        confirmed = world.get(
            "analyst", "/v1/resolution/candidates", person_id=dean, status="confirmed"
        ).json()
        assert [(c["id"], c["status"], c["reasons"]) for c in confirmed["items"]] == [
            (candidate, "confirmed", pending["items"][0]["reasons"])
        ]

        split = world.client.post(
            url,
            params=PURPOSE,
            json={"decision": "different", "reason": "different dates of birth found"},
            headers=world.tokens["analyst"],
        )
        assert split.status_code == 201
        network = world.get("analyst", f"/v1/entities/{dean}/network").json()
        assert "SAME_AS" not in {e["type"] for e in network["edges"]}
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES,
            report_ids=[str(e.event_id) for e in events],
        )


def test_a_same_decision_is_shown_only_to_those_who_may_see_both_people(
    world: World, settings: InfraSettings, neo4j_driver: Driver
) -> None:
    # The SAME_AS link cites the decision once for each audience both people have: an analyst
    # who may see only one of them must not learn from the link that the two are one.
    tag = world.tag
    open_report = report_json(
        {
            "type": "sighting",
            "persons": [{"name": f"Dean Walsh{tag}", "role": "young_person"}],
            "place": {"name": f"Synthetic Arcade {tag}"},
        }
    )
    restricted = report_json(
        {
            "type": "sighting",
            "persons": [{"name": f"D. Walsh{tag}", "role": "young_person"}],
            "place": {"name": f"Synthetic Arcade {tag}"},
        },
        grading=shared_only_with(POLICE),
    )
    events = [
        submitted(ReportCreate.model_validate(open_report), agency=HOME),
        submitted(ReportCreate.model_validate(restricted), agency=POLICE),
    ]
    try:
        linked = link_events(settings, events)
        dean = next(e.id for e in linked[0].entities if e.kind == "person")
        pending = world.get("police_analyst", "/v1/resolution/candidates", person_id=dean).json()
        assert len(pending["items"]) == 1
        same = world.client.post(
            f"/v1/resolution/candidates/{pending['items'][0]['id']}/decision",
            params=PURPOSE,
            json={"decision": "same", "reason": "same school and placement"},
            headers=world.tokens["police_analyst"],
        )
        assert same.status_code == 201, same.text
        insider = world.get("police_analyst", f"/v1/entities/{dean}/network").json()
        assert "SAME_AS" in {e["type"] for e in insider["edges"]}
        outsider = world.get("analyst", f"/v1/entities/{dean}/network").json()
        assert "SAME_AS" not in {e["type"] for e in outsider["edges"]}
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES,
            report_ids=[str(e.event_id) for e in events],
        )


def test_a_possible_match_is_scored_on_what_its_caller_may_see(
    world: World, settings: InfraSettings, neo4j_driver: Driver
) -> None:
    """The worker put Dean and D. Walsh to an analyst on postcodes only police reports give
    ("they live apart", the same district). An analyst outside those reports sees the pair
    scored on the names alone, and nothing of the postcodes; one inside sees the postcodes."""
    tag = world.tag

    def seen(name: str, restricted: bool, **person: Any) -> Any:
        body = report_json(
            {
                "type": "sighting",
                "persons": [{"name": name, "role": "young_person", **person}],
                "place": {"name": f"Synthetic Arcade {tag}"},
            },
            **({"grading": shared_only_with(POLICE)} if restricted else {}),
        )
        return submitted(ReportCreate.model_validate(body), agency=POLICE if restricted else HOME)

    events = [
        seen(f"Dean Walsh{tag}", True, home_postcode="ZZ99 1DW"),
        seen(f"D. Walsh{tag}", True, home_postcode="ZZ99 2DW"),
        seen(f"Dean Walsh{tag}", False),
        seen(f"D. Walsh{tag}", False),
    ]
    try:
        linked = link_events(settings, events)
        dean, walsh = (next(e.id for e in one.entities if e.kind == "person") for one in linked[:2])
        assert {dean, walsh} == {
            next(e.id for e in one.entities if e.kind == "person") for one in linked[2:]
        }, "each shared report's person must be the restricted report's"
        reasons = {}
        for who in ("police_analyst", "analyst"):
            (candidate,) = world.get(who, "/v1/resolution/candidates", person_id=dean).json()[
                "items"
            ]
            assert {candidate["person_a"], candidate["person_b"]} == {dean, walsh}
            pair = f"{candidate['person_a']}/compare/{candidate['person_b']}"
            compared = world.get(who, f"/v1/persons/{pair}").json()
            assert candidate["reasons"] == compared["reasons"], who
            assert candidate["score"] == compared["probability"], who
            reasons[who] = " ".join(candidate["reasons"])
        assert "postcode" in reasons["police_analyst"] and "apart" in reasons["police_analyst"]
        assert "postcode" not in reasons["analyst"] and "apart" not in reasons["analyst"]
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES,
            report_ids=[str(e.event_id) for e in events],
        )


def test_an_offset_beyond_the_last_page_anyone_could_want_is_a_422_naming_it(world: World) -> None:
    """Issue 14: fuzzing found a 500 for a huge offset (Neo4j refused the integer)."""
    for path in (f"/v1/persons/{world.ids['ava']}/co-presence", f"/v1/entities/{world.ids['ava']}"):
        response = world.get("analyst", path, offset=10**19)
        assert response.status_code == 422, response.text
        assert "offset" in response.text


def test_a_path_from_an_entity_to_itself_is_the_entity_alone(world: World) -> None:
    """Issue 14: fuzzing found a 500 (Neo4j refuses a shortest path that ends where it starts)."""
    ava, carl = world.ids["ava"], world.ids["carl"]
    path = world.get("analyst", "/v1/paths", source=ava, target=ava)
    assert path.status_code == 200, path.text
    assert [n["id"] for n in path.json()["nodes"]] == [ava]
    assert path.json()["edges"] == []
    # Carl is named only in a report with handling code C that this analyst may not see.
    assert world.get("analyst", "/v1/paths", source=carl, target=carl).status_code == 404


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({}, ["query"]),
        ({"handle": "myspace:synth.ava"}, ["query", "handle"]),
        ({"name": "Ava", "phone": "not a phone"}, ["query", "phone"]),
    ],
)
def test_a_search_it_cannot_run_is_a_422_naming_the_field(
    world: World, params: dict[str, str], loc: list[str]
) -> None:
    """Shaped as FastAPI's own 422, as the description declares (fuzzing found a bare string)."""
    response = world.get("analyst", "/v1/persons", **params)
    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert error["loc"] == loc and error["msg"]
