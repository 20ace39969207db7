"""HTTP adapter of the analyst API: parse, audit, call one use case, answer."""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from common.adapters.audit.http import AuditDep, Purpose
from common.audit.trail import Auditor
from common.auth import Principal
from common.visibility import audiences_of
from schemas.grading import IntelligenceAssessment, SourceEvaluation
from schemas.graph import LinkType
from schemas.resolution import Reason, ResolutionDecided
from schemas.resolution import Verdict as Decided
from schemas.written_dates import IsoDate, IsoDateTime
from services.network.analyst import decisions
from services.network.analyst.analysis import (
    BUSY_CATEGORIES,
    BUSY_WEIGHT,
    MAX_PATH_DEPTH,
    Network,
    NetworkFilter,
    PersonHit,
    explore_network,
    identifier_id,
    search_persons,
    shortest_path,
)
from services.network.analyst.comparison import (
    Candidate,
    Comparison,
    NotVisible,
    compare_people,
    possible_matches,
)
from services.network.analyst.deps import (
    AdminDep,
    AnalystDep,
    GraphDep,
    MissingReaderDep,
    PublisherDep,
    SettingsDep,
)
from services.network.analyst.exports import to_graphml, to_i2_csv
from services.network.analyst.missing import MissingChild, missing_children
from services.network.analyst.ports import PublishFailed
from services.network.analyst.profiles import PersonDetail, person_detail
from services.network.analyst.reads import Neo4jAnalystGraph
from services.network.config import Settings

router = APIRouter(
    prefix="/v1",
    tags=["network"],
    responses={
        401: {"description": "The bearer token is missing, malformed, unknown or wrong."},
        403: {"description": "Your role may not do this."},
        503: {
            "description": "The graph database is unavailable (retry after Retry-After), or the "
            "query ran out of time (NETWORK_QUERY_TIMEOUT_S, 10 s by default): the detail says "
            "so and how to narrow it. Also when the read could not be recorded in the audit: "
            "then nothing is returned."
        },
    },
)
# What a caller can do about a query that ran out of time.
NARROW_THE_QUERY = (
    "narrow it and try again: a smaller depth or max_depth, a shorter since/until window, "
    "fewer types, a higher min_grading, or a smaller limit"
)

MAX_OFFSET = 1_000_000  # deeper pages are refused (422), never sent to Neo4j
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Limit = Annotated[int, Query(ge=1, le=200)]
EntityId = Annotated[str, Field(min_length=3, max_length=200)]


def _audit(
    audit: Auditor,
    principal: Principal,
    *,
    action: str,
    purpose: str,
    subjects: list[str],
    parameters: dict[str, Any],
) -> None:
    """Record the read before it answers; AuditUnavailable makes it a 503 that returns nothing."""
    audit.record(
        reader=principal,
        action=action,
        purpose=purpose,
        subject_ids=subjects,
        parameters=parameters,
    )


class Page(BaseModel):
    """Paging of a list answer."""

    total: int | None
    offset: int
    limit: int
    next_offset: int | None


def _invalid(loc: tuple[str, ...], message: str) -> RequestValidationError:
    """A 422 shaped as FastAPI's own (the one the description declares), naming the field."""
    return RequestValidationError([{"type": "value_error", "loc": loc, "msg": message}])


def _page(*, offset: int, limit: int, got: int, total: int | None = None) -> Page:
    more = (offset + got < total) if total is not None else got == limit
    return Page(total=total, offset=offset, limit=limit, next_offset=offset + got if more else None)


class PersonSearch(BaseModel):
    """People matching the search, best first."""

    items: list[PersonHit]
    page: Page


