"""`tessera user password` sets the password a user signs in to the web with."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from common.auth import Role, TokenStore
from tessera_cli.main import app

PASSWORD = "a long synthetic password"  # noqa: S105 - synthetic


def test_sets_a_password_for_a_known_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    users = tmp_path / "users.json"
    store = TokenStore(users)
    store.add_agency("Synthetic Home A")
    store.issue(user="k.worker", agency="Synthetic Home A", role=Role.SUBMITTER)
    monkeypatch.setenv("TESSERA_AUTH_FILE", str(users))
    result = CliRunner().invoke(
        app, ["user", "password", "--user", "k.worker"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "password set for k.worker (submitter, Synthetic Home A)" in result.output
    assert store.check_password(user="k.worker", password=PASSWORD).role is Role.SUBMITTER


def test_refuses_an_unknown_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESSERA_AUTH_FILE", str(tmp_path / "users.json"))
    monkeypatch.setenv("TESSERA_PASSWORD", PASSWORD)
    result = CliRunner().invoke(app, ["user", "password", "--user", "nobody"])
    assert result.exit_code == 1
    assert "tessera user add" in result.output
