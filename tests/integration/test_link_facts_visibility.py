"""What the analyst API says of a link is what the reports its caller may see say: a leak hunt.

A link keeps how many reports are behind it and when it was first and last seen, over every
report. A caller who may see only some of them must get the count and the times of those alone,
and the links a busy place shows (its latest ten) must be the latest by what the caller may see:
otherwise a count of two, a time, or which links are shown tells an outside analyst that a
restricted report exists and when it was observed. The same reports, read from inside the
conditions, show the whole count and times, so the tests cannot pass by showing nothing.
"""

import csv
import io
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from common.auth import Role
from common.settings import InfraSettings
from schemas.entities import Place
from schemas.linking import EntitiesLinked
from schemas.reports import ReportCreate, ReportSubmitted
from services.network.analyst.main import create_app
from services.network.config import Settings
from services.network.identities import location_id
from tests.support import queries
from tests.support.factories import id_key, report_json, shared_only_with, submitted
from tests.support.linking import link_events
from tests.support.tokens import bearer_headers

pytestmark = pytest.mark.integration

HOME, POLICE, ANALYSTS = "Synthetic Home A", "Synthetic Police", "Synthetic Analysts"
PURPOSE = {"purpose": "integration test: link facts only from reports the caller may see"}
SHARED_AT, RESTRICTED_AT = "2026-09-01T10:00:00+00:00", "2026-10-15T10:00:00+00:00"
SHARED_SEEN, RESTRICTED_SEEN = "2026-09-01T10:00:00Z", "2026-10-15T10:00:00Z"


@dataclass
class World:
    client: TestClient
    tokens: dict[str, dict[str, str]]
    ids: dict[str, str]

    def get(self, who: str, path: str, **params: Any) -> Any:
        response = self.client.get(path, params={**PURPOSE, **params}, headers=self.tokens[who])
        assert response.status_code == 200, response.text
        return response


def _report(event: dict[str, Any], at: str, **envelope: Any) -> ReportCreate:
    return ReportCreate.model_validate({**report_json(event, **envelope), "observed_at": at})


Reading = Callable[[list[ReportSubmitted]], tuple[World, list[EntitiesLinked]]]


@pytest.fixture
def reading(settings: InfraSettings, neo4j_driver: Driver, tmp_path: Path) -> Iterator[Reading]:
    """Links the events given, one after another, and opens the analyst API to an analyst
    outside the restricted reports' conditions and one inside; the reports go afterwards."""
    tokens = bearer_headers(
        tmp_path / "users.json",
        (HOME, POLICE, ANALYSTS),
        {
            "outside": ("a.outside", ANALYSTS, Role.ANALYST),
            "inside": ("p.inside", POLICE, Role.ANALYST),
        },
    )
    written: list[str] = []
    with ExitStack() as stack:

        def read(events: list[ReportSubmitted]) -> tuple[World, list[EntitiesLinked]]:
            written.extend(str(e.event_id) for e in events)
            linked = link_events(settings, events)
            app = create_app(Settings(tessera_auth_file=str(tmp_path / "users.json")))
            client = stack.enter_context(TestClient(app))
            return World(client, tokens, {}), linked

        try:
            yield read
        finally:
            neo4j_driver.execute_query(
                queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=written
            )


def _place_id(place: dict[str, Any]) -> str:
    return location_id(Place.model_validate(place), key=id_key())