@router.get("/persons", response_model=PersonSearch)
def find_persons(
    principal: AnalystDep,
    graph: GraphDep,
    audit: AuditDep,
    purpose: Purpose,
    name: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    date_of_birth: IsoDate | None = None,
    phone: Annotated[str | None, Query(max_length=40)] = None,
    handle: Annotated[
        str | None, Query(max_length=200, description="platform:handle, e.g. instagram:synth.dean")
    ] = None,
    vrm: Annotated[str | None, Query(max_length=20)] = None,
    limit: Limit = 20,
) -> PersonSearch:
    """Search people by fuzzy name, alias or nickname, date of birth, phone, handle or VRM."""
    if not (name or date_of_birth or phone or handle or vrm):
        raise _invalid(("query",), "give at least one of name, date_of_birth, phone, handle or vrm")
    try:
        identifier = identifier_id(phone=phone, handle=handle, vrm=vrm)
    except ValueError as error:
        field = "phone" if phone else "vrm" if vrm else "handle"  # the one identifier_id read
        raise _invalid(("query", field), str(error)) from error
    hits = search_persons(
        name=name,
        date_of_birth=date_of_birth,
        identifier=identifier,
        principal=principal,
        graph=graph,
        limit=limit,
        today=lambda: datetime.now(UTC).date(),
    )
    _audit(
        audit,
        principal,
        action="persons.search",
        purpose=purpose,
        subjects=[h.id for h in hits],
        parameters={"name": name, "date_of_birth": date_of_birth, "identifier": identifier},
    )
    return PersonSearch(items=hits, page=_page(offset=0, limit=limit, got=len(hits)))


class TimelineEntry(BaseModel):
    """A report that mentions the entity."""

    report_id: str
    type: str
    observed_at: str
    grading: str
    part: str
    named_as: str | None
    source_agency: str | None = Field(description="Withheld when the source is protected.")
    police_incident_ref: str | None


class LinkedYoungPerson(BaseModel):
    """A young person named in a report that also mentions the entity."""

    person_id: str
    named_as: str | None
    age: int | None
    report_id: str
    observed_at: str
    part: str


class EntityProfile(BaseModel):
    """An entity, the reports behind it and the young people linked to it over time."""

    entity: dict[str, Any]
    person: dict[str, Any] | None = Field(
        description="For a person: what the reports the caller may see state (names, date of "
        "birth, role, flags, home local authority; the latest home_address and home_postcode; "
        "nhs_numbers, upns, pnc_ids, pnd_ids and la_child_ids, every value given)."
    )
    person_detail: PersonDetail | None = Field(
        default=None,
        description="For a person: phones and handles, placements and schools, missing episodes, "
        "departures and screening status, as the reports the caller may see state them.",
    )
    timeline: list[TimelineEntry]
    young_people: list[LinkedYoungPerson]
    page: Page


def _not_found(entity_id: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no entity {entity_id} that you may see")


NOT_FOUND_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "No entity with this id that you may see."}
}


@router.get("/entities/{entity_id}", response_model=EntityProfile, responses=NOT_FOUND_RESPONSES)
def entity_profile(
    entity_id: str,
    principal: AnalystDep,
    graph: GraphDep,
    audit: AuditDep,
    purpose: Purpose,
    offset: Offset = 0,
    limit: Limit = 50,
) -> EntityProfile:
    """Profile of a person, place, vehicle, phone, handle or group, a page of its timeline.

    Audited as `person.read` (a person) or `entity.read`, with the entity, the young people
    linked to it and the identifiers and placements shown; a refusal is audited too."""
    audiences = audiences_of(principal)
    nodes = graph.nodes([entity_id], audiences=audiences)
    is_person = entity_id.startswith("person:")
    action = "person.read" if is_person else "entity.read"
    parameters = {"offset": offset, "limit": limit}
    if not nodes:
        _audit(
            audit,
            principal,
            action=action,
            purpose=purpose,
            subjects=[entity_id],
            parameters=parameters,
        )
        raise _not_found(entity_id)
    facts = graph.person_facts([entity_id], audiences=audiences) if is_person else []
    detail = graph.person_detail(entity_id, audiences=audiences) if is_person else None
    timeline, total = graph.timeline(
        id=entity_id, audiences=audiences, agency=principal.agency, offset=offset, limit=limit
    )
    young = graph.young_people_linked(id=entity_id, audiences=audiences, offset=offset, limit=limit)
    profile = EntityProfile(
        entity=nodes[0],
        person=facts[0] if facts else None,
        person_detail=person_detail(detail, today=date.today()) if detail else None,
        timeline=[TimelineEntry(**row) for row in timeline],
        young_people=[LinkedYoungPerson(**row) for row in young],
        page=_page(offset=offset, limit=limit, got=len(timeline), total=total),
    )
    shown = profile.person_detail
    _audit(
        audit,
        principal,
        action=action,
        purpose=purpose,
        subjects=[
            entity_id,
            *(y.person_id for y in profile.young_people),
            *(i.id for i in (shown.identifiers if shown else [])),
            *(p.id for p in (shown.placements if shown else [])),
        ],
        parameters=parameters,
    )
    return profile


