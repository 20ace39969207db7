"""What kind of place each category is, and which place patterns it takes part in, with what weight.

domain.md section 4.0 tells the hotspot categories (places where young people are exploited)
from the protective ones (a Youth Zone or a school as a safe space) and from everyday places.
This is the one table of it: the detectors read it, and README's table "Places and the patterns
they take part in" is rendered from it (`markdown_table`, kept equal by a unit test).

- P01 `shared_hotspot` counts distinct young people linked to the place in the window. At a
  hotspot category one fewer is enough (domain.md P01: N - 1). At a protective place, young people
  being there together is what the place is for: they never make a hotspot by themselves, and only
  young people *approached* there count (an adult of concern approaching children outside a youth
  club is risk brought to the place), with the full N. Where children live or learn every day (a
  care home, their school) P01 is never raised: approaches there are P02 on the approacher,
  P04 and P14 evidence instead.
- P02 `peer_group_context` with the place as the anchor counts pupils of one school seen there
  at a hotspot category (or a known drugs house), elsewhere only pupils approached there; never at
  a school or care home (their pupils or residents are there every day). The approacher (a
  person, group or car) is an anchor of its own wherever the approach happened, a school too.
- Patterns that do not depend on the place's category (P04 an adult linked to children, P06
  vehicles, P11 drugs-house status, P22 protective orders) take every place alike.
"""

from dataclasses import dataclass
from enum import StrEnum

from schemas.entities import PlaceCategory


class PlaceKind(StrEnum):
    """What domain.md section 4.0 makes of a category."""

    HOTSPOT = "hotspot"  # in the section 4.0 hotspot list
    EVERYDAY = "everyday"  # neither: a park, an address, anywhere else
    PROTECTIVE = "protective"  # a protective or safe space (section 4.0, last row)
    HOME = "home"  # where children live: a target (P14), never a hotspot


class Counting(StrEnum):
    """Which young people linked to the place count towards a pattern."""

    EVERYONE = "everyone linked"  # seen, approached, found there
    APPROACHED = "approached there"  # only those a report says were approached at the place
    NOBODY = "never"


@dataclass(frozen=True, slots=True)
class PlaceRule:
    """How one category takes part in the place patterns."""

    kind: PlaceKind
    hotspot: Counting  # P01: which young people count
    hotspot_fewer: int  # P01: how many fewer than ALERTS_HOTSPOT_MIN_YOUNG_PEOPLE it needs
    peer_group: Counting  # P02 with the place as the anchor: which pupils count
    also: str = ""  # what else the category takes part in
    basis: str = ""  # where domain.md says so


HOTSPOT = PlaceRule(
    PlaceKind.HOTSPOT, Counting.EVERYONE, 1, Counting.EVERYONE, basis="4.0, P01, S12"
)
EVERYDAY = PlaceRule(PlaceKind.EVERYDAY, Counting.EVERYONE, 0, Counting.APPROACHED, basis="P01")
PROTECTIVE = PlaceRule(
    PlaceKind.PROTECTIVE,
    Counting.APPROACHED,
    0,
    Counting.APPROACHED,
    also="being there together never counts; an adult, group or car approaching children there "
    "is P02 on the approacher, P04 and P06 as anywhere",
    basis="4.0 (Youth Zone safe space)",
)

