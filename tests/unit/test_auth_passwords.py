"""Passwords for the web and the tokens of its sessions: hashed, expiring and revocable."""

import json
from datetime import timedelta
from pathlib import Path

import pytest

from common.auth import (
    SESSION_KIND,
    InvalidCredentials,
    InvalidToken,
    Role,
    TokenStore,
    UnknownUser,
)

PASSWORD = "a long synthetic password"  # noqa: S105 - synthetic


def _store(path: Path) -> TokenStore:
    store = TokenStore(path)
    store.add_agency("Synthetic Home A")
    store.issue(user="k.worker", agency="Synthetic Home A", role=Role.SUBMITTER)
    return store


def test_a_password_signs_in_as_the_users_agency_and_role(tmp_path: Path) -> None:
    store = _store(tmp_path / "users.json")
    store.set_password(user="k.worker", password=PASSWORD)
    principal = TokenStore(tmp_path / "users.json").check_password(
        user="k.worker", password=PASSWORD
    )
    assert (principal.user, principal.agency, principal.role) == (
        "k.worker",
        "Synthetic Home A",
        Role.SUBMITTER,
    )
    assert PASSWORD not in (tmp_path / "users.json").read_text()


@pytest.mark.parametrize(("user", "password"), [("k.worker", "wrong"), ("nobody", PASSWORD)])
def test_a_wrong_name_or_password_is_refused_alike(
    tmp_path: Path, user: str, password: str
) -> None:
    store = _store(tmp_path / "users.json")
    store.set_password(user="k.worker", password=PASSWORD)
    with pytest.raises(InvalidCredentials, match="wrong user name or password"):
        store.check_password(user=user, password=password)


def test_passwords_are_for_known_users_and_not_short(tmp_path: Path) -> None:
    store = _store(tmp_path / "users.json")
    with pytest.raises(UnknownUser):
        store.set_password(user="nobody", password=PASSWORD)
    with pytest.raises(ValueError, match="at least 12"):
        store.set_password(user="k.worker", password="short")  # noqa: S106


def test_a_revoked_token_fails_in_another_process_at_once(tmp_path: Path) -> None:
    web = _store(tmp_path / "users.json")
    service = TokenStore(tmp_path / "users.json")
    token = web.issue(
        user="k.worker", agency="Synthetic Home A", role=Role.SUBMITTER, kind=SESSION_KIND
    )
    assert service.verify(token).user == "k.worker"  # now cached in the service
    assert web.revoke(token) is True
    with pytest.raises(InvalidToken):
        service.verify(token)
    assert web.revoke(token) is False


def test_an_expired_token_fails(tmp_path: Path) -> None:
    store = _store(tmp_path / "users.json")
    token = store.issue(
        user="k.worker",
        agency="Synthetic Home A",
        role=Role.SUBMITTER,
        ttl=timedelta(seconds=-1),
        kind=SESSION_KIND,
    )
    with pytest.raises(InvalidToken, match="expired"):
        store.verify(token)


def test_the_web_revokes_only_session_tokens_and_users_lists_no_sessions(tmp_path: Path) -> None:
    store = _store(tmp_path / "users.json")
    api_token = store.issue(user="a.n.other", agency="Synthetic Home A", role=Role.SUBMITTER)
    store.issue(user="k.worker", agency="Synthetic Home A", role=Role.SUBMITTER, kind=SESSION_KIND)
    assert [p.user for p in store.users()] == ["a.n.other", "k.worker"]
    assert store.revoke_kind(SESSION_KIND) == 1
    assert store.verify(api_token).user == "a.n.other"
    kinds = {t["kind"] for t in json.loads((tmp_path / "users.json").read_text())["tokens"]}
    assert kinds == {"api"}