class CoPresence(BaseModel):
    """Someone seen with the person, where and when."""

    person_id: str
    named_as: str | None
    location_id: str
    location: str | None
    category: str | None
    report_id: str
    observed_at: str
    weight: float


class CoPresencePage(BaseModel):
    """Who was seen with the person, newest first."""

    items: list[CoPresence]
    page: Page


@router.get("/persons/{person_id}/co-presence", response_model=CoPresencePage)
def co_presence(
    person_id: str,
    principal: AnalystDep,
    graph: GraphDep,
    audit: AuditDep,
    purpose: Purpose,
    offset: Offset = 0,
    limit: Limit = 50,
) -> CoPresencePage:
    """Who was seen with the person, where and when; busy places are weighted down."""
    rows = graph.co_presence(
        id=person_id, audiences=audiences_of(principal), offset=offset, limit=limit
    )
    items = [
        CoPresence(**row, weight=BUSY_WEIGHT if row["category"] in BUSY_CATEGORIES else 1.0)
        for row in rows
    ]
    _audit(
        audit,
        principal,
        action="co_presence.read",
        purpose=purpose,
        subjects=[person_id, *(i.person_id for i in items), *(i.location_id for i in items)],
        parameters={"offset": offset, "limit": limit},
    )
    return CoPresencePage(items=items, page=_page(offset=offset, limit=limit, got=len(items)))


class MissingPage(BaseModel):
    """Children missing now, longest missing first."""

    items: list[MissingChild]
    page: Page


@router.get("/missing", response_model=MissingPage)
def missing_now(
    principal: MissingReaderDep,
    graph: GraphDep,
    audit: AuditDep,
    purpose: Purpose,
    offset: Offset = 0,
    limit: Limit = 50,
) -> MissingPage:
    """Children missing now (police, analysts, admins): each one's latest missing episode that
    a report you may see started and none you may see ended, whatever channel reported it, with
    how long they have been missing, where they were last seen and the latest report you may see
    about them since. Audited (`missing.list`) with every child and report shown."""
    items = missing_children(
        principal=principal, graph=graph, now=datetime.now(UTC), offset=offset, limit=limit
    )
    _audit(
        audit,
        principal,
        action="missing.list",
        purpose=purpose,
        subjects=[
            *(i.person_id for i in items),
            *(f"report:{i.report_id}" for i in items),
            *(f"report:{i.seen_since.report_id}" for i in items if i.seen_since),
        ],
        parameters={"offset": offset, "limit": limit},
    )
    return MissingPage(items=items, page=_page(offset=offset, limit=limit, got=len(items)))


class ExportFormat(StrEnum):
    """Formats analysts' tools read."""

    GRAPHML = "graphml"
    CSV = "csv"


Depth = Annotated[int, Query(ge=1, le=3, description="Hops from the entity, 1 to 3.")]
MinGrading = Annotated[
    str | None,
    Query(
        pattern="^[1-3][A-E]$",
        description="Only links backed by a report graded at least this well, e.g. 2B.",
    ),
]
Types = Annotated[list[LinkType] | None, Query(description="Only these relationship types.")]
MaxNodes = Annotated[int, Query(ge=1, le=1000)]


def network_filter(
    depth: Depth = 1,
    since: IsoDateTime | None = None,
    until: IsoDateTime | None = None,
    types: Types = None,
    min_grading: MinGrading = None,
    max_nodes: MaxNodes = 200,
) -> NetworkFilter:
    """The network filters from the query string (shared by the network and export calls)."""
    source, intelligence = SourceEvaluation.NOT_RELIABLE, IntelligenceAssessment.SUSPECTED_FALSE
    if min_grading:
        source = SourceEvaluation(int(min_grading[0]))
        intelligence = IntelligenceAssessment(min_grading[1])
    return NetworkFilter(
        depth=depth,
        since=since,
        until=until,
        types=types or [],
        min_source=source,
        min_intelligence=intelligence,
        max_nodes=max_nodes,
    )


