"""Who may do what on Kafka: one principal per service and per partner, and their ACLs.

The broker's own account and the CLI's administrator are PLAIN users named in the broker's
configuration (super users); every service and partner is a SCRAM-SHA-512 user that the
administrator creates, with ACLs that allow exactly what that process does and nothing else
(the broker refuses whatever no ACL allows).
"""

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kafka import KafkaAdminClient
from kafka.admin import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
    ScramMechanism,
    UserScramCredentialDeletion,
    UserScramCredentialUpsertion,
)
from pydantic import SecretStr

from common.kafka_access import (
    ADMIN,
    ALERTS,
    ANALYST,
    BRIDGE,
    BROKER,
    INGEST,
    NETWORK,
    PLAIN,
    SCRAM,
    SERVICES,
    WEB,
    Credential,
    KafkaAccess,
    kafka_access,
    read_credential,
)
from common.settings import InfraSettings
from schemas import topics

PARTNER_PREFIX = "partner-"
SCRAM_ITERATIONS = 8192


@dataclass(frozen=True, slots=True)
class TopicNames:
    """The topic of each role, and the consumer group of each worker, under one naming."""

    reports: str = topics.REPORTS
    reports_bulk: str = topics.REPORTS_BULK
    retractions: str = topics.RETRACTIONS
    dead_letters: str = topics.REPORTS_DEAD_LETTER
    linked: str = topics.ENTITIES_LINKED
    linked_bulk: str = topics.ENTITIES_LINKED_BULK
    alerts: str = topics.ALERTS
    decisions: str = topics.RESOLUTION_DECISIONS
    audit: str = topics.AUDIT
    partner_prefix: str = topics.PARTNER_PREFIX
    network_group: str = "tessera-network"
    alerts_group: str = "tessera-alerts"
    bridge_group: str = "tessera-partner-bridge"

    @classmethod
    def renamed(cls, rename: Callable[[str], str], *, group_prefix: str) -> "TopicNames":
        """Every topic under another name, and the groups under a prefix (a private stack)."""
        default = cls()
        return cls(
            **{
                field: rename(getattr(default, field))
                for field in (
                    "reports",
                    "reports_bulk",
                    "retractions",
                    "dead_letters",
                    "linked",
                    "linked_bulk",
                    "alerts",
                    "decisions",
                    "audit",
                    "partner_prefix",
                )
            },
            network_group=f"{group_prefix}-network",
            alerts_group=f"{group_prefix}-alerts",
            bridge_group=f"{group_prefix}-bridge",
        )


@dataclass(frozen=True, slots=True)
class Grant:
    """One allowed operation of one principal on one resource (a name or a name prefix)."""

    principal: str
    operation: ACLOperation
    resource: ResourceType
    name: str
    prefixed: bool = False

    def acl(self) -> ACL:
        """The kafka-python ACL."""
        pattern = (
            ACLResourcePatternType.PREFIXED if self.prefixed else ACLResourcePatternType.LITERAL
        )
        return ACL(
            principal=f"User:{self.principal}",
            host="*",
            operation=self.operation,
            permission_type=ACLPermissionType.ALLOW,
            resource_pattern=ResourcePattern(self.resource, self.name, pattern),
        )


def _read(principal: str, *names: str) -> list[Grant]:
    return [Grant(principal, ACLOperation.READ, ResourceType.TOPIC, name) for name in names]


def _write(principal: str, *names: str) -> list[Grant]:
    return [Grant(principal, ACLOperation.WRITE, ResourceType.TOPIC, name) for name in names]


def _group(principal: str, name: str) -> Grant:
    return Grant(principal, ACLOperation.READ, ResourceType.GROUP, name)


def service_grants(names: TopicNames) -> list[Grant]:
    """What each service's principal may do (READ implies DESCRIBE; WRITE, idempotent writes)."""
    n = names
    return [
        # ingest publishes reports (on either lane) and retractions, and reads a report back
        # by its offset
        *_write(INGEST, n.reports, n.reports_bulk, n.retractions, n.audit),
        *_read(INGEST, n.reports, n.reports_bulk),
        # the network worker links reports (both lanes), retractions and decisions into the
        # graph, and publishes the resolver's automatic decisions (two people found to be one)
        *_read(NETWORK, n.reports, n.reports_bulk, n.retractions, n.decisions),
        *_write(NETWORK, n.linked, n.linked_bulk, n.dead_letters, n.audit, n.decisions),
        _group(NETWORK, n.network_group),
        # the analyst API publishes resolution decisions, and announces the people they
        # changed to the alert worker
        *_write(ANALYST, n.decisions, n.audit, n.linked),
        # the alert worker and API read what was linked and publish alerts and their changes;
        # the worker reads the alerts back to deliver each to the webhooks that may see it
        *_read(ALERTS, n.linked, n.linked_bulk, n.alerts),
        *_write(ALERTS, n.alerts, n.audit),
        _group(ALERTS, n.alerts_group),
        # the web writes its own audit entries; everything else goes through the services
        *_write(WEB, n.audit),
        # the bridge moves partners' inbound reports onto the reports topic
        Grant(BRIDGE, ACLOperation.READ, ResourceType.TOPIC, n.partner_prefix, prefixed=True),
        *_write(BRIDGE, n.reports, n.dead_letters),
        _group(BRIDGE, n.bridge_group),
    ]


def partner_principal(agency: str) -> str:
    """The Kafka principal of a partner agency."""
    return PARTNER_PREFIX + topics.agency_slug(agency)


def partner_topic(agency: str, names: TopicNames = TopicNames()) -> str:
    """The inbound topic only the agency's principal may write."""
    return topics.partner_reports_topic(agency, names.partner_prefix)


