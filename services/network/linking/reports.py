"""Use case: resolve a batch of submitted reports' mentions into graph rows and events."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from schemas.entities import Person
from schemas.events import ScreeningCompleted
from schemas.linking import EntitiesLinked, EntityKind, LinkedEntity
from schemas.reports import ReportSubmitted
from schemas.resolution import ResolutionDecided
from services.network.decision_writes import decision_row
from services.network.identities import (
    audiences,
    evidence_entries,
    group_id,
    handle_id,
    is_young_person,
    location_id,
    name_key,
    new_person_id,
    own_person_id,
    phone_id,
    vehicle_id,
)
from services.network.linking.mentions import Mentions, Ref, mentions_of
from services.network.linking.ports import LinkingStore, ReportGraph
from services.network.linking.rescoring import AutoMerge, automatic_decision, merges_after_gain
from services.network.matching import (
    MAX_CANDIDATES,
    MAX_KEY_SHARING,
    KnownPerson,
    PersonFacts,
    Resolution,
    apart_despite_id,
    blocking_keys,
    facts_of,
    resolve,
)
from services.network.pool import PersonPool


@dataclass(frozen=True, slots=True)
class BatchLinked:
    """What linking a batch did: each report's entities, and the people it found to be one."""

    linked: list[EntitiesLinked]
    decided: list[ResolutionDecided] = field(default_factory=list)


def _facts(person: Person, event: ReportSubmitted) -> PersonFacts:
    return facts_of(
        name=person.name,
        aliases=person.aliases,
        nicknames=person.nicknames,
        date_of_birth=person.date_of_birth,
        estimated_age=person.estimated_age,
        observed_on=event.report.observed_at.date(),
        phones=list(person.phones),
        handles=[f"{h.platform.value}:{h.handle}" for h in person.handles],
        identifiers=person.identifier_keys(),
        home_postcode=person.home_postcode,
        home_address=person.home_address,
    )


def resolve_persons(
    *, facts: list[PersonFacts], new_ids: list[str], own_ids: list[str], pool: PersonPool
) -> list[Resolution]:
    """Resolve each person mention of one report, in order; a person named twice is one.

    `new_ids`: the id each mention's name gives it (identities.new_person_id); the person who
    has it already is the mention's, unless `apart_despite_id` says not: then the mention is
    resolved like any other, and is `own_ids`' if new."""
    resolved: list[Resolution] = []
    this_report: list[KnownPerson] = []
    for mention, id_if_new, own_id in zip(facts, new_ids, own_ids, strict=True):
        fresh = pool.survivor(id_if_new)  # a name and birthday merged away earlier in the batch
        named = next((k.facts for k in this_report if k.id == fresh), None)
        if named is None and fresh in pool:
            named = pool.facts(fresh)
        if named is not None and apart_despite_id(mention, named) is None:
            resolution = Resolution(person_id=fresh, matched=True)
        else:  # candidates are ranked only for a mention its name and birthday do not resolve
            keys = blocking_keys(mention)
            known = pool.candidates(keys, limit=MAX_CANDIDATES) if keys else []
            new_id = fresh if named is None else own_id
            pool_now = [k for k in this_report if k.id != new_id] + known
            resolution = resolve(
                mention=mention, candidates=pool_now if keys else [], new_id=new_id
            )
        resolved.append(resolution)
        this_report.append(KnownPerson(id=resolution.person_id, facts=mention))
    return resolved


async def read_pool(store: LinkingStore, mentions: list[PersonFacts]) -> PersonPool:
    """The people a batch's mentions may be, in one read: for each mention, the candidates
    `resolve_persons` will rank first."""
    keys = [found for facts in mentions if (found := blocking_keys(facts))]
    if not keys:
        return PersonPool([])
    return PersonPool.read(
        await store.people_sharing(keys, max_sharing=MAX_KEY_SHARING, limit=MAX_CANDIDATES)
    )


