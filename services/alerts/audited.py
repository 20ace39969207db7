"""What the alert service records in the audit when an alert leaves it: on the API, the live
stream and webhooks, each read names every subject the alerts show (their subjects and the
entities of the pictures that explain them)."""

from collections.abc import Iterable

from common.audit.trail import Auditor, record_off_loop
from common.auth import Principal, Role
from schemas.alerts import AlertRaised
from services.alerts.delivery.ports import DeliveryJob


def alert_subject_ids(alerts: Iterable[AlertRaised]) -> list[str]:
    """Every entity the alerts name: their subjects and the nodes of their subgraphs."""
    ids: set[str] = set()
    for alert in alerts:
        ids.update(s.id for s in alert.subjects)
        ids.update(n.id for n in alert.subgraph.nodes)
    return sorted(ids)


class AuditedDeliveries:
    """The DeliveryAudit port on the process's audit trail: a webhook subscription reads as a
    user of its agency and role would, its purpose the subscription itself."""

    def __init__(self, auditor: Auditor) -> None:
        self._auditor = auditor

    async def record_delivery(self, job: DeliveryJob, *, attempt: int) -> None:
        """Record the attempt before the alert is sent; AuditUnavailable keeps it unsent."""
        subscription = job.subscription
        alert = AlertRaised.model_validate_json(job.body)
        await record_off_loop(
            self._auditor,
            reader=Principal(
                user=f"webhook:{subscription.id}",
                agency=subscription.agency,
                role=Role(subscription.role),
            ),
            action="webhook.delivery",
            purpose=f"webhook subscription {subscription.name!r}",
            subject_ids=alert_subject_ids([alert]),
            parameters={
                "subscription": subscription.id,
                "alert_id": job.alert_id,
                "event_id": job.event_id,
                "attempt": attempt,
            },
        )