def partner_grants(agency: str, names: TopicNames = TopicNames()) -> list[Grant]:
    """A partner writes its own inbound topic, and nothing else."""
    return _write(partner_principal(agency), partner_topic(agency, names))


def admin_access(settings: InfraSettings) -> KafkaAccess:
    """The CLI's administrator on Kafka (a super user named in the broker's configuration)."""
    return kafka_access(settings, default_user=ADMIN)


# ---- credentials -----------------------------------------------------------------------------


def ensure_credential(folder: Path, username: str, mechanism: str = SCRAM) -> Credential:
    """The principal's credentials, made once with a random password."""
    if (folder / f"{username}.json").exists():
        return read_credential(folder, username)
    credential = Credential(username, SecretStr(secrets.token_urlsafe(32)), mechanism)
    credential.save(folder)
    return credential


def ensure_broker_credentials(folder: Path) -> tuple[Credential, Credential]:
    """The broker's and the administrator's PLAIN credentials (named in the broker's config)."""
    return ensure_credential(folder, BROKER, PLAIN), ensure_credential(folder, ADMIN, PLAIN)


def upsert_scram_users(admin: KafkaAdminClient, credentials: Iterable[Credential]) -> None:
    """Create or refresh each SCRAM user on the broker."""
    upserts = [
        UserScramCredentialUpsertion(
            c.username,
            ScramMechanism.SCRAM_SHA_512,
            c.password.get_secret_value(),
            iterations=SCRAM_ITERATIONS,
        )
        for c in credentials
    ]
    if not upserts:
        return
    failures = {
        user: error
        for user, error in admin.alter_user_scram_credentials(upserts).items()
        if error is not None
    }
    if failures:
        raise RuntimeError(f"Kafka refused the SCRAM credentials: {failures}")


def apply_grants(admin: KafkaAdminClient, grants: Iterable[Grant]) -> int:
    """Create the ACLs (creating one that exists changes nothing); how many were asked for."""
    acls = [grant.acl() for grant in grants]
    if acls:
        result = admin.create_acls(acls)
        if result.get("failed"):
            raise RuntimeError(f"Kafka refused ACLs: {result['failed']}")
    return len(acls)


def revoke_grants(access: KafkaAccess, grants: Iterable[Grant]) -> None:
    """Delete these ACLs (a private stack's, when it is taken down)."""
    filters = [
        ACLFilter(
            principal=acl.principal,
            host=acl.host,
            operation=acl.operation,
            permission_type=acl.permission_type,
            resource_pattern=ResourcePatternFilter(
                acl.resource_pattern.resource_type,
                acl.resource_pattern.resource_name,
                acl.resource_pattern.pattern_type,
            ),
        )
        for acl in (grant.acl() for grant in grants)
    ]
    admin = KafkaAdminClient(**access.client_options(), client_id="tessera-cli")
    try:
        if filters:
            admin.delete_acls(filters)
    finally:
        admin.close()


def secure_services(
    access: KafkaAccess, folder: Path, names: TopicNames = TopicNames()
) -> list[str]:
    """Create every service principal (once) and its ACLs for these names; say what was done."""
    credentials = [ensure_credential(folder, service) for service in SERVICES]
    admin = KafkaAdminClient(**access.client_options(), client_id="tessera-cli")
    try:
        upsert_scram_users(admin, credentials)
        count = apply_grants(admin, service_grants(names))
    finally:
        admin.close()
    return [f"kafka principals: {', '.join(SERVICES)} ({count} ACLs)"]


def add_partner(
    access: KafkaAccess, folder: Path, agency: str, names: TopicNames = TopicNames()
) -> tuple[Credential, str]:
    """Create (or refresh) the partner's principal, its inbound topic and its one ACL."""
    from tessera_cli.topics import ensure_topics

    credential = ensure_credential(folder, partner_principal(agency))
    topic = partner_topic(agency, names)
    spec = topics.TopicSpec(
        topic,
        partitions=3,
        retention_ms=7 * topics.DAY_MS,
        purpose=f"Reports {agency} publishes; the bridge moves them to {names.reports}.",
    )
    ensure_topics(access=access, specs=(spec,))
    admin = KafkaAdminClient(**access.client_options(), client_id="tessera-cli")
    try:
        upsert_scram_users(admin, [credential])
        apply_grants(admin, partner_grants(agency, names))
    finally:
        admin.close()
    return credential, topic


def remove_partner(access: KafkaAccess, folder: Path, agency: str) -> list[str]:
    """Revoke the partner: its SCRAM user and its ACLs go, so it can no longer connect or write.

    Its inbound topic stays, so whatever it published before is still forwarded.
    """
    principal = partner_principal(agency)
    admin = KafkaAdminClient(**access.client_options(), client_id="tessera-cli")
    try:
        deleted = admin.delete_acls(
            [
                ACLFilter(
                    principal=f"User:{principal}",
                    host="*",
                    operation=ACLOperation.ANY,
                    permission_type=ACLPermissionType.ANY,
                    resource_pattern=ResourcePatternFilter(
                        ResourceType.ANY, None, ACLResourcePatternType.ANY
                    ),
                )
            ]
        )
        removed = sum(len(acls) for _, acls, _ in deleted)
        errors = admin.alter_user_scram_credentials(
            [UserScramCredentialDeletion(principal, ScramMechanism.SCRAM_SHA_512)]
        )
    finally:
        admin.close()
    (folder / f"{principal}.json").unlink(missing_ok=True)
    (folder / f"{principal}.kcat.conf").unlink(missing_ok=True)
    lines = [f"partner {agency!r}: {removed} ACLs removed"]
    if errors.get(principal) is None:
        lines.append(f"{principal} can no longer sign in to Kafka")
    else:
        lines.append(f"{principal} had no Kafka credentials ({errors[principal]})")
    return lines