def _person_row(
    person: Person, part: str, person_id: str, event: ReportSubmitted, facts: PersonFacts
) -> dict[str, Any]:
    day = event.report.observed_at.date()
    return {
        "id": person_id,
        "part": part,
        "name": person.label,
        "name_key": name_key(person),
        "names": list(facts.names),
        "nicknames": list(facts.nicknames),
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "birth_year": facts.birth_year,
        "phones": sorted(facts.phones),
        "handles": sorted(facts.handles),
        "identifiers": sorted(facts.identifiers),
        "home_postcodes": sorted(facts.postcodes),
        "home_addresses": list(facts.addresses),
        "keys": blocking_keys(facts),
        "role": person.role.value,
        "gender": person.gender.value,
        "home_local_authority": person.home_local_authority,
        # What this report said, kept on its MENTIONS and shown only to who may see the report.
        "home_address": person.home_address,
        "home_postcode": person.home_postcode,
        "nhs_number": person.nhs_number,
        "upn": person.upn,
        "pnc_id": person.pnc_id,
        "pnd_id": person.pnd_id,
        "la_child_id": person.la_child_id,
        "learning_disability": person.flags.learning_disability,
        "looked_after": person.flags.looked_after,
        "additional_needs": person.flags.additional_needs,
        "age": person.age_on(day),
        "young_person": is_young_person(person, day),
    }


def report_row(event: ReportSubmitted, found: Mentions, *, key: bytes) -> dict[str, Any]:
    """The report node's properties; `key` seals a protected source's agency."""
    body = event.report
    grading = body.grading
    return {
        "id": str(event.event_id),
        "type": body.event.type,
        "source_agency": event.source_agency,
        "submitted_by": event.submitted_by,
        "observed_at": body.observed_at.isoformat(),
        "reported_at": event.occurred_at.isoformat(),
        "narrative": body.narrative,
        "grading": grading.code,
        "source_evaluation": grading.source.value,
        "intelligence_assessment": grading.intelligence.value,
        "handling_code": grading.handling.value,
        "handling_agencies": grading.conditions.agencies if grading.conditions else [],
        "handling_roles": [r.value for r in grading.conditions.roles] if grading.conditions else [],
        "audiences": audiences(event, key=key),
        "evidence": evidence_entries(event, key=key),
        "source_protected": body.source_protected,
        "police_incident_ref": body.police_incident_ref,
        "items": sorted(set(found.items)),
        **_screening(body.event),
    }


def _screening(event: object) -> dict[str, str | None]:
    """A screening's result, kept on its report for the person's profile; None for others."""
    if not isinstance(event, ScreeningCompleted):
        return dict.fromkeys(SCREENING_FIELDS)
    return {
        "screened_on": event.screened_on.isoformat(),
        "screening_outcome": event.outcome,
        "screening_risk_level": event.risk_level.value if event.risk_level else None,
        "screening_review_date": event.review_date.isoformat() if event.review_date else None,
    }


SCREENING_FIELDS = (
    "screened_on",
    "screening_outcome",
    "screening_risk_level",
    "screening_review_date",
)


