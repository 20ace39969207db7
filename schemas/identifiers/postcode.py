"""UK postcodes: the canonical "OUTWARD INWARD" form, or an outward code alone as a partial."""

import re
from dataclasses import dataclass

_FULL = re.compile(r"(GIR)(0AA)|([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})")
_OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")


@dataclass(frozen=True, slots=True)
class Postcode:
    """A postcode in canonical form; partial when only the outward code (district) is known."""

    value: str
    partial: bool

    @property
    def outward(self) -> str:
        """The district part, e.g. ZZ99."""
        return self.value.split(" ", 1)[0]


def parse_postcode(raw: str) -> Postcode:
    """Normalise "zz991aa", " ZZ99  1AA" to "ZZ99 1AA"; an outward code alone is partial."""
    compact = re.sub(r"\s", "", raw).upper()
    if match := _FULL.fullmatch(compact):
        outward, inward = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
        return Postcode(value=f"{outward} {inward}", partial=False)
    if _OUTWARD.fullmatch(compact):
        return Postcode(value=compact, partial=True)
    raise ValueError("not a UK postcode: expected e.g. ZZ99 1AA, or the district alone (ZZ99)")
