"""Who an alert is for: its subjects' home forces and the agencies its visibility names."""

from uuid import UUID

import pytest

from schemas.alerts import AlertRaised, AlertStatus, AlertType, Evidence, Priority
from services.alerts.responsibility import Changer, may_change
from tests.support.factories import NOW

KENT = Changer(
    user="pc.kent",
    agency="Synthetic Kent Police",
    audiences=("all", "agency:Synthetic Kent Police", "sealed:kent", "role:police"),
    agency_audiences=("agency:Synthetic Kent Police", "sealed:kent"),
)
ADMIN = Changer(
    user="admin",
    agency="Synthetic Kent Police",
    audiences=("all", "agency:Synthetic Kent Police", "sealed:kent", "role:admin"),
    agency_audiences=("agency:Synthetic Kent Police", "sealed:kent"),
    admin=True,
)
SHARED = ("all",)
FOR_ESSEX = ("agency:Synthetic Home A", "agency:Synthetic Essex Police")
FOR_KENT = ("agency:Synthetic Home A", "agency:Synthetic Kent Police", "role:police")
SEALED_KENT = ("sealed:kent", "role:police")
ALL_POLICE = ("agency:Synthetic Home A", "role:police")


def _alert(*visibility: tuple[str, ...]) -> AlertRaised:
    return AlertRaised(
        event_id=UUID(int=1),
        occurred_at=NOW,
        alert_id=UUID(int=2),
        type=AlertType.SHARED_HOTSPOT,
        fingerprint="shared_hotspot:location:x",
        status=AlertStatus.OPEN,
        priority=Priority.MEDIUM,
        summary="synthetic",
        subjects=(),
        evidence=tuple(
            Evidence(report_id=UUID(int=100 + i), observed_at=NOW) for i in range(len(visibility))
        ),
        raised_at=NOW,
        updated_at=NOW,
        visibility=visibility,
    )


# changer, the alert's visibility, its subjects' home forces, whether they may change it
CASES = [
    (KENT, (SHARED,), (), True),  # no home force: every force that may see it
    (KENT, (ALL_POLICE,), (), True),
    (KENT, (SHARED,), ("Synthetic Kent Police",), True),
    (KENT, (SHARED,), ("synthetic-kent   POLICE",), True),  # case and punctuation blind
    (KENT, (SHARED,), ("Synthetic Essex Police",), False),  # another force's subject
    (KENT, (SHARED,), ("Synthetic Essex Police", "Synthetic Kent Police"), True),
    (KENT, (SHARED,), ("Synthetic Kent",), False),  # an area is not a force of another name
    (KENT, (SHARED, FOR_KENT), ("Synthetic Essex Police",), True),  # shared with Kent by name
    (KENT, (SEALED_KENT,), ("Synthetic Essex Police",), True),  # Kent's own protected report
    (KENT, (ALL_POLICE,), ("Synthetic Essex Police",), False),  # all police: not Kent by name
    (KENT, (FOR_ESSEX, SHARED), ("Synthetic Essex Police",), False),
    (ADMIN, (SHARED,), ("Synthetic Essex Police",), True),
]


@pytest.mark.parametrize(("changer", "visibility", "home_forces", "allowed"), CASES)
def test_who_may_change_an_alert(
    changer: Changer,
    visibility: tuple[tuple[str, ...], ...],
    home_forces: tuple[str, ...],
    allowed: bool,
) -> None:
    alert = _alert(*visibility)
    assert may_change(alert, changer=changer, home_forces=home_forces) is allowed