@pytest.fixture
def world(reading: Reading) -> World:
    tag = uuid.uuid4().hex[:6]
    house = {"name": f"Synthetic House {tag}", "postcode": "ZZ99 4HS", "category": "care_home"}
    park = {"name": f"Synthetic Park {tag}", "postcode": "ZZ99 9ZZ", "category": "park"}

    def ava(placement: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": f"Ava Synth{tag}",
            "role": "young_person",
            "home_postcode": "ZZ99 1AV",
            "phones": ["07700 900471"],
            "placement": placement,
        }

    # The restricted report is linked first, so each node was made from what it said (its
    # spelling of the house and the park, and what it calls the park).
    restricted = _report(
        {
            "type": "sighting",
            "persons": [ava({**house, "name": house["name"].upper()})],
            "place": {**park, "name": park["name"].upper(), "category": "off_licence"},
        },
        RESTRICTED_AT,
        grading=shared_only_with(POLICE),
    )
    shared = _report(
        {
            "type": "sighting",
            "persons": [ava(house), {"name": f"Ben Synth{tag}", "role": "young_person"}],
            "place": park,
        },
        SHARED_AT,
    )
    world, linked = reading([submitted(restricted, agency=POLICE), submitted(shared, agency=HOME)])
    people = [{e.id for e in one.entities if e.kind == "person"} for one in linked]
    (ava_id,) = people[0] & people[1]
    world.ids.update(
        ava=ava_id,
        park=_place_id(park),
        house=_place_id(house),
        phone=next(e.id for e in linked[1].entities if e.kind == "phone"),
    )
    return world


def _edge(body: dict[str, Any], a: str, b: str) -> dict[str, Any]:
    edges: list[dict[str, Any]] = body["edges"]
    (edge,) = [e for e in edges if {e["source"], e["target"]} == {a, b}]
    return edge


def _facts(edge: dict[str, Any]) -> tuple[int, str, str]:
    return edge["count"], edge["first_seen"], edge["last_seen"]


@pytest.mark.parametrize("other", ["park", "house", "phone"])
def test_a_network_link_counts_and_dates_only_the_reports_its_caller_may_see(
    world: World, other: str
) -> None:
    ava, end = world.ids["ava"], world.ids[other]
    for who, expected in (
        ("outside", (1, SHARED_SEEN, SHARED_SEEN)),
        ("inside", (2, SHARED_SEEN, RESTRICTED_SEEN)),
    ):
        network = world.get(who, f"/v1/entities/{ava}/network", depth=1).json()
        assert _facts(_edge(network, ava, end)) == expected, who
        path = world.get(who, "/v1/paths", source=ava, target=end, max_depth=2).json()
        assert _facts(_edge(path, ava, end)) == expected, who
        exported = world.get(who, f"/v1/entities/{ava}/export", format="csv", depth=1).text
        (row,) = [
            r
            for r in csv.DictReader(io.StringIO(exported))
            if {r["Entity1 ID"], r["Entity2 ID"]} == {ava, end}
        ]
        assert (int(row["Count"]), row["First Seen"], row["Last Seen"]) == expected, who


def test_a_profile_dates_and_names_identifiers_and_placements_from_the_reports_its_caller_may_see(
    world: World,
) -> None:
    ava = world.ids["ava"]
    for who, last_seen in (("outside", SHARED_SEEN), ("inside", RESTRICTED_SEEN)):
        detail = world.get(who, f"/v1/entities/{ava}").json()["person_detail"]
        (phone,) = detail["identifiers"]
        assert (phone["id"], phone["last_seen"]) == (world.ids["phone"], last_seen), who
        (placement,) = detail["placements"]
        assert placement["id"] == world.ids["house"]
        assert (placement["first_seen"], placement["last_seen"]) == (SHARED_SEEN, last_seen), who
        # named as the earliest report the caller may see names it (the node was made from the
        # restricted report's spelling)
        assert placement["name"].startswith("Synthetic House"), who


