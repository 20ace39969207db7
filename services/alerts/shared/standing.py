"""What an entity is, as the place patterns take it: its kind and, for a place, its category and
drugs-house status, each with the reports that give it (read once for every detector of the
entity: `shared_reads.py`)."""

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

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


class Categorised(Protocol):
    """A place as a pattern holds it (P01's `Place`, P02's `PeerAnchor`): a frozen dataclass
    with the category's reports, which a busy place's standing does not hold all of."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def id(self) -> str: ...

    @property
    def category(self) -> PlaceCategory | None: ...

    @property
    def category_reports(self) -> Reports: ...

    @property
    def complete(self) -> bool: ...


C = TypeVar("C", bound=Categorised)
