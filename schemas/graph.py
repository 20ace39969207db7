"""The graph contract the services share: every node label, relationship type and shared
property, the audience tokens, and the one writer and reader of the evidence entry on every link.

The network worker writes the graph and the alert detectors and the analyst API read it, so a
name here is the contract between them: every label and relationship type a Cypher statement
names is declared below (tests/unit/test_graph_vocabulary.py fails on any other), and so is
every property of what the network writes that a statement reads or writes.

An evidence entry records one report behind a link as `observed|source|intelligence|audience|
report id`, so Cypher can check a link's time, grading and visibility without reading its
reports. Input can never add a field: audience tokens escape `%` and `|`, and the writer refuses
any field that still holds the separator. Cypher reads a field by the position this module
declares, passed as the `$evidence` map (`split(e, '|')[$evidence.audience]`): no statement
holds a position of its own.
"""

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from types import MappingProxyType

from schemas.grading import Grading, HandlingCode


class Label(StrEnum):
    """Every node label in the graph."""

    # Entities: each also carries ENTITY, and its id is unique across kinds (`person:...`).
    ENTITY = "Entity"
    PERSON = "Person"
    MERGED = "Merged"  # a person an analyst's `same` merged into another, until it is undone
    LOCATION = "Location"
    VEHICLE = "Vehicle"
    PHONE = "Phone"
    HANDLE = "Handle"
    GROUP = "Group"
    PLACEMENT = "Placement"  # a location a report calls a care home or a school
    # What reports state, and what linking keeps to find people by.
    REPORT = "Report"
    MATCH_KEY = "MatchKey"
    MISSING_EPISODE = "MissingEpisode"
    DEPARTURE = "Departure"
    PROTECTIVE_ORDER = "ProtectiveOrder"
    POSTCODE_CENTROID = "PostcodeCentroid"  # reference data (`tessera geo load`)
    RESOLUTION_DECISION = "ResolutionDecision"  # an analyst's same, different or split
    # The alerts service's own: alerts, their outbox and webhook delivery.
    ALERT = "Alert"
    ALERT_HISTORY = "AlertHistory"
    ALERT_OUTBOX_LEASE = "AlertOutboxLease"
    WEBHOOK_SUBSCRIPTION = "WebhookSubscription"
    WEBHOOK_JOB = "WebhookJob"
    WEBHOOK_DELIVERY = "WebhookDelivery"
    # The audit's copy and the applied schema migrations.
    AUDIT_ENTRY = "AuditEntry"
    SCHEMA_MIGRATION = "SchemaMigration"
    UNPUBLISHED_ALERT = "UnpublishedAlert"  # retired: only migrations 005 and 008 name it


# What a report states between two of its entities (services/network/linking/mentions.py),
# written by the network worker with the link properties below. The docstring is the analyst API's
# description of the type (schemas/openapi/network.json).
class LinkType(StrEnum):
    """Relationships between entities; each carries times, counts, reports and gradings."""

    SEEN_AT = "SEEN_AT"  # person -> location: co-presence
    APPROACHED = "APPROACHED"  # approacher -> approached person
    ASSOCIATES_WITH = "ASSOCIATES_WITH"  # person -> person, with the nature
    FOUND_WITH = "FOUND_WITH"  # missing child -> person found with them
    IN_VEHICLE = "IN_VEHICLE"  # person -> vehicle (occupant, driver, got in or out)
    VEHICLE_SEEN_AT = "VEHICLE_SEEN_AT"  # vehicle -> location
    USES_PHONE = "USES_PHONE"  # person -> phone
    CONTACTED_BY = "CONTACTED_BY"  # person -> phone that called or texted them
    HAS_HANDLE = "HAS_HANDLE"  # person -> social handle
    LINKED_ONLINE = "LINKED_ONLINE"  # handle -> person it contacted or follows
    PLACED_AT = "PLACED_AT"  # child -> care home or other placement
    FREQUENTS = "FREQUENTS"  # person -> place named as somewhere they go
    TENANT_OF = "TENANT_OF"  # person -> address
    MEMBER_OF = "MEMBER_OF"  # person -> group
    GROUP_ACTIVE_AT = "GROUP_ACTIVE_AT"  # group -> location
    PHONE_SEIZED_AT = "PHONE_SEIZED_AT"  # phone -> premises
    NO_CONTACT_WITH = "NO_CONTACT_WITH"  # order subject -> protected person
    EXCLUDED_FROM = "EXCLUDED_FROM"  # order subject -> exclusion area
    ATTENDS = "ATTENDS"  # child -> school


