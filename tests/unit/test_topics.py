"""Topic settings: the reports topic is the system of record and keeps everything."""

from schemas import topics
from tessera_cli.topics import topic_config


def test_reports_topic_keeps_everything() -> None:
    spec = next(s for s in topics.TOPIC_SPECS if s.name == topics.REPORTS)
    assert topic_config(spec)["retention.ms"] == "-1"
    assert spec.cleanup_policy == "delete"


def test_every_topic_has_explicit_partitions_and_a_purpose() -> None:
    assert {s.name for s in topics.TOPIC_SPECS} == {
        topics.REPORTS,
        topics.REPORTS_BULK,
        topics.REPORTS_DEAD_LETTER,
        topics.ENTITIES_LINKED,
        topics.ENTITIES_LINKED_BULK,
        topics.ALERTS,
        topics.RESOLUTION_DECISIONS,
        topics.RETRACTIONS,
        topics.AUDIT,
    }
    assert all(s.partitions >= 1 and s.purpose for s in topics.TOPIC_SPECS)


def test_the_audit_is_kept_forever_and_only_appended_to() -> None:
    spec = next(s for s in topics.TOPIC_SPECS if s.name == topics.AUDIT)
    config = topic_config(spec)
    assert config == {"retention.ms": "-1", "cleanup.policy": "delete"}  # never compacted


def test_decisions_and_retractions_are_kept_forever_in_order() -> None:
    for name in (topics.RESOLUTION_DECISIONS, topics.RETRACTIONS):
        spec = next(s for s in topics.TOPIC_SPECS if s.name == name)
        assert spec.retention_ms == topics.KEEP_FOREVER and spec.partitions == 1


def test_each_bulk_lane_topic_is_kept_as_its_live_twin() -> None:
    specs = {s.name: s for s in topics.TOPIC_SPECS}
    for live, bulk in (
        (topics.REPORTS, topics.REPORTS_BULK),
        (topics.ENTITIES_LINKED, topics.ENTITIES_LINKED_BULK),
    ):
        assert topic_config(specs[bulk]) == topic_config(specs[live])
        assert specs[bulk].partitions == specs[live].partitions
