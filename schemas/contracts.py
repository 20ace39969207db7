"""The published contracts: JSON Schema for every event and an AsyncAPI document of the topics.

`tessera schemas export` writes them into schemas/json/; a test fails when they are stale.
"""

import json
from typing import Any

from pydantic import BaseModel

from schemas import topics
from schemas.alerts import AlertRaised
from schemas.events import EVENT_TYPES
from schemas.linking import EntitiesLinked
from schemas.reports import ReportCreate, ReportRejected, ReportSubmitted
from schemas.resolution import ResolutionDecided
from schemas.retractions import ReportRetracted, RetractionCreate

ASYNCAPI_FILE = "asyncapi.json"

# Message name -> (model, file, topic it travels on, what it is).
MESSAGES: dict[str, tuple[type[BaseModel], str, str, str]] = {
    "ReportSubmitted": (
        ReportSubmitted,
        "report-submitted.v1.json",
        topics.REPORTS,
        "A report accepted by ingest, or published straight onto the topic by a partner "
        "system. Key: the subject key (one subject's events share a partition).",
    ),
    "ReportRejected": (
        ReportRejected,
        "report-rejected.v1.json",
        topics.REPORTS_DEAD_LETTER,
        "A message from the reports topic that could not be linked, with the reason.",
    ),
    "EntitiesLinked": (
        EntitiesLinked,
        "entities-linked.v1.json",
        topics.ENTITIES_LINKED,
        "The entities one report linked in the graph; triggers the pattern detectors.",
    ),
    "AlertRaised": (
        AlertRaised,
        "alert-raised.v1.json",
        topics.ALERTS,
        "A safeguarding alert raised, updated with new evidence, or changed by a user "
        "(acknowledged, assigned, actioned, closed, feedback): `change` says which. Every "
        "change is one event, in order. Key: its fingerprint.",
    ),
    "ResolutionDecided": (
        ResolutionDecided,
        "resolution-decided.v1.json",
        topics.RESOLUTION_DECISIONS,
        "An analyst's decision (same, different or split), published before it is applied; "
        "replay re-applies them in order.",
    ),
    "ReportRetracted": (
        ReportRetracted,
        "report-retracted.v1.json",
        topics.RETRACTIONS,
        "A report retracted by its agency: its links are withdrawn. Key: the report id.",
    ),
}


# The bulk lane: the same messages as their live twins, on topics of their own (channel names).
BULK_TWINS: dict[str, tuple[str, str]] = {
    topics.REPORTS: (topics.REPORTS_BULK, "reportsBulk"),
    topics.ENTITIES_LINKED: (topics.ENTITIES_LINKED_BULK, "entitiesLinkedBulk"),
}


def _schema(model: type[BaseModel], *, title: str | None = None) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    if title:
        schema["title"] = title
    return schema


def json_schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, for every message and every event type."""
    documents = {file: _schema(model) for model, file, _, _ in MESSAGES.values()}
    documents["report-create.v1.json"] = _schema(ReportCreate)
    documents["retraction-create.v1.json"] = _schema(RetractionCreate)
    for model in EVENT_TYPES:
        kind = model.model_fields["type"].default
        documents[f"events/{kind}.v1.json"] = _schema(model, title=f"{kind} event")
    return documents


def asyncapi() -> dict[str, Any]:
    """An AsyncAPI 3.0 description of Tessera's topics, messages and who sends or receives."""
    specs = {spec.name: spec for spec in topics.TOPIC_SPECS}
    channel_of = {
        topics.REPORTS: "reports",
        topics.REPORTS_DEAD_LETTER: "reportsDeadLetter",
        topics.ENTITIES_LINKED: "entitiesLinked",
        topics.ALERTS: "alerts",
        topics.RESOLUTION_DECISIONS: "resolutionDecisions",
        topics.RETRACTIONS: "retractions",
    }
    channels: dict[str, Any] = {}
    placed = [(name, topic, channel_of[topic]) for name, (_, _, topic, _) in MESSAGES.items()]
    placed += [
        (name, *BULK_TWINS[topic])
        for name, (_, _, topic, _) in MESSAGES.items()
        if topic in BULK_TWINS
    ]
    for name, topic, channel in placed:
        spec = specs[topic]
        channels[channel] = {
            "address": topic,
            "description": spec.purpose,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {
                "kafka": {
                    "partitions": spec.partitions,
                    "topicConfiguration": {
                        "retention.ms": spec.retention_ms,
                        "cleanup.policy": [spec.cleanup_policy],
                    },
                }
            },
        }

    def operation(action: str, channel: str, summary: str) -> dict[str, Any]:
        return {"action": action, "channel": {"$ref": f"#/channels/{channel}"}, "summary": summary}

    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Tessera intelligence events",
            "version": "1.0.0",
            "description": (
                "Topics between Tessera's ingest, network and alert services. Partner systems "
                "may publish ReportSubmitted JSON straight onto intel.reports.v1; anything that "
                "does not validate goes to intel.reports.dlq.v1 with the reason. Consumers "
                "ignore unknown fields, so producers may add fields; a breaking change is a new "
                "type on a new .v2 topic."
            ),
        },
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "`make run` on one machine",
            },
        },
        "channels": channels,
        "operations": {
            "publishReport": operation(
                "send", "reports", "Ingest (and partner systems) publish accepted reports."
            ),
            "linkReport": operation(
                "receive", "reports", "The network worker links each report into the graph."
            ),
            "publishBulkReport": operation(
                "send", "reportsBulk", "Ingest publishes a batch sent with `lane=bulk` (imports)."
            ),
            "linkBulkReport": operation(
                "receive",
                "reportsBulk",
                "The network worker links bulk-lane reports with an agent of their own, which "
                "gives way to live ones; `tessera replay` reads them with the live reports.",
            ),
            "parkUnreadableReport": operation(
                "send", "reportsDeadLetter", "The network worker parks what it cannot read."
            ),
            "announceLinkedEntities": operation(
                "send", "entitiesLinked", "The network worker says what a report linked."
            ),
            "detectPatterns": operation(
                "receive", "entitiesLinked", "The alert worker runs its detectors."
            ),
            "announceBulkLinkedEntities": operation(
                "send", "entitiesLinkedBulk", "The network worker says what a bulk report linked."
            ),
            "detectBulkPatterns": operation(
                "receive",
                "entitiesLinkedBulk",
                "The alert worker runs its detectors with an agent of its own, giving way to "
                "live work before each entity.",
            ),
            "publishAlert": operation("send", "alerts", "The alert worker raises or updates."),
            "publishDecision": operation(
                "send", "resolutionDecisions", "The analyst API publishes each decision."
            ),
            "replayDecisions": operation(
                "receive", "resolutionDecisions", "`tessera replay` re-applies the decisions."
            ),
            "publishRetraction": operation(
                "send", "retractions", "Ingest publishes a report its agency retracted."
            ),
            "withdrawReport": operation(
                "receive", "retractions", "The network worker withdraws the report's links."
            ),
        },
        "components": {
            "messages": {
                name: {
                    "name": name,
                    "contentType": "application/json",
                    "summary": summary,
                    "payload": {"$ref": f"./{file}"},
                }
                for name, (_, file, _, summary) in MESSAGES.items()
            }
        },
    }


def rendered() -> dict[str, str]:
    """Every contract file as the exporter writes it: file name -> text."""
    files = {
        name: json.dumps(doc, indent=2, sort_keys=True) + "\n"
        for name, doc in json_schemas().items()
    }
    files[ASYNCAPI_FILE] = json.dumps(asyncapi(), indent=2, sort_keys=True) + "\n"
    return files