class Relationship(StrEnum):
    """Every other relationship type: how reports, facts, decisions and alerts hang together."""

    MENTIONS = "MENTIONS"  # report -> entity, once per part, with what the report said of it
    HAS_KEY = "HAS_KEY"  # person -> match key
    # Resolution: candidates, and analysts' decisions on them.
    POSSIBLE_SAME_AS = "POSSIBLE_SAME_AS"  # person -> person the resolver could not decide
    SAME_AS = "SAME_AS"  # person -> person an analyst confirmed (a link: it carries evidence)
    NOT_SAME_AS = "NOT_SAME_AS"  # person -> the person split from them
    MERGED_INTO = "MERGED_INTO"  # person -> the person a `same` merged them into
    # Facts: missing episodes, departures and protective orders.
    WENT_MISSING = "WENT_MISSING"  # child -> missing episode
    MISSING_FROM = "MISSING_FROM"  # episode -> placement
    FOUND_AT = "FOUND_AT"  # episode -> location
    FOUND_WITH_PERSON = "FOUND_WITH_PERSON"  # episode -> person the child was found with
    DEPARTED = "DEPARTED"  # young person -> departure
    LEFT_FROM = "LEFT_FROM"  # departure -> location
    HEADING_TO = "HEADING_TO"  # departure -> location
    LEAVING_BY = "LEAVING_BY"  # departure -> location (the departure point)
    SUBJECT_OF = "SUBJECT_OF"  # person -> protective order
    PROTECTS = "PROTECTS"  # order -> protected person
    EXCLUDES = "EXCLUDES"  # order -> exclusion area
    CENTRED_ON = "CENTRED_ON"  # order -> location at the centre of its radius
    # Alerts and their delivery.
    HAS_HISTORY = "HAS_HISTORY"  # alert -> one change of it
    ABOUT = "ABOUT"  # alert -> the entity it is about
    CITES = "CITES"  # alert -> report
    HAS_JOB = "HAS_JOB"  # webhook subscription -> delivery job
    ATTEMPTED = "ATTEMPTED"  # delivery job -> one attempt


LABELS: frozenset[str] = frozenset(Label)
RELATIONSHIP_TYPES: frozenset[str] = frozenset(LinkType) | frozenset(Relationship)

