"""Home addresses in one normal form for matching: case, punctuation and spacing as names are
normalised, and the street types partners abbreviate written out ("12 Ulden Cl" is "12 ulden
close"), so an abbreviation is no difference between two records of one home."""

from schemas.identifiers.names import normalise_name

# Royal Mail's common thoroughfare abbreviations, as partners type them.
STREET_TYPES = {
    "ave": "avenue",
    "av": "avenue",
    "cl": "close",
    "cres": "crescent",
    "ct": "court",
    "dr": "drive",
    "gdns": "gardens",
    "gr": "grove",
    "ln": "lane",
    "pde": "parade",
    "pl": "place",
    "rd": "road",
    "sq": "square",
    "st": "street",
    "tce": "terrace",
    "wk": "walk",
}


def normalise_address(raw: str) -> str:
    """The address's normal form; "" when nothing is left."""
    return " ".join(STREET_TYPES.get(word, word) for word in normalise_name(raw).split())
