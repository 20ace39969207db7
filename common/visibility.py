"""Who may see what: the audiences a caller belongs to, matched against a report's audiences.

A report with handling code P is for everyone (`all`); one with code C is for its own agency and
the agencies and roles its conditions name (`agency:<name>`, `role:<role>`).
"""

from common.auth import Principal
from common.keys import installation_key
from schemas.graph import EVERYONE, agency_audience, role_audience, sealed_audience

__all__ = ["EVERYONE", "agency_audiences_of", "audiences_of"]


def agency_audiences_of(principal: Principal) -> list[str]:
    """The audiences that name the caller's agency itself: plain, and sealed (source-protected
    reports)."""
    return [
        agency_audience(principal.agency),
        sealed_audience(principal.agency, installation_key()),
    ]


def audiences_of(principal: Principal) -> list[str]:
    """What the caller may see: shared reports, their agency's (source-protected ones too),
    and their role's."""
    return [EVERYONE, *agency_audiences_of(principal), role_audience(principal.role.value)]
