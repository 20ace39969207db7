"""The roles a user can hold, shared so that handling conditions can name them."""

from enum import StrEnum


class Role(StrEnum):
    """What a user may do."""

    SUBMITTER = "submitter"
    ANALYST = "analyst"
    POLICE = "police"
    ADMIN = "admin"
