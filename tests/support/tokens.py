"""Users of a token store the tests make: their agencies and the Authorization header of each."""

from collections.abc import Iterable, Mapping
from pathlib import Path

from common.auth import Role, TokenStore


def bearer_headers(
    auth_file: Path, agencies: Iterable[str], users: Mapping[str, tuple[str, str, Role]]
) -> dict[str, dict[str, str]]:
    """Make a token store at `auth_file` holding these agencies, issue each user a token and
    give its Authorization header under the user's key: `{key: (user, agency, role)}`."""
    store = TokenStore(auth_file)
    for agency in agencies:
        store.add_agency(agency)
    return {
        key: {"Authorization": f"Bearer {store.issue(user=user, agency=agency, role=role)}"}
        for key, (user, agency, role) in users.items()
    }
