"""Tokens are printed once, stored hashed and verified into the right principal."""

from pathlib import Path

import pytest

from common.auth import InvalidToken, Role, TokenStore, UnknownAgency


def _store(path: Path) -> TokenStore:
    store = TokenStore(path)
    store.add_agency("Synthetic Home A")
    store.add_agency("b")
    return store


def test_issued_token_verifies_to_its_user(tmp_path: Path) -> None:
    store = _store(tmp_path / "users.json")
    token = store.issue(user="k.worker", agency="Synthetic Home A", role=Role.SUBMITTER)
    principal = store.verify(token)
    assert (principal.user, principal.agency, principal.role) == (
        "k.worker",
        "Synthetic Home A",
        Role.SUBMITTER,
    )


def test_only_the_hash_is_stored(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    token = _store(path).issue(user="a", agency="b", role=Role.POLICE)
    assert token.split(".", 1)[1] not in path.read_text()
    assert path.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("bad", ["", "Bearer x", "tsr_nokey", "tsr_abc.def"])
def test_rejects_malformed_and_unknown_tokens(tmp_path: Path, bad: str) -> None:
    store = _store(tmp_path / "users.json")
    store.issue(user="a", agency="b", role=Role.POLICE)
    with pytest.raises(InvalidToken):
        store.verify(bad)


def test_rejects_a_wrong_secret_for_a_known_key(tmp_path: Path) -> None:
    store = _store(tmp_path / "users.json")
    token = store.issue(user="a", agency="b", role=Role.POLICE)
    with pytest.raises(InvalidToken):
        store.verify(token[:-3] + "xyz")


def test_a_second_process_sees_new_users(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    reader = TokenStore(path)
    assert reader.users() == []
    token = _store(path).issue(user="a", agency="b", role=Role.ANALYST)
    assert reader.verify(token).role is Role.ANALYST


def test_users_belong_to_a_registered_agency(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "users.json")
    with pytest.raises(UnknownAgency, match="tessera agency add"):
        store.issue(user="a", agency="Nowhere", role=Role.POLICE)
    assert store.add_agency("Nowhere") is True
    assert store.add_agency("Nowhere") is False
    assert store.agencies() == ["Nowhere"]
    store.issue(user="a", agency="Nowhere", role=Role.POLICE)
