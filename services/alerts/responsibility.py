"""Who an alert is for, and so who may change it (README: "Who may change an alert").

An alert is for the police forces responsible for its subjects (their home forces: the force
area a report it cites gives for a place it is about, or for the placement or address a person
it is about lives at) and for the agencies its visibility names (one whose restricted report it
cites, plainly or sealed, or one a C report it cites was shared with by name). Police of those
agencies and admins may change it. An alert none of whose subjects has a home force is for
every force that may see it: its visibility alone decides.
"""

from collections.abc import Collection
from dataclasses import dataclass

from schemas.alerts import AlertRaised
from services.alerts.shared.episodes import normalise_area


@dataclass(frozen=True, slots=True)
class Changer:
    """Who asks to change an alert: their name and agency, every audience they see through,
    the audiences that name their agency itself (plain and sealed), and whether they are an
    admin (police otherwise: the API lets no other role ask)."""

    user: str
    agency: str
    audiences: tuple[str, ...]
    agency_audiences: tuple[str, ...]
    admin: bool = False


def named_by_visibility(alert: AlertRaised, *, agency_audiences: Collection[str]) -> bool:
    """Whether the alert's visibility names the agency: a list holds one of its own audiences."""
    own = set(agency_audiences)
    return any(audience in own for allowed in alert.visibility for audience in allowed)


def is_home_force(agency: str, home_forces: Collection[str]) -> bool:
    """Whether the agency is one of the forces, named case- and punctuation-blind."""
    return normalise_area(agency) in {normalise_area(force) for force in home_forces}


def may_change(alert: AlertRaised, *, changer: Changer, home_forces: Collection[str]) -> bool:
    """Whether the changer may change the alert they may see, given its subjects' home forces."""
    if changer.admin or not home_forces:
        return True
    return is_home_force(changer.agency, home_forces) or named_by_visibility(
        alert, agency_audiences=changer.agency_audiences
    )