def build_report_graph(
    event: ReportSubmitted,
    *,
    found: Mentions | None = None,
    people: list[str] | None = None,
    facts: list[PersonFacts] | None = None,
    report: dict[str, Any] | None = None,
    id_key: bytes,
) -> ReportGraph:
    """Shape the rows to write; `people` are the resolved person ids (else new ids keyed with
    `id_key`), `facts` what each person mention says and `report` its report_row (else worked
    out here)."""
    body = event.report
    found = found if found is not None else mentions_of(body.event)
    if people is None:
        people = [
            new_person_id(p, report_id=event.event_id, index=i, key=id_key)
            for i, (p, _) in enumerate(found.persons)
        ]
    ids: dict[EntityKind, list[str]] = {
        EntityKind.PERSON: people,
        EntityKind.LOCATION: [location_id(place, key=id_key) for place, _ in found.places],
        EntityKind.VEHICLE: [
            vehicle_id(v, report_id=event.event_id, index=i)
            for i, (v, _) in enumerate(found.vehicles)
        ],
        EntityKind.PHONE: [phone_id(number) for number, _ in found.phones],
        EntityKind.HANDLE: [handle_id(h) for h, _ in found.handles],
        EntityKind.GROUP: [group_id(name) for name, _ in found.groups],
    }

    def rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        unique = {(row["id"], row["part"]): row for row in items}
        return list(unique.values())

    if facts is None:
        facts = [_facts(person, event) for person, _ in found.persons]
    persons = [
        _person_row(person, part, pid, event, said)
        for pid, (person, part), said in zip(people, found.persons, facts, strict=True)
    ]
    locations = [
        {
            "id": lid,
            "part": part,
            "name": place.label,
            "postcode": place.postcode,
            "category": place.category.value,
            "local_authority": place.local_authority,
            "police_force_area": place.police_force_area,
            "lat": place.coordinates.lat if place.coordinates else None,
            "lon": place.coordinates.lon if place.coordinates else None,
        }
        for lid, (place, part) in zip(ids[EntityKind.LOCATION], found.places, strict=True)
    ]
    vehicles = [
        {
            "id": vid,
            "part": part,
            "name": vehicle.vrm
            or " ".join(x for x in (vehicle.colour, vehicle.make, vehicle.model) if x)
            or vehicle.description[:60],
            "vrm": vehicle.vrm,
            "vrm_format": vehicle.vrm_format.value if vehicle.vrm_format else None,
            "make": vehicle.make,
            "model": vehicle.model,
            "colour": vehicle.colour,
        }
        for vid, (vehicle, part) in zip(ids[EntityKind.VEHICLE], found.vehicles, strict=True)
    ]
    phones = [
        {"id": pid, "part": part, "name": number, "e164": number}
        for pid, (number, part) in zip(ids[EntityKind.PHONE], found.phones, strict=True)
    ]
    handles = [
        {
            "id": hid,
            "part": part,
            "name": f"{h.platform.value}:{h.handle}",
            "platform": h.platform.value,
            "handle": h.handle,
        }
        for hid, (h, part) in zip(ids[EntityKind.HANDLE], found.handles, strict=True)
    ]
    groups = [
        {"id": gid, "part": part, "name": name}
        for gid, (name, part) in zip(ids[EntityKind.GROUP], found.groups, strict=True)
    ]

    def ref_id(ref: Ref) -> str:
        return ids[ref[0]][ref[1]]

    links: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for link in found.links:
        source, target = ref_id(link.source), ref_id(link.target)
        if source != target:
            links[link.type.value].add((source, target, link.detail))
    report_id = str(event.event_id)

    def maybe(ref: Ref | None) -> str | None:
        return ref_id(ref) if ref is not None else None

    missing_started = [
        {
            "id": f"missing:{report_id}:{i}",
            "child": ref_id(fact.child),
            "started_at": fact.started_at.isoformat(),
            "placement": maybe(fact.placement),
            "police_risk_grading": fact.police_risk_grading,
        }
        for i, fact in enumerate(found.missing_started)
    ]
    departures = [
        {
            "id": f"departure:{report_id}:{i}",
            "child": ref_id(fact.child),
            "left_at": fact.left_at.isoformat(),
            "left_from": maybe(fact.left_from),
            "going_to": maybe(fact.going_to),
            "departure_point": maybe(fact.departure_point),
            "meeting": list(fact.meeting),
            "expected_back": fact.expected_back.isoformat() if fact.expected_back else None,
            "carrying": list(fact.carrying),
            "money_gbp": fact.money_gbp,
            "transport": fact.transport,
            "escorted": fact.escorted,
        }
        for i, fact in enumerate(found.departures)
    ]
    missing_ended = [
        {
            "new_id": f"missing:{report_id}:found:{i}",
            "child": ref_id(fact.child),
            "found_at": fact.found_at.isoformat(),
            "place": maybe(fact.place),
            "companions": [ref_id(c) for c in fact.companions],
            "circumstances": fact.circumstances,
            "condition": list(fact.condition),
        }
        for i, fact in enumerate(found.missing_ended)
    ]
    orders = [
        {
            "id": f"order:{report_id}:{i}",
            "subject": ref_id(fact.subject),
            "kind": fact.kind,
            "issued_on": fact.issued_on.isoformat(),
            "expires_on": fact.expires_on.isoformat() if fact.expires_on else None,
            "radius_m": fact.radius_m,
            "centre": maybe(fact.centre),
            "protected": [ref_id(r) for r in fact.protected],
            "areas": [ref_id(r) for r in fact.areas],
        }
        for i, fact in enumerate(found.orders)
    ]
    statuses = [
        {
            "id": ref_id(fact.place),
            "drugs_house": fact.drugs_house,
            "vulnerable_tenant": fact.vulnerable_tenant,
            "cuckooing": fact.cuckooing,
            "multiple_callers": fact.multiple_callers,
        }
        for fact in found.statuses
    ]
    return ReportGraph(
        report=report if report is not None else report_row(event, found, key=id_key),
        persons=rows(persons),
        locations=rows(locations),
        vehicles=rows(vehicles),
        phones=rows(phones),
        handles=rows(handles),
        groups=rows(groups),
        links={
            kind: [{"source": s, "target": t, "detail": d} for s, t, d in sorted(pairs)]
            for kind, pairs in sorted(links.items())
        },
        missing_started=missing_started,
        departures=departures,
        missing_ended=missing_ended,
        orders=orders,
        statuses=statuses,
    )


