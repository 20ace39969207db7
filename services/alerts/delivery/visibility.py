"""Who may receive an alert, decided from the alert alone (for readers of the alerts topic).

`AlertRaised.visibility` lists, per cited report, the audiences that may see that report. A
receiver may see the alert only when one of its audiences is in every list: the rule
GET /v1/alerts applies in Cypher, here applied to the event itself.

Fail closed: an alert that cites reports but carries fewer lists than it cites reports (an
older or malformed event) is visible to nobody, and so is a list that is empty. An alert that
cites no report at all has nothing to restrict it and is visible to all.
"""

from collections.abc import Sequence

from schemas.alerts import AlertRaised


def may_see(alert: AlertRaised, audiences: Sequence[str]) -> bool:
    """Whether a receiver with these audiences may see the alert (handling code C)."""
    cited = {e.report_id for e in alert.evidence}
    if len(alert.visibility) < len(cited):
        return False
    held = set(audiences)
    return all(any(a in held for a in allowed) for allowed in alert.visibility)
