"""Kafka topic names and their settings, the one source both the services and infra use."""

import re
from dataclasses import dataclass

REPORTS = "intel.reports.v1"
# The bulk lane: imports travel on their own reports topic, and what they linked on its own
# linked topic, so a live report never waits behind a backlog of imported ones.
REPORTS_BULK = "intel.reports.bulk.v1"
REPORTS_DEAD_LETTER = "intel.reports.dlq.v1"
ENTITIES_LINKED = "intel.entities-linked.v1"
ENTITIES_LINKED_BULK = "intel.entities-linked.bulk.v1"
ALERTS = "intel.alerts.v1"
RESOLUTION_DECISIONS = "intel.resolution-decisions.v1"
RETRACTIONS = "intel.retractions.v1"
AUDIT = "intel.audit.v1"
# Each partner agency publishes to its own inbound topic, which only its principal may write:
# intel.partner.<agency slug>.reports.v1 (partner_reports_topic).
PARTNER_PREFIX = "intel.partner."
PARTNER_SUFFIX = ".reports.v1"

KEEP_FOREVER = -1
DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """How a topic is created: partitions, retention and cleanup policy."""

    name: str
    partitions: int
    retention_ms: int
    cleanup_policy: str = "delete"
    purpose: str = ""


TOPIC_SPECS: tuple[TopicSpec, ...] = (
    TopicSpec(
        REPORTS,
        partitions=6,
        retention_ms=KEEP_FOREVER,
        purpose="System of record: every accepted report, kept forever to rebuild the graph from.",
    ),
    TopicSpec(
        REPORTS_BULK,
        partitions=6,
        retention_ms=KEEP_FOREVER,
        purpose="System of record too: reports sent on the bulk lane (`tessera import`), kept "
        "forever; replay merges them with the live reports in time order.",
    ),
    TopicSpec(
        REPORTS_DEAD_LETTER,
        partitions=1,
        retention_ms=KEEP_FOREVER,
        purpose="Messages the network worker could not parse, with the reason; kept for review.",
    ),
    TopicSpec(
        ENTITIES_LINKED,
        partitions=6,
        retention_ms=7 * DAY_MS,
        purpose="What each report linked in the graph; triggers the pattern detectors.",
    ),
    TopicSpec(
        ENTITIES_LINKED_BULK,
        partitions=6,
        retention_ms=7 * DAY_MS,
        purpose="What each bulk-lane report linked; a detection agent of its own reads it, so "
        "live events never queue behind it.",
    ),
    TopicSpec(
        ALERTS,
        partitions=3,
        retention_ms=90 * DAY_MS,
        purpose="Raised and updated safeguarding alerts for force systems and dashboards.",
    ),
    # One partition each: replay re-applies them in the order they were made.
    TopicSpec(
        RESOLUTION_DECISIONS,
        partitions=1,
        retention_ms=KEEP_FOREVER,
        purpose="Resolution decisions (same, different, split) by analysts, and the "
        "resolver's automatic merges, kept forever so a rebuilt graph gets them back.",
    ),
    TopicSpec(
        AUDIT,
        partitions=1,
        retention_ms=KEEP_FOREVER,
        purpose="Append-only audit trail of every read of personal data, hash-chained per "
        "writer, kept forever; `tessera audit verify` checks it.",
    ),
    TopicSpec(
        RETRACTIONS,
        partitions=1,
        retention_ms=KEEP_FOREVER,
        purpose="Retracted reports, kept forever: the network worker withdraws their links, "
        "and a rebuilt graph withdraws them again.",
    ),
)


def agency_slug(agency: str) -> str:
    """An agency's name as its topic and principal spell it: 'North Home (A)' -> north-home-a."""
    slug = re.sub(r"[^a-z0-9]+", "-", agency.lower()).strip("-")
    if not slug:
        raise ValueError(f"agency name {agency!r} has no letters or digits")
    return slug


def partner_reports_topic(agency: str, prefix: str = PARTNER_PREFIX) -> str:
    """The inbound topic only the agency's principal may write."""
    return prefix + agency_slug(agency) + PARTNER_SUFFIX


def partner_slug_of_topic(topic: str, prefix: str = PARTNER_PREFIX) -> str | None:
    """The agency slug of a partner inbound topic, or None for any other topic."""
    if topic.startswith(prefix) and topic.endswith(PARTNER_SUFFIX):
        slug = topic[len(prefix) : -len(PARTNER_SUFFIX)]
        return slug or None
    return None