def _possible_rows(
    resolutions: list[Resolution], merges: list[AutoMerge], event: ReportSubmitted
) -> list[dict[str, Any]]:
    seen: dict[tuple[str, str], dict[str, Any]] = {}

    def add(one: str, other: str, score: float, reasons: tuple[str, ...]) -> None:
        a, b = sorted((one, other))
        seen[(a, b)] = {
            "id": f"candidate:{a}:{b}",
            "source": a,
            "target": b,
            "score": score,
            "reasons": list(reasons),
            "report_id": str(event.event_id),
        }

    for resolution in resolutions:
        for candidate in resolution.possible:
            add(resolution.person_id, candidate.person_id, candidate.score, candidate.reasons)
    # An automatic merge is decided on a candidate, as an analyst's is.
    for merge in merges:
        add(merge.keep, merge.gone, merge.probability, merge.reasons)
    return list(seen.values())


def learn_and_rescore(
    pool: PersonPool, facts: list[PersonFacts], resolutions: list[Resolution]
) -> list[AutoMerge]:
    """Learn what a report said of its people; score again each known person it added to."""
    gained = [
        resolution.person_id
        for mention, resolution in zip(facts, resolutions, strict=True)
        if pool.learn(resolution.person_id, mention, blocking_keys(mention))
    ]
    # Two people one report mentions are two children seen together, not one.
    mentioned = frozenset(r.person_id for r in resolutions)
    merges: list[AutoMerge] = []
    for person_id in dict.fromkeys(gained):
        merges += merges_after_gain(pool, person_id, apart=mentioned - {person_id})
    return merges


@dataclass(frozen=True, slots=True)
class PreparedReport:
    """What linking needs of a report that no graph read decides, worked out beforehand (the
    worker does it while the batch before is written): its mentions, its report node's row and
    what it says of each person it mentions."""

    id: str
    event: ReportSubmitted
    found: Mentions
    row: dict[str, Any]
    facts: list[PersonFacts]


def prepare_report(event: ReportSubmitted, *, id_key: bytes) -> PreparedReport:
    """A report's mentions, row and person facts: everything of it linking needs but the graph."""
    found = mentions_of(event.report.event)
    return PreparedReport(
        id=str(event.event_id),
        event=event,
        found=found,
        row=report_row(event, found, key=id_key),
        facts=[_facts(person, event) for person, _ in found.persons],
    )


async def link_reports(
    *,
    events: list[ReportSubmitted],
    store: LinkingStore,
    now: datetime,
    new_id: Callable[[], UUID],
    id_key: bytes,
) -> BatchLinked:
    """Prepare a batch of reports and link them (`link_prepared`)."""
    return await link_prepared(
        reports=[prepare_report(e, id_key=id_key) for e in events],
        store=store,
        now=now,
        new_id=new_id,
        id_key=id_key,
    )