FilterDep = Annotated[NetworkFilter, Depends(network_filter)]


def _network(
    entity_id: str,
    principal: Principal,
    graph: Neo4jAnalystGraph,
    audit: Auditor,
    purpose: str,
    filters: NetworkFilter,
    action: str,
) -> Network:
    network = explore_network(centre=entity_id, filters=filters, principal=principal, graph=graph)
    _audit(
        audit,
        principal,
        action=action,
        purpose=purpose,
        subjects=[entity_id, *(n.id for n in network.nodes)],
        parameters={"depth": filters.depth, "since": filters.since, "until": filters.until},
    )
    if not network.nodes:
        raise _not_found(entity_id)
    return network


@router.get("/entities/{entity_id}/network", response_model=Network, responses=NOT_FOUND_RESPONSES)
def entity_network(
    entity_id: str,
    principal: AnalystDep,
    graph: GraphDep,
    audit: AuditDep,
    purpose: Purpose,
    filters: FilterDep,
) -> Network:
    """The network around any entity: time window, relationship types and minimum grading."""
    return _network(entity_id, principal, graph, audit, purpose, filters, "network.read")


@router.get(
    "/entities/{entity_id}/export",
    responses={200: {"content": {"application/xml": {}, "text/csv": {}}}, **NOT_FOUND_RESPONSES},
)
def export_network(
    entity_id: str,
    principal: AnalystDep,
    graph: GraphDep,
    audit: AuditDep,
    purpose: Purpose,
    filters: FilterDep,
    format_: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.GRAPHML,
) -> Response:
    """The same subgraph as GraphML (Gephi, yEd) or CSV for i2 Analyst's Notebook; audited as
    export.graphml or export.csv with every entity in it."""
    action = f"export.{format_.value}"
    network = _network(entity_id, principal, graph, audit, purpose, filters, action)
    safe = entity_id.replace(":", "_")
    if format_ is ExportFormat.GRAPHML:
        return Response(
            to_graphml(network),
            media_type="application/xml",
            headers={"Content-Disposition": f'attachment; filename="{safe}.graphml"'},
        )
    return Response(
        to_i2_csv(network),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{safe}.csv"'},
    )


@router.get(
    "/paths",
    response_model=Network,
    responses={404: {"description": "No path you may see within max_depth links."}},
)
def path_between(
    source: Annotated[str, Query(min_length=3, max_length=200)],
    target: Annotated[str, Query(min_length=3, max_length=200)],
    principal: AnalystDep,
    graph: GraphDep,
    audit: AuditDep,
    purpose: Purpose,
    max_depth: Annotated[
        int,
        Query(ge=1, le=MAX_PATH_DEPTH, description="Links at most; the search stops there."),
    ] = 4,
) -> Network:
    """The shortest chain of links you may see between two entities, within max_depth."""
    found = shortest_path(
        source=source, target=target, max_depth=max_depth, principal=principal, graph=graph
    )
    _audit(
        audit,
        principal,
        action="path.read",
        purpose=purpose,
        subjects=[source, target, *(n.id for n in (found.nodes if found else []))],
        parameters={"max_depth": max_depth},
    )
    if found is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"no path you may see within {max_depth} links"
        )
    return found


