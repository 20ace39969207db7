"""Every detector the alert service runs, one line per pattern.

`detect` runs, for an entity, the detectors of its kind whose gate its profile passes, together
and in this order.
"""

from services.alerts.detection_context import Detector
from services.alerts.patterns.care_home_targeted import detector as care_home_targeted
from services.alerts.patterns.child_in_custody import detector as child_in_custody
from services.alerts.patterns.co_missing import detector as co_missing
from services.alerts.patterns.condition_breach import detector as condition_breach
from services.alerts.patterns.cuckooing import detector as cuckooing
from services.alerts.patterns.debt_bondage import detector as debt_bondage
from services.alerts.patterns.departure_risk import detector as departure_risk
from services.alerts.patterns.harbouring_adult import detector as harbouring_adult
from services.alerts.patterns.injury_on_return import detector as injury_on_return
from services.alerts.patterns.linked_children import detector as linked_children
from services.alerts.patterns.missing_escalation import detector as missing_escalation
from services.alerts.patterns.out_of_area import detector as out_of_area
from services.alerts.patterns.peer_group_context import detector as peer_group_context
from services.alerts.patterns.shared_hotspot import detector as shared_hotspot
from services.alerts.patterns.trap_house import detector as trap_house
from services.alerts.patterns.vehicle_linked_to_missing import detector as vehicle_linked_to_missing

DETECTORS: tuple[Detector, ...] = (
    *shared_hotspot.DETECTORS,  # P01
    *linked_children.DETECTORS,  # P04, P06 (a), P17
    *missing_escalation.DETECTORS,  # P07
    *injury_on_return.DETECTORS,  # P19
    *harbouring_adult.DETECTORS,  # P04 harbouring
    *vehicle_linked_to_missing.DETECTORS,  # P06 (b)
    *co_missing.DETECTORS,  # P08
    *out_of_area.DETECTORS,  # P09
    *debt_bondage.DETECTORS,  # P15
    *child_in_custody.DETECTORS,  # P23
    *departure_risk.DETECTORS,  # P21
    *peer_group_context.DETECTORS,  # P02
    *trap_house.DETECTORS,  # P11
    *cuckooing.DETECTORS,  # P12
    *care_home_targeted.DETECTORS,  # P14
    *condition_breach.DETECTORS,  # P22
)