def test_a_busy_place_shows_the_links_latest_by_the_reports_its_caller_may_see(
    reading: Reading,
) -> None:
    """A school shows its ten latest links; a restricted report on the oldest must not bring
    that link into an outside analyst's ten (which would say the link has a later report)."""
    tag = uuid.uuid4().hex[:6]
    school = {"name": f"Synthetic Academy {tag}", "postcode": "ZZ99 5SC", "category": "school"}
    kids = [f"Kid{chr(ord('a') + i)} Synth{tag}" for i in range(11)]

    def seen(name: str, day: int, **envelope: Any) -> ReportCreate:
        person = {"name": name, "role": "young_person"}
        event = {"type": "sighting", "persons": [person], "place": school}
        return _report(event, f"2026-09-{day:02d}T16:00:00+00:00", **envelope)

    events = [submitted(seen(kid, day), agency=HOME) for day, kid in enumerate(kids, start=1)]
    events.append(submitted(seen(kids[0], 20, grading=shared_only_with(POLICE)), agency=POLICE))
    world, linked = reading(events)
    kid_ids = [next(e.id for e in one.entities if e.kind == "person") for one in linked[:11]]
    shown = {}
    for who in ("outside", "inside"):
        body = world.get(who, f"/v1/entities/{_place_id(school)}/network", depth=1).json()
        assert body["truncated"], who
        shown[who] = {e["source"] for e in body["edges"]}
    assert shown["outside"] == set(kid_ids[1:])  # the ten seen latest in shared reports
    assert shown["inside"] == {kid_ids[0], *kid_ids[2:]}  # the first, seen again on the 20th


def test_a_place_is_busy_only_if_the_reports_its_caller_may_see_say_so(reading: Reading) -> None:
    """Only a police report calls the flat a care home (and came first, so the node says so):
    an outside analyst's network must show all eleven young people seen there, uncut, or the
    cut would tell them a hidden report calls it a care home; police see it as one."""
    tag = uuid.uuid4().hex[:6]
    flat = {"name": f"Synthetic Flat {tag}", "postcode": "ZZ99 6FL"}
    kids = [f"Kid{chr(ord('a') + i)} Synth{tag}" for i in range(11)]

    def seen(name: str, day: int, place: dict[str, Any], **envelope: Any) -> ReportCreate:
        event = {"type": "sighting", "persons": [{"name": name, "role": "young_person"}]}
        return _report({**event, "place": place}, f"2026-09-{day:02d}T16:00:00+00:00", **envelope)

    home = {**flat, "category": "care_home"}
    events = [submitted(seen(kids[0], 1, home, grading=shared_only_with(POLICE)), agency=POLICE)]
    events += [submitted(seen(kid, day, flat), agency=HOME) for day, kid in enumerate(kids, 2)]
    world, linked = reading(events)
    kid_ids = {next(e.id for e in one.entities if e.kind == "person") for one in linked[1:]}
    outside = world.get("outside", f"/v1/entities/{_place_id(flat)}/network", depth=1).json()
    assert not outside["truncated"]
    assert {e["source"] for e in outside["edges"]} == kid_ids
    inside = world.get("inside", f"/v1/entities/{_place_id(flat)}/network", depth=1).json()
    assert inside["truncated"] and len(inside["edges"]) == 10


def test_a_person_is_named_as_the_earliest_report_their_caller_may_see_names_them(
    reading: Reading,
) -> None:
    """A police report, observed first, spells Ava its own way: an outside analyst must see her
    named as the shared report names her, police as their own report does."""
    tag = uuid.uuid4().hex[:6]
    arcade = {"name": f"Synthetic Arcade {tag}", "postcode": "ZZ99 9ZZ"}

    def seen(name: str, at: str, **envelope: Any) -> ReportCreate:
        person = {"name": name, "role": "young_person", "date_of_birth": "2011-03-04"}
        return _report({"type": "sighting", "persons": [person], "place": arcade}, at, **envelope)

    restricted = seen(
        f"AVA SYNTH{tag}", "2026-08-01T10:00:00+00:00", grading=shared_only_with(POLICE)
    )
    shared = seen(f"Ava Synth{tag}", SHARED_AT)
    world, linked = reading([submitted(restricted, agency=POLICE), submitted(shared, agency=HOME)])
    people = [{e.id for e in one.entities if e.kind == "person"} for one in linked]
    (ava,) = people[0] & people[1]
    labels = {}
    for who in ("outside", "inside"):
        body = world.get(who, f"/v1/entities/{ava}/network", depth=1).json()
        labels[who] = next(n["label"] for n in body["nodes"] if n["id"] == ava)
    assert labels == {"outside": f"Ava Synth{tag}", "inside": f"AVA SYNTH{tag}"}


