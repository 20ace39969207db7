"""Kafka topic names and their settings, the one source both the services and infra use."""

from dataclasses import dataclass

REPORTS = "intel.reports.v1"
REPORTS_DEAD_LETTER = "intel.reports.dlq.v1"
ENTITIES_LINKED = "intel.entities-linked.v1"
ALERTS = "intel.alerts.v1"
RESOLUTION_DECISIONS = "intel.resolution-decisions.v1"
RETRACTIONS = "intel.retractions.v1"

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
        purpose="Analysts' resolution decisions (same, different, split), kept forever so a "
        "rebuilt graph gets them back.",
    ),
    TopicSpec(
        RETRACTIONS,
        partitions=1,
        retention_ms=KEEP_FOREVER,
        purpose="Retracted reports, kept forever: the network worker withdraws their links, "
        "and a rebuilt graph withdraws them again.",
    ),
)
