"""Issue 14, tokens: every token expires, can be listed and revoked, a changed role or agency
revokes the old tokens, and an open alert stream ends once its token no longer stands."""

import asyncio
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from common.auth import API_TOKEN_TTL, SESSION_KIND, InvalidToken, Role, TokenStore
from schemas.alerts import AlertRaised
from services.alerts.delivery.ports import ChangedAlert, Cursor
from services.alerts.delivery.stream import follow_alerts
from tessera_cli.main import app

HOME, POLICE = "Synthetic Home A", "Synthetic Police"
PASSWORD = "a long synthetic password"  # noqa: S105 - synthetic


def _store(tmp_path: Path) -> TokenStore:
    store = TokenStore(tmp_path / "users.json")
    store.add_agency(HOME)
    store.add_agency(POLICE)
    return store


def test_an_api_token_expires_after_90_days_unless_given_another_lifetime(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.issue(user="k.worker", agency=HOME, role=Role.SUBMITTER)
    (info,) = store.tokens()
    expires = datetime.fromisoformat(str(info.expires_at))
    assert abs(expires - (datetime.now(UTC) + API_TOKEN_TTL)) < timedelta(minutes=1)
    lapsed = store.issue(user="k.worker", agency=HOME, role=Role.SUBMITTER, ttl=timedelta(0))
    with pytest.raises(InvalidToken, match="expired"):
        store.verify(lapsed)


def test_another_role_or_agency_revokes_the_users_old_tokens_and_sessions(tmp_path: Path) -> None:
    store = _store(tmp_path)
    old = store.issue(user="j.synth", agency=HOME, role=Role.SUBMITTER)
    session = store.issue(user="j.synth", agency=HOME, role=Role.SUBMITTER, kind=SESSION_KIND)
    store.set_password(user="j.synth", password=PASSWORD)
    kept = store.issue(user="a.other", agency=HOME, role=Role.SUBMITTER)
    new = store.issue(user="j.synth", agency=POLICE, role=Role.POLICE)
    for revoked in (old, session):
        with pytest.raises(InvalidToken):
            store.verify(revoked)
    assert store.verify(new).role is Role.POLICE and store.verify(kept).user == "a.other"
    signed = store.check_password(user="j.synth", password=PASSWORD)
    assert (signed.agency, signed.role) == (POLICE, Role.POLICE)
    again = store.issue(user="j.synth", agency=POLICE, role=Role.POLICE)  # same role: both stay
    assert store.verify(new) == store.verify(again)


def test_tokens_are_listed_without_secrets_and_revoked_by_key_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path)
    token = store.issue(user="k.worker", agency=HOME, role=Role.SUBMITTER)
    monkeypatch.setenv("TESSERA_AUTH_FILE", str(tmp_path / "users.json"))
    listed = CliRunner().invoke(app, ["token", "list"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    (info,) = store.tokens()
    assert info.key_id in listed.output and "k.worker" in listed.output
    assert token.split(".", 1)[1] not in listed.output
    revoked = CliRunner().invoke(app, ["token", "revoke", info.key_id])
    assert revoked.exit_code == 0, revoked.output
    with pytest.raises(InvalidToken):
        store.verify(token)
    unknown = CliRunner().invoke(app, ["token", "revoke", info.key_id])
    assert unknown.exit_code == 1 and "tessera token list" in unknown.output


def test_user_add_sets_the_tokens_lifetime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _store(tmp_path)
    monkeypatch.setenv("TESSERA_AUTH_FILE", str(tmp_path / "users.json"))
    args = ["user", "add", "--user", "k.worker", "--agency", HOME, "--role", "submitter"]
    added = CliRunner().invoke(app, [*args, "--days", "7"])
    assert added.exit_code == 0 and "valid for 7 days" in added.output
    (info,) = TokenStore(tmp_path / "users.json").tokens()
    expires = datetime.fromisoformat(str(info.expires_at))
    assert abs(expires - (datetime.now(UTC) + timedelta(days=7))) < timedelta(minutes=1)


class _NoChanges:
    """A feed with nothing new: the stream only polls."""

    async def changed_since(
        self, *, since: Cursor, audiences: Sequence[str], skip: Collection[str], limit: int
    ) -> list[ChangedAlert]:
        return []


def test_an_open_stream_ends_once_its_caller_is_no_longer_allowed() -> None:
    polls: list[float] = []
    allowed = iter([True, True, True, False])

    async def _unrecorded(alerts: Sequence[AlertRaised]) -> None:
        raise AssertionError("nothing changed, so nothing is sent or audited")

    async def sleep(seconds: float) -> None:
        polls.append(seconds)

    async def follow() -> list[ChangedAlert]:
        return [
            change
            async for change in follow_alerts(
                feed=_NoChanges(),
                audiences=["all"],
                start=Cursor(datetime.now(UTC)),
                poll_s=0.5,
                overlap=timedelta(seconds=5),
                batch=10,
                sleep=sleep,
                record=_unrecorded,
                still_allowed=lambda: next(allowed),
            )
        ]

    assert asyncio.run(asyncio.wait_for(follow(), timeout=5)) == []
    assert len(polls) == 3