# Properties of what the network worker writes, which the alert detectors and the analyst
# API read: every one a statement names on a node or relationship of these labels and types.
# (The alerts', the audit's and the migrations' own nodes are read only by their owner.)
ENTITY_PROPERTIES = frozenset({"id", "kind", "name", "audiences"})
LINK_PROPERTIES = frozenset(
    {"report_ids", "evidence", "detail_entries", "count", "first_seen", "last_seen"}
)
# What each report says of a person, also on the MENTIONS of it and kept by a MERGED_INTO.
_PERSON_FACTS = frozenset(
    {
        "names",
        "nicknames",
        "phones",
        "handles",
        "identifiers",
        "home_postcodes",
        "home_addresses",
        "date_of_birth",
        "birth_year",
    }
)
_PERSON = (
    ENTITY_PROPERTIES
    | _PERSON_FACTS
    | {
        "name_key",
        "role",
        "gender",
        "home_local_authority",
        "learning_disability",
        "looked_after",
        "additional_needs",
        "split_from",
        "split_by",
        # What the reports that are not retracted say of the person that decides whether an
        # alert is raised or how urgent it is, each with those reports (services/alerts/shared/
        # provenance.py Traits): kept as reports are linked, worked out again when one is
        # retracted or moved to another person.
        "young_reports",
        "young_reports_at",
        "needs_reports",
        "needs_reports_at",
        "aged_reports",
        "aged_reports_at",
        "aged_reports_age",
        # For each audience of their reports, the earliest report of it to mention the person
        # and to give them a role other than unknown (`when|report id|audience`, as a place
        # keeps it): the analyst names a person as the earliest report the caller may see does.
        "said_first",
        "said_first_role",
    }
)
# What every entity but a person keeps: its latest links for each audience (`latest_links`,
# LatestLinkField's entries), where each audience's entries are in that list
# (`latest_links_spans`, LatestLinkSpan's entries), and for each audience that had more than
# LATEST_LINKS_KEPT, the latest entry it dropped (`latest_links_cutoff`): the analyst ranks a
# busy place's (or car's, or phone's) links from these instead of reading its every link.
# `keeping` is only ever set and removed at once, to take the entity's write lock before its
# latest links are read.
_KEEPS_LATEST_LINKS = frozenset(
    {"latest_links", "latest_links_spans", "latest_links_cutoff", "keeping"}
)
_LOCATION = (
    ENTITY_PROPERTIES
    | {
        "postcode",
        "category",
        "local_authority",
        "police_force_area",
        "lat",
        "lon",
        "centroid_lat",
        "centroid_lon",
        # Premises status: each with the reports that gave it, so a retraction can take it back.
        "drugs_house",
        "drugs_house_reports",
        "drugs_house_since",
        "drugs_house_report",
        "vulnerable_tenant",
        "vulnerable_tenant_reports",
        "cuckooing_suspected",
        "cuckooing_reports",
        "multiple_callers",
        "multiple_callers_reports",
        # The areas reports give the place (their MENTIONS' local_authority and police_force_area),
        # kept as each report is linked and worked out again when one is retracted: every area
        # given, the earliest and the latest report giving any, and the latest giving an authority.
        "areas",
        "area_first_report",
        "area_first_at",
        "area_latest_report",
        "area_latest_at",
        "area_latest_la",
        "area_latest_pfa",
        "la_latest_report",
        "la_latest_at",
        "la_latest",
        # For each audience of its reports, the earliest report of it to mention the place, to give
        # a category other than "other", and to give coordinates (`audience|when|report id`): the
        # analyst names a place as the earliest report the caller may see does, from these.
        "said_first",
        "said_first_category",
        "said_first_located",
    }
    | _KEEPS_LATEST_LINKS
)
# A car's, a phone's, a handle's or a group's earliest report of each audience (`said_first`,
# as a place keeps it): the analyst names it from these.
_OTHER_ENTITY = ENTITY_PROPERTIES | _KEEPS_LATEST_LINKS | {"said_first"}
_VEHICLE = _OTHER_ENTITY | {"vrm", "vrm_format", "make", "model", "colour"}
_PHONE = _OTHER_ENTITY | {"e164"}
_HANDLE = _OTHER_ENTITY | {"platform", "handle"}
_GROUP = _OTHER_ENTITY
_MENTION = frozenset(
    {
        "part",
        "name",
        "nicknames",
        "young_person",
        "age",
        "date_of_birth",
        "role",
        "gender",
        "home_local_authority",
        "home_address",
        "home_postcode",
        "nhs_number",
        "upn",
        "pnc_id",
        "pnd_id",
        "la_child_id",
        "learning_disability",
        "looked_after",
        "additional_needs",
        "category",
        "lat",
        "lon",
        "local_authority",
        "police_force_area",
    }
)
_REPORT = frozenset(
    {
        "id",
        "type",
        "source_agency",
        "submitted_by",
        "observed_at",
        "reported_at",
        "narrative",
        "grading",
        "source_evaluation",
        "intelligence_assessment",
        "handling_code",
        "handling_agencies",
        "handling_roles",
        "audiences",
        "evidence",
        "source_protected",
        "police_incident_ref",
        "items",
        "screened_on",
        "screening_outcome",
        "screening_risk_level",
        "screening_review_date",
        "retracted",
        "retraction_id",
        "retracted_at",
        "retracted_by",
        "retracted_by_agency",
        "retraction_reason",
    }
)
PROPERTIES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        Label.ENTITY: _PERSON | _LOCATION | _VEHICLE | _PHONE | _HANDLE | _GROUP,
        Label.PERSON: _PERSON,
        Label.LOCATION: _LOCATION,
        Label.PLACEMENT: _LOCATION,
        Label.VEHICLE: _VEHICLE,
        Label.PHONE: _PHONE,
        Label.HANDLE: _HANDLE,
        Label.GROUP: _GROUP,
        Label.REPORT: _REPORT,
        Label.MATCH_KEY: frozenset({"key", "locked"}),
        Label.MISSING_EPISODE: frozenset(
            {
                "id",
                "audiences",
                "started_at",
                "reported_by",
                "police_risk_grading",
                "ended_at",
                "ended_by",
                "circumstances",
                "condition",
                "items",
                "duration_hours",
            }
        ),
        Label.DEPARTURE: frozenset(
            {
                "id",
                "audiences",
                "report_id",
                "left_at",
                "expected_back",
                "meeting",
                "carrying",
                "money_gbp",
                "transport",
                "escorted",
            }
        ),
        Label.PROTECTIVE_ORDER: frozenset(
            {"id", "audiences", "report_id", "kind", "issued_on", "expires_on", "radius_m"}
        ),
        Relationship.MENTIONS: _MENTION,
        Relationship.SAME_AS: LINK_PROPERTIES | {"decision_id"},
        Relationship.POSSIBLE_SAME_AS: frozenset({"id", "score", "reasons", "report_id", "status"}),
        Relationship.NOT_SAME_AS: frozenset({"decision_id", "reason", "decided_at"}),
        Relationship.MERGED_INTO: _PERSON_FACTS | {"decision_id"},
        **dict.fromkeys(LinkType, LINK_PROPERTIES),
    }
)


EVERYONE = "all"
SEPARATOR = "|"


def _escaped(value: str) -> str:
    return value.replace("%", "%25").replace(SEPARATOR, "%7C")


