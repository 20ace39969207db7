"""What one mention says of a person, as matching compares it, written briefly for tests."""

from datetime import date

from services.network.matching import PersonFacts, facts_of

DAY = date(2026, 11, 23)  # the day every mention is observed on


def facts(
    name: str | None = None,
    *,
    nicknames: tuple[str, ...] = (),
    dob: date | None = None,
    age: int | None = None,
    phones: tuple[str, ...] = (),
    handles: tuple[str, ...] = (),
    identifiers: tuple[str, ...] = (),
    postcode: str | None = None,
    address: str | None = None,
) -> PersonFacts:
    """A mention's comparable facts (`facts_of` with the rest empty)."""
    return facts_of(
        name=name,
        aliases=[],
        nicknames=list(nicknames),
        date_of_birth=dob,
        estimated_age=age,
        observed_on=DAY,
        phones=list(phones),
        handles=list(handles),
        identifiers=identifiers,
        home_postcode=postcode,
        home_address=address,
    )
