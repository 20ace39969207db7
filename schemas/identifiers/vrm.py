"""UK vehicle registration marks (VRMs): canonical form, format, and partial marks."""

import re
from dataclasses import dataclass
from enum import StrEnum


class VrmFormat(StrEnum):
    """The UK registration scheme a mark follows, or partial when only part is known."""

    CURRENT = "current"  # AB12 CDE, since 2001
    PREFIX = "prefix"  # A123 BCD, 1983-2001
    SUFFIX = "suffix"  # ABC 123D, 1963-1983
    DATELESS = "dateless"  # 1-3 letters and 1-4 digits, either way round (also Northern Ireland)
    PARTIAL = "partial"  # what a witness caught; ? for an unknown character


_FORMATS = (
    (VrmFormat.CURRENT, re.compile(r"[A-Z]{2}[0-9]{2}[A-Z]{3}")),
    (VrmFormat.PREFIX, re.compile(r"[A-Z][0-9]{1,3}[A-Z]{3}")),
    (VrmFormat.SUFFIX, re.compile(r"[A-Z]{3}[0-9]{1,3}[A-Z]")),
    (VrmFormat.DATELESS, re.compile(r"[A-Z]{1,3}[0-9]{1,4}|[0-9]{1,4}[A-Z]{1,3}")),
)
_PARTIAL = re.compile(r"[A-Z0-9?]{2,8}")


@dataclass(frozen=True, slots=True)
class Vrm:
    """A registration mark without spaces, upper case, and which scheme it follows."""

    mark: str
    format: VrmFormat

    @property
    def partial(self) -> bool:
        """Whether only part of the mark is known."""
        return self.format is VrmFormat.PARTIAL


def parse_vrm(raw: str) -> Vrm:
    """Normalise a registration as written ("ab12 cde", "AB12-CDE") or raise ValueError."""
    mark = re.sub(r"[\s\-.]", "", raw).upper()
    for kind, pattern in _FORMATS:
        if pattern.fullmatch(mark):
            return Vrm(mark=mark, format=kind)
    if _PARTIAL.fullmatch(mark) and any(c.isalnum() for c in mark):
        return Vrm(mark=mark, format=VrmFormat.PARTIAL)
    raise ValueError(
        "not a UK vehicle registration: use letters and digits (e.g. AB12 CDE), "
        "with ? for any character that is not known"
    )