async def link_prepared(
    *,
    reports: list[PreparedReport],
    store: LinkingStore,
    now: datetime,
    new_id: Callable[[], UUID],
    id_key: bytes,
) -> BatchLinked:
    """Resolve a batch of prepared reports in order, write them, and say what each linked.

    One read finds the people the batch's mentions may be (each mention's best-ranked candidates);
    each report then sees the people the reports before it created or added to. A person a report
    added to is scored again against their neighbours (rescoring.py): two people now certainly one
    are merged by an automatic decision, returned to be published. A report written before (a
    redelivery) is not written again: its event names what it mentions in the graph.
    """
    unique = {r.id: r for r in reports}
    fresh = await store.open_reports([r.row for r in unique.values()])
    said = {rid: r.facts for rid, r in unique.items() if rid in fresh}
    pool = await read_pool(store, [f for facts in said.values() for f in facts])
    graphs: dict[str, ReportGraph] = {}
    decided: list[ResolutionDecided] = []
    for rid, facts in said.items():
        prepared = unique[rid]
        event = prepared.event
        persons = list(enumerate(prepared.found.persons))
        resolutions = resolve_persons(
            facts=facts,
            new_ids=[
                new_person_id(p, report_id=event.event_id, index=i, key=id_key)
                for i, (p, _) in persons
            ],
            own_ids=[
                own_person_id(report_id=event.event_id, index=i, key=id_key) for i, _ in persons
            ],
            pool=pool,
        )
        ids = [r.person_id for r in resolutions]
        rows = build_report_graph(
            event, found=prepared.found, people=ids, facts=facts, report=prepared.row, id_key=id_key
        )
        merges = learn_and_rescore(pool, facts, resolutions)
        graphs[rid] = replace(rows, possible=_possible_rows(resolutions, merges, event))
        decided += [automatic_decision(m, report_id=rid, now=now) for m in merges]
    if graphs:
        await store.write_reports(list(graphs.values()))
    if decided:
        await store.merge_people([decision_row(d) for d in decided])
    earlier = [rid for rid in unique if rid not in graphs]
    mentioned = await store.entities_of(earlier) if earlier else {}
    return BatchLinked(
        linked=[
            _linked(
                r.event,
                _entities(graphs[r.id]) if r.id in graphs else mentioned.get(r.id, []),
                now=now,
                new_id=new_id,
            )
            for r in reports
        ],
        decided=decided,
    )


async def link_report(
    *,
    event: ReportSubmitted,
    store: LinkingStore,
    now: datetime,
    new_id: Callable[[], UUID],
    id_key: bytes,
) -> EntitiesLinked:
    """Link one report (a batch of one)."""
    batch = await link_reports(events=[event], store=store, now=now, new_id=new_id, id_key=id_key)
    (linked,) = batch.linked
    return linked


def _entities(rows: ReportGraph) -> list[tuple[EntityKind, str]]:
    entities: list[tuple[EntityKind, str]] = []
    for kind, items in (
        (EntityKind.LOCATION, rows.locations),
        (EntityKind.PERSON, rows.persons),
        (EntityKind.VEHICLE, rows.vehicles),
        (EntityKind.PHONE, rows.phones),
        (EntityKind.HANDLE, rows.handles),
        (EntityKind.GROUP, rows.groups),
    ):
        entities += sorted({(kind, item["id"]) for item in items})
    return entities


def _linked(
    event: ReportSubmitted,
    entities: list[tuple[EntityKind, str]],
    *,
    now: datetime,
    new_id: Callable[[], UUID],
) -> EntitiesLinked:
    return EntitiesLinked(
        event_id=new_id(),
        occurred_at=now,
        report_id=event.event_id,
        observed_at=event.report.observed_at,
        entities=tuple(LinkedEntity(kind=kind, id=eid) for kind, eid in entities),
    )