def agency_audience(agency: str) -> str:
    """The audience of one agency's users (its name escaped, so it never holds a separator)."""
    return f"agency:{_escaped(agency)}"


def role_audience(role: str) -> str:
    """The audience of every user of one role."""
    return f"role:{_escaped(role)}"


def granted_audiences(grading: Grading) -> list[str]:
    """Who a report's handling code lets see it beside the agency that made it: everyone (P),
    or the agencies and roles its conditions name (C)."""
    if grading.handling is HandlingCode.P:
        return [EVERYONE]
    conditions = grading.conditions
    agencies = conditions.agencies if conditions else []
    roles = conditions.roles if conditions else []
    return sorted({agency_audience(a) for a in agencies} | {role_audience(r.value) for r in roles})


def sealed_audience(agency: str, key: bytes) -> str:
    """The audience of the agency that made a source-protected report, under a keyed seal.

    Only a process holding the installation's key can tell which agency it is, so the source
    of a protected disclosure is named to no one (on the alerts topic, in an alert's
    visibility); the agency's own users still hold it among their audiences.
    """
    seal = hmac.new(key, agency_audience(agency).encode(), hashlib.sha256).hexdigest()[:32]
    return f"sealed:{seal}"


class EvidenceField(IntEnum):
    """The position of each field in an evidence entry."""

    OBSERVED = 0
    SOURCE = 1
    INTELLIGENCE = 2
    AUDIENCE = 3
    REPORT_ID = 4


def evidence_fields() -> dict[str, int]:
    """The `$evidence` parameter of a statement that reads entries: each field's position by
    its name (`split(e, '|')[$evidence.report_id]`)."""
    return {field.name.lower(): field.value for field in EvidenceField}


FIELDS = len(EvidenceField)


@dataclass(frozen=True, slots=True)
class EvidenceEntry:
    """One report behind a link: when it was observed, its grading, one audience, its id.

    Its fields in the order EvidenceField gives their positions.
    """

    observed: str
    source: str
    intelligence: str
    audience: str
    report_id: str


# Every entity but a person keeps, for each audience, its LATEST_LINKS_KEPT links with the
# latest entries of that audience, one entry a link: `when|audience|link type|the entity at the
# other end|the link's element id` (empty if two links of the type join the two entities, one
# each way: the reader then finds both by their ends), `when` that of the link's latest evidence
# entry of the audience (the fixed-width time evidence entries hold, so entries sort by it as
# text). Every link of an audience whose latest entry is later than the audience's cutoff is
# among them; the analyst reads every link when they cannot answer. Each audience's entries are
# together, latest first (then by the rest of the entry, as text, from the last), and a span
# `audience|start|end` gives where they are in the list (`start` included, `end` not), so a
# reader takes only its audiences' entries, and of those only as many as it shows. The element
# id finds the link without expanding either end; a reader checks that the link it finds has the
# entry's type and ends (an id may be reused once its link is deleted) and otherwise finds it by
# its ends. Kept by services/network/queries.py KEEP_LATEST_LINKS as reports are linked and
# retracted and decisions move them (the entries are written there, in this order).
LATEST_LINKS_KEPT = 128


class LatestLinkField(IntEnum):
    """The position of each field in an entry of an entity's latest links."""

    LAST = 0
    AUDIENCE = 1
    TYPE = 2
    OTHER = 3
    LINK = 4


class LatestLinkSpan(IntEnum):
    """The position of each field in a span of an entity's latest links (`latest_links_spans`):
    one audience's entries are the list's `[START..END]`."""

    AUDIENCE = 0
    START = 1
    END = 2


def latest_link_fields() -> dict[str, int]:
    """The `$latest` parameter of a statement that reads an entity's latest links: the position
    of each field of an entry by its name, and of a span's as `span_<name>`."""
    return {field.name.lower(): field.value for field in LatestLinkField} | {
        f"span_{field.name.lower()}": field.value for field in LatestLinkSpan
    }


def write_evidence(entry: EvidenceEntry) -> str:
    """The entry as the string a link keeps; a field holding the separator is refused."""
    fields = tuple(getattr(entry, field.name.lower()) for field in EvidenceField)
    if any(SEPARATOR in field for field in fields):
        raise ValueError("an evidence field may not contain the separator")
    return SEPARATOR.join(fields)


def read_evidence(text: str) -> EvidenceEntry:
    """The entry a link keeps, read back; anything but five fields is refused."""
    fields = text.split(SEPARATOR)
    if len(fields) != FIELDS:
        raise ValueError(f"an evidence entry has {FIELDS} fields, this one {len(fields)}")
    return EvidenceEntry(**{field.name.lower(): fields[field] for field in EvidenceField})
