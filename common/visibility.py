"""Who may see what: the audiences a caller belongs to, matched against a report's audiences.

A report with handling code P is for everyone (`all`); one with code C is for its own agency and
the agencies and roles its conditions name (`agency:<name>`, `role:<role>`).
"""

from common.auth import Principal

EVERYONE = "all"


def audiences_of(principal: Principal) -> list[str]:
    """What the caller may see: shared reports, their agency's, and their role's."""
    return [EVERYONE, f"agency:{principal.agency}", f"role:{principal.role.value}"]