RULES: dict[PlaceCategory, PlaceRule] = {
    PlaceCategory.TAKE_AWAY: HOTSPOT,
    PlaceCategory.TAXI_RANK: PlaceRule(
        PlaceKind.HOTSPOT,
        Counting.EVERYONE,
        1,
        Counting.EVERYONE,
        also="P21: leaving from it adds a border alert",
        basis="4.0, P21",
    ),
    PlaceCategory.BUS_OR_TRAIN_STATION: PlaceRule(
        PlaceKind.HOTSPOT,
        Counting.EVERYONE,
        1,
        Counting.EVERYONE,
        also="P21: leaving from it adds a border alert",
        basis="4.0, P21",
    ),
    PlaceCategory.OFF_LICENCE: HOTSPOT,
    PlaceCategory.HOTEL: HOTSPOT,
    PlaceCategory.SEASIDE_OR_RURAL_TOWN: HOTSPOT,
    PlaceCategory.TOWN_CENTRE: HOTSPOT,
    PlaceCategory.SHOPPING_CENTRE: HOTSPOT,
    PlaceCategory.SCHOOL: PlaceRule(
        PlaceKind.PROTECTIVE,
        Counting.NOBODY,
        0,
        Counting.NOBODY,
        also="its pupils are a peer group (P02) wherever they are approached; an adult or car "
        "approaching them outside it is P02 on the approacher, P04 and P06",
        basis="4.0 (school safe space, school surroundings), P02",
    ),
    PlaceCategory.YOUTH_CLUB: PROTECTIVE,
    PlaceCategory.SPORTS_CLUB: PROTECTIVE,
    PlaceCategory.LIBRARY: PROTECTIVE,
    PlaceCategory.PLACE_OF_WORSHIP: PROTECTIVE,
    PlaceCategory.HEALTH_SERVICE: PROTECTIVE,
    PlaceCategory.FAMILY_SERVICE: PROTECTIVE,
    PlaceCategory.CARE_HOME: PlaceRule(
        PlaceKind.HOME,
        Counting.NOBODY,
        0,
        Counting.NOBODY,
        also="P14: outsiders linked to its residents; P21: leaving it with luggage",
        basis="4.0 (care homes as targets), P14, P21",
    ),
    PlaceCategory.PRIVATE_ADDRESS: PlaceRule(
        PlaceKind.EVERYDAY,
        Counting.EVERYONE,
        0,
        Counting.APPROACHED,
        also="P11 and P12 once reports give it drugs-house or vulnerable-tenant status",
        basis="P01, P11, P12",
    ),
    PlaceCategory.PARK: EVERYDAY,
    PlaceCategory.OTHER: EVERYDAY,
}


# Places in the hotspot taxonomy (domain.md section 4.0) need one young person fewer (P01), and
# are where pupils seen together make a peer group (P02).
HOTSPOT_CATEGORIES = frozenset(c for c, r in RULES.items() if r.kind is PlaceKind.HOTSPOT)


def rule_of(category: PlaceCategory | None) -> PlaceRule:
    """The rule of a category; a place no report gives a category is an everyday place."""
    return RULES.get(category or PlaceCategory.OTHER, EVERYDAY)


def hotspot_counts(category: PlaceCategory | None, *, approached: bool) -> bool:
    """Whether a young person linked to a place of this category counts towards P01."""
    counting = rule_of(category).hotspot
    return counting is Counting.EVERYONE or (counting is Counting.APPROACHED and approached)


def peer_group_counts(category: PlaceCategory | None, *, approached: bool) -> bool:
    """Whether a pupil linked to a place of this category counts towards P02 at the place."""
    counting = rule_of(category).peer_group
    return counting is Counting.EVERYONE or (counting is Counting.APPROACHED and approached)


def _hotspot_cell(rule: PlaceRule) -> str:
    if rule.hotspot is Counting.NOBODY:
        return "never"
    needs = "N - 1" if rule.hotspot_fewer else "N"
    who = (
        "young people linked"
        if rule.hotspot is Counting.EVERYONE
        else "only those approached there"
    )
    return f"{who}; {needs}"


def _peer_cell(rule: PlaceRule) -> str:
    if rule.peer_group is Counting.NOBODY:
        return "never as the place"
    return (
        "pupils linked" if rule.peer_group is Counting.EVERYONE else "only pupils approached there"
    )


def markdown_table() -> str:
    """The table as README shows it, one row per category."""
    rows = [
        "| category | kind | P01 `shared_hotspot` (N: 3 by default) "
        "| P02 `peer_group_context` at the place | also | domain.md |",
        "|---|---|---|---|---|---|",
    ]
    for category, rule in RULES.items():
        rows.append(
            f"| `{category.value}` | {rule.kind.value} | {_hotspot_cell(rule)} | "
            f"{_peer_cell(rule)} | {rule.also or '-'} | {rule.basis} |"
        )
    return "\n".join(rows)
