"""What an entity is, as the place patterns take it: its kind and, for a place, its category and
drugs-house status, each with the reports that give it (read once for every detector of the
entity: `shared_reads.py`)."""

from dataclasses import dataclass, field

from schemas.entities import PlaceCategory
from services.alerts.shared.provenance import Reports


@dataclass(frozen=True, slots=True)
class Standing:
    """The entity's kind; for a place, its category (the earliest report's that is not 'other')
    and whether a report calls it a drugs house, each with the reports that give it."""

    id: str
    kind: str  # location, person, group, vehicle, ...
    category: PlaceCategory | None = None  # for a place
    category_reports: Reports = field(default_factory=dict)
    drugs_house_reports: Reports = field(default_factory=dict)
    # False for a busy place: `category_reports` holds only the earliest, and which others give
    # the category is asked for the reports an alert would cite (`category_given_by`).
    complete: bool = True