class CandidateStatus(StrEnum):
    """Where a possible match stands."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class CandidatePage(BaseModel):
    """Possible matches, most likely first."""

    items: list[Candidate]
    page: Page


@router.get("/resolution/candidates", response_model=CandidatePage)
def list_candidates(
    principal: AnalystDep,
    graph: GraphDep,
    audit: AuditDep,
    purpose: Purpose,
    status_: Annotated[CandidateStatus | None, Query(alias="status")] = CandidateStatus.PENDING,
    person_id: str | None = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> CandidatePage:
    """POSSIBLE_SAME_AS candidates waiting for (or given) an analyst's decision: those the
    reports you may see would put to an analyst, scored and explained on those reports alone."""
    items = possible_matches(
        graph,
        principal,
        status=status_.value if status_ else None,
        person_id=person_id,
        offset=offset,
        limit=limit,
    )
    _audit(
        audit,
        principal,
        action="candidates.list",
        purpose=purpose,
        subjects=[p for c in items for p in (c.person_a, c.person_b)],
        parameters={"status": status_, "person_id": person_id},
    )
    return CandidatePage(items=items, page=_page(offset=offset, limit=limit, got=len(items)))


@router.get(
    "/persons/{person_id}/compare/{other_id}",
    response_model=Comparison,
    responses=NOT_FOUND_RESPONSES,
)
def compare_persons(
    person_id: str,
    other_id: str,
    principal: AnalystDep,
    graph: GraphDep,
    audit: AuditDep,
    purpose: Purpose,
) -> Comparison:
    """Why two people are, or are not, one person: each field's comparison level and the
    weight it adds, any rule that stops a merge, and whether the worker would merge them, put
    them to an analyst or keep them apart. Scored as the worker scores, on what the reports you
    may see say of each; 404 when either is not visible to you. Audited (`persons.compare`)."""
    try:
        comparison = compare_people(graph, principal, person_a=person_id, person_b=other_id)
    except NotVisible:
        _audit(
            audit,
            principal,
            action="persons.compare",
            purpose=purpose,
            subjects=[],
            parameters={"person_id": person_id, "other_id": other_id},
        )
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such person visible to you") from None
    _audit(
        audit,
        principal,
        action="persons.compare",
        purpose=purpose,
        subjects=[person_id, other_id],
        parameters={"person_id": person_id, "other_id": other_id},
    )
    return comparison


class Verdict(StrEnum):
    """An analyst's decision."""

    SAME = "same"
    DIFFERENT = "different"


class DecisionCreate(BaseModel):
    """Confirm two records are one person, or say they are not (which also undoes a SAME_AS)."""

    model_config = {"extra": "forbid"}

    decision: Verdict
    reason: Reason


class DecisionRecorded(BaseModel):
    """What was decided."""

    id: str
    person_a: str
    person_b: str
    decision: str


DECISION_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body could not be parsed as JSON text (for example, not UTF-8)."},
    503: {
        "description": "Kafka did not acknowledge the decision, so nothing was recorded (or the "
        "graph database is unavailable); retry after Retry-After."
    },
}


def _kafka_down(settings: Settings) -> HTTPException:
    return HTTPException(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "the decision was not recorded because Kafka is unavailable; retry later",
        headers={"Retry-After": str(settings.network_retry_after_s)},
    )


@router.post(
    "/resolution/candidates/{candidate_id}/decision",
    response_model=DecisionRecorded,
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"description": "No candidate with this id between people you may see."},
        **DECISION_RESPONSES,
    },
)
def decide_candidate(
    candidate_id: str,
    body: DecisionCreate,
    principal: AnalystDep,
    graph: GraphDep,
    publisher: PublisherDep,
    settings: SettingsDep,
    audit: AuditDep,
    purpose: Purpose,
) -> DecisionRecorded:
    """Record a decision: `same` merges the two into one person; `different` rejects it."""
    try:
        decided: ResolutionDecided | None = decisions.decide_candidate(
            candidate_id=candidate_id,
            verdict=Decided(body.decision.value),
            reason=body.reason,
            principal=principal,
            graph=graph,
            publisher=publisher,
            topic=settings.network_decisions_topic,
            now=datetime.now(UTC),
            new_id=uuid4,
            linked_topic=settings.network_entities_linked_topic,
        )
    except PublishFailed as error:
        raise _kafka_down(settings) from error
    _audit(
        audit,
        principal,
        action="candidate.decide",
        purpose=purpose,
        subjects=[decided.person_a, decided.person_b] if decided else [],
        parameters={"candidate_id": candidate_id, "decision": body.decision.value},
    )
    if decided is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no candidate {candidate_id}")
    return DecisionRecorded(
        id=decided.decision_id,
        person_a=decided.person_a,
        person_b=decided.person_b,
        decision=decided.decision.value,
    )


MAX_SPLIT_REPORTS = 200


