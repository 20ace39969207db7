"""The graph contract the services share: audience tokens and the evidence entry on every link.

An evidence entry records one report behind a link as `observed|source|intelligence|audience|
report id`, so Cypher can check a link's time, grading and visibility without reading its
reports. Input can never add a field: audience tokens escape `%` and `|`, and the writer refuses
any field that still holds the separator.
"""

import hashlib
import hmac
from dataclasses import dataclass

EVERYONE = "all"
SEPARATOR = "|"
FIELDS = 5


def _escaped(value: str) -> str:
    return value.replace("%", "%25").replace(SEPARATOR, "%7C")


def agency_audience(agency: str) -> str:
    """The audience of one agency's users (its name escaped, so it never holds a separator)."""
    return f"agency:{_escaped(agency)}"


def role_audience(role: str) -> str:
    """The audience of every user of one role."""
    return f"role:{_escaped(role)}"


def sealed_audience(agency: str, key: bytes) -> str:
    """The audience of the agency that made a source-protected report, under a keyed seal.

    Only a process holding the installation's key can tell which agency it is, so the source
    of a protected disclosure is named to no one (on the alerts topic, in an alert's
    visibility); the agency's own users still hold it among their audiences.
    """
    seal = hmac.new(key, agency_audience(agency).encode(), hashlib.sha256).hexdigest()[:32]
    return f"sealed:{seal}"


@dataclass(frozen=True, slots=True)
class EvidenceEntry:
    """One report behind a link: when it was observed, its grading, one audience, its id."""

    observed: str
    source: str
    intelligence: str
    audience: str
    report_id: str


def write_evidence(entry: EvidenceEntry) -> str:
    """The entry as the string a link keeps; a field holding the separator is refused."""
    fields = (entry.observed, entry.source, entry.intelligence, entry.audience, entry.report_id)
    if any(SEPARATOR in field for field in fields):
        raise ValueError("an evidence field may not contain the separator")
    return SEPARATOR.join(fields)


def read_evidence(text: str) -> EvidenceEntry:
    """The entry a link keeps, read back; anything but five fields is refused."""
    fields = text.split(SEPARATOR)
    if len(fields) != FIELDS:
        raise ValueError(f"an evidence entry has {FIELDS} fields, this one {len(fields)}")
    return EvidenceEntry(*fields)
