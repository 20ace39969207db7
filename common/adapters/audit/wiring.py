"""Opens a process's audit trail: its own acks=all producer on the audit topic (as the process's
Kafka principal) and its own Neo4j connection for the copy, so an audit never waits behind the
process's other work."""

import functools

from neo4j import GraphDatabase

from common.adapters.audit.kafka_log import KafkaAuditLog
from common.adapters.audit.neo4j_copy import Neo4jAuditCopy
from common.audit.trail import AuditTrail
from common.kafka_access import kafka_access
from common.settings import InfraSettings

COPY_POOL_SIZE = 10


def open_audit_trail(settings: InfraSettings, *, principal: str, service: str) -> AuditTrail:
    """The process's trail, a new chain, writing as its Kafka principal (KAFKA_USERNAME if set).
    Kafka and Neo4j are reached on first use, so a process starts while either is down (its
    audited reads then answer 503)."""
    driver = GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        max_connection_pool_size=COPY_POOL_SIZE,
    )
    return AuditTrail(
        log=KafkaAuditLog(
            access=functools.partial(kafka_access, settings, default_user=principal),
            topic=settings.tessera_audit_topic,
            timeout_s=settings.tessera_audit_timeout_s,
            service=service,
        ),
        copy=Neo4jAuditCopy(
            driver=driver, database=settings.neo4j_database, topic=settings.tessera_audit_topic
        ),
        service=service,
    )