def test_a_path_never_crosses_a_link_only_reports_outside_its_callers_rights_state(
    reading: Reading,
) -> None:
    """Ava and Ben are each seen in a shared report, at different places; only a police report
    associates them. No path joins them for an outside analyst; police get the one link."""
    tag = uuid.uuid4().hex[:6]

    def person(name: str) -> dict[str, Any]:
        return {"name": f"{name} Synth{tag}", "role": "young_person"}

    def sighting(name: str, place: str) -> ReportCreate:
        event = {"type": "sighting", "persons": [person(name)], "place": {"name": place}}
        return _report(event, SHARED_AT)

    association = _report(
        {
            "type": "association",
            "person_a": person("Ava"),
            "person_b": person("Ben"),
            "nature": "friend",
        },
        RESTRICTED_AT,
        grading=shared_only_with(POLICE),
    )
    world, linked = reading(
        [
            submitted(sighting("Ava", f"Synthetic Arcade {tag}"), agency=HOME),
            submitted(sighting("Ben", f"Synthetic Park {tag}"), agency=HOME),
            submitted(association, agency=POLICE),
        ]
    )
    ava, ben = (next(e.id for e in one.entities if e.kind == "person") for one in linked[:2])
    path = {"source": ava, "target": ben, **PURPOSE}
    outside = world.client.get("/v1/paths", params=path, headers=world.tokens["outside"])
    assert outside.status_code == 404, outside.text
    inside = world.get("inside", "/v1/paths", source=ava, target=ben).json()
    assert [(e["source"], e["target"]) for e in inside["edges"]] == [(ava, ben)]


def test_co_presence_names_the_place_as_the_report_that_saw_them_together(world: World) -> None:
    ava = world.ids["ava"]
    for who in ("outside", "inside"):
        items = world.get(who, f"/v1/persons/{ava}/co-presence").json()["items"]
        (together,) = items  # Ben, in the shared report only
        assert together["location_id"] == world.ids["park"]
        assert together["location"].startswith("Synthetic Park"), who
        assert together["category"] == "park", who


def test_a_missing_episode_and_a_departure_name_places_as_their_own_reports_do(
    reading: Reading,
) -> None:
    tag = uuid.uuid4().hex[:6]
    cleo = {"name": f"Cleo Synth{tag}", "role": "young_person", "home_postcode": "ZZ99 1CL"}
    arcade = {"name": f"Synthetic Arcade {tag}", "postcode": "ZZ99 7AR"}
    home = {"name": f"Synthetic Lodge {tag}", "postcode": "ZZ99 7LG", "category": "care_home"}
    restricted = _report(  # makes both places' nodes, with its own spelling
        {
            "type": "sighting",
            "persons": [{**cleo, "placement": {**home, "name": home["name"].upper()}}],
            "place": {**arcade, "name": arcade["name"].upper()},
        },
        SHARED_AT,
        grading=shared_only_with(POLICE),
    )
    found = _report(
        {"type": "missing_ended", "child": cleo, "found_at": RESTRICTED_AT, "found_place": arcade},
        RESTRICTED_AT,
    )
    departed = _report(
        {
            "type": "departed",
            "child": cleo,
            "left_at": RESTRICTED_AT,
            "left_from": home,
            "going_to": arcade,
        },
        RESTRICTED_AT,
    )
    world, linked = reading(
        [
            submitted(restricted, agency=POLICE),
            submitted(found, agency=HOME),
            submitted(departed, agency=HOME),
        ]
    )
    child = next(e.id for e in linked[1].entities if e.kind == "person")
    for who in ("outside", "inside"):
        detail = world.get(who, f"/v1/entities/{child}").json()["person_detail"]
        (episode,) = detail["missing_episodes"]
        assert episode["found_at"].startswith("Synthetic Arcade"), who
        (departure,) = detail["departures"]
        assert departure["left_from"].startswith("Synthetic Lodge"), who
        assert departure["going_to"].startswith("Synthetic Arcade"), who