class SplitCreate(BaseModel):
    """The reports whose mentions of the person are someone else, and why."""

    model_config = {"extra": "forbid"}

    report_ids: Annotated[list[UUID], Field(min_length=1, max_length=MAX_SPLIT_REPORTS)]
    reason: Reason


class SplitRecorded(BaseModel):
    """The split: the reports' mentions now belong to the new person, kept apart for good."""

    id: str
    person_id: str
    new_person_id: str
    report_ids: list[UUID]
    decision: str = Decided.SPLIT.value


@router.post(
    "/persons/{person_id}/split",
    response_model=SplitRecorded,
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"description": "No such person, or a report, that you may see."},
        422: {
            "description": "A report does not mention the person, none would stay, or the "
            "body is invalid."
        },
        **DECISION_RESPONSES,
    },
)
def split_person(
    person_id: str,
    body: SplitCreate,
    principal: AnalystDep,
    graph: GraphDep,
    publisher: PublisherDep,
    settings: SettingsDep,
    audit: AuditDep,
    purpose: Purpose,
) -> SplitRecorded:
    """Split a merge: the reports' mentions of the person move to a new person, with the
    links they support; the two are never merged or proposed as a match again."""
    refused: str | None = None
    split: ResolutionDecided | None = None
    try:
        split = decisions.split_person(
            person_id=person_id,
            report_ids=body.report_ids,
            reason=body.reason,
            principal=principal,
            graph=graph,
            publisher=publisher,
            topic=settings.network_decisions_topic,
            now=datetime.now(UTC),
            new_id=uuid4,
            linked_topic=settings.network_entities_linked_topic,
        )
    except decisions.SplitRefused as error:
        refused = str(error)
    except PublishFailed as error:
        raise _kafka_down(settings) from error
    _audit(
        audit,
        principal,
        action="person.split",
        purpose=purpose,
        subjects=[person_id, split.person_b] if split else [person_id],
        parameters={"report_ids": ",".join(sorted(str(r) for r in body.report_ids))},
    )
    if refused is not None:
        raise _invalid(("body", "report_ids"), refused)
    if split is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"no person {person_id} with those reports that you may see"
        )
    return SplitRecorded(
        id=split.decision_id,
        person_id=split.person_a,
        new_person_id=split.person_b,
        report_ids=list(split.report_ids),
    )


class AuditLogEntry(BaseModel):
    """One audited read, as the Neo4j copy of the audit topic holds it."""

    id: str
    at: str
    service: str | None = Field(description="The process that recorded it (unset before 2026-12).")
    user: str
    agency: str
    role: str
    action: str = Field(description="What was read, e.g. alerts.list, person.read, audit.read.")
    purpose: str
    subject_ids: list[str]
    parameters: list[str]
    chain_id: str | None = Field(description="The writer's hash chain; unset on older entries.")
    sequence: int | None
    prev_hash: str | None
    hash: str | None


class AuditPage(BaseModel):
    """Audit entries, newest first."""

    items: list[AuditLogEntry]
    page: Page


@router.get("/audit", response_model=AuditPage)
def audit_log(
    principal: AdminDep,
    graph: GraphDep,
    audit: AuditDep,
    purpose: Purpose,
    user: Annotated[str | None, Query(max_length=200)] = None,
    subject_id: Annotated[str | None, Query(max_length=200)] = None,
    action: Annotated[str | None, Query(max_length=100)] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> AuditPage:
    """Who looked at what, when and why (admins only), from the audit's copy in Neo4j;
    `tessera audit verify` checks it against the topic. This read is audited too (`audit.read`,
    with the subjects of the entries returned)."""
    rows = graph.audit_entries(
        user=user, subject_id=subject_id, action=action, offset=offset, limit=limit
    )
    items = [AuditLogEntry(**row) for row in rows]
    _audit(
        audit,
        principal,
        action="audit.read",
        purpose=purpose,
        subjects=[s for item in items for s in item.subject_ids],
        parameters={
            "user": user,
            "subject_id": subject_id,
            "action": action,
            "offset": offset,
            "limit": limit,
        },
    )
    return AuditPage(items=items, page=_page(offset=offset, limit=limit, got=len(items)))
