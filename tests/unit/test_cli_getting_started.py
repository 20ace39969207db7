"""Getting started (issue 18): the README's commands work as written, from any directory."""

import os
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from common.auth import Role, TokenStore
from services.alerts.config import Settings as AlertSettings
from services.alerts.delivery import queries
from tessera_cli import demo, main, processes, settings, stack, webhooks
from tessera_cli.commands import command_line
from tessera_cli.settings import cli_settings, state_path_environment
from tessera_cli.webhooks import NoSuchSubscription, match_subscription

AGENCY = "Synthetic Home A"
STATE_SETTINGS = ("TESSERA_AUTH_FILE", "TESSERA_PERSON_ID_KEY_FILE", "KAFKA_SECRETS_DIR")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder and its state folder, with the CLI run from a third folder."""
    root, state, elsewhere = tmp_path / "project", tmp_path / "state", tmp_path / "elsewhere"
    for folder in (root, elsewhere):
        folder.mkdir()
    monkeypatch.setattr(settings, "ROOT", root)
    monkeypatch.setattr(settings, "STATE", state)
    for name in STATE_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(elsewhere)
    return tmp_path


def _add_user(role: str = "submitter") -> Any:
    return CliRunner().invoke(
        main.app, ["user", "add", "--user", "j.smith", "--agency", AGENCY, "--role", role]
    )


# 2. `user add` before `agency add` names the command to run.


def test_rejects_unknown_agency_with_the_command_that_registers_it(project: Path) -> None:
    result = _add_user()
    assert result.exit_code == 1
    assert "agency 'Synthetic Home A' is not registered" in result.output
    assert "`tessera agency add 'Synthetic Home A'`" in result.output


def test_the_readme_sequence_agency_then_user_works(project: Path) -> None:
    added = CliRunner().invoke(main.app, ["agency", "add", AGENCY])
    assert added.exit_code == 0, added.output
    result = _add_user()
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    store = TokenStore(project / "state" / "auth" / "users.json")
    assert store.verify(token).role is Role.SUBMITTER


def test_the_command_to_run_is_quoted_for_the_shell_as_the_program_was_invoked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.argv", [".venv/bin/tessera", "user", "add"])
    assert command_line("agency", "add", "Children's Home") == (
        ".venv/bin/tessera agency add 'Children'\"'\"'s Home'"
    )
    monkeypatch.setattr("sys.argv", ["/usr/bin/python3"])
    assert command_line("agency", "list") == "tessera agency list"


# 3. Run from another directory, the CLI writes where the services read.


def test_tokens_are_written_to_the_projects_state_folder_not_the_current_one(
    project: Path,
) -> None:
    CliRunner().invoke(main.app, ["agency", "add", AGENCY])
    result = _add_user()
    assert result.exit_code == 0, result.output
    assert (project / "state" / "auth" / "users.json").exists()
    assert not (project / "elsewhere" / ".infra").exists()
    listed = CliRunner().invoke(main.app, ["user", "list"])
    assert "j.smith" in listed.output


def test_every_state_path_left_at_its_default_is_in_the_state_folder(project: Path) -> None:
    state = project / "state"
    for kind in (cli_settings(), cli_settings(AlertSettings)):
        assert kind.tessera_auth_file == str(state / "auth" / "users.json")
        assert kind.tessera_person_id_key_file == str(state / "secrets" / "person-id.key")
        assert kind.kafka_secrets_dir == str(state / "secrets" / "kafka")
    assert isinstance(cli_settings(AlertSettings), AlertSettings)


def test_a_path_set_in_the_environment_is_used_as_given(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESSERA_AUTH_FILE", "mine.json")
    resolved = cli_settings()
    assert resolved.tessera_auth_file == str(project / "elsewhere" / "mine.json")
    assert resolved.kafka_secrets_dir == str(project / "state" / "secrets" / "kafka")


def test_a_relative_path_in_the_projects_env_file_is_taken_from_the_project(
    project: Path,
) -> None:
    (project / "project" / ".env").write_text("TESSERA_AUTH_FILE=auth/team.json\n")
    assert cli_settings().tessera_auth_file == str(project / "project" / "auth" / "team.json")


def test_the_services_are_started_with_the_paths_the_cli_resolved(project: Path) -> None:
    assert state_path_environment() == {
        "TESSERA_AUTH_FILE": str(project / "state" / "auth" / "users.json"),
        "TESSERA_PERSON_ID_KEY_FILE": str(project / "state" / "secrets" / "person-id.key"),
        "KAFKA_SECRETS_DIR": str(project / "state" / "secrets" / "kafka"),
    }


# 1. The demo issues an analyst token too.


def test_the_demo_issues_an_analyst_token(tmp_path: Path) -> None:
    users = tmp_path / "users.json"
    tokens = demo.issue_demo_tokens(users)
    assert TokenStore(users).verify(tokens.analyst).role is Role.ANALYST
    assert "analyst" in main._urls()


# 4. `webhook disable` takes a unique prefix of an id.

IDS = [
    "3f9c2a1b-7d0e-4c1a-9b2e-111111111111",
    "3f9c2a1b-7d0e-4c1a-9b2e-222222222222",
    "a0b1c2d3-0000-4000-8000-333333333333",
]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (IDS[2], IDS[2]),
        ("a0b1", IDS[2]),
        ("A0B1C2D3-0000", IDS[2]),
        ("a0b1c2d3-00…", IDS[2]),  # copied with the table's ellipsis
        ("3f9c2a1b-7d0e-4c1a-9b2e-2", IDS[1]),
    ],
)
def test_a_unique_prefix_names_one_subscription(given: str, expected: str) -> None:
    assert match_subscription(given, IDS) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("3f9c", f"is the start of 2 subscriptions' ids ({IDS[0]}, {IDS[1]})"),
        ("ffff", "no webhook subscription's id starts with 'ffff'"),
        ("  ", "give a subscription id"),
    ],
)
def test_an_ambiguous_or_unknown_prefix_is_refused(given: str, message: str) -> None:
    with pytest.raises(NoSuchSubscription, match=re.escape(message)):
        match_subscription(given, IDS)


class FakeDriver:
    """Answers the two queries `webhook disable` makes."""

    def __init__(self) -> None:
        self.set_active: list[tuple[str, bool]] = []

    def execute_query(self, query: str, **params: Any) -> tuple[list[dict[str, Any]], None, None]:
        if query == queries.LIST_WEBHOOK_SUBSCRIPTIONS:
            return [self._listed(i) for i in IDS], None, None
        assert query == queries.SET_WEBHOOK_ACTIVE
        self.set_active.append((params["id"], params["active"]))
        return [{"id": params["id"]}], None, None

    @staticmethod
    def _listed(subscription_id: str) -> dict[str, Any]:
        return {
            "id": subscription_id,
            "name": "Synthetic Multi-Agency Safeguarding Hub receiver",
            "url": "https://mash.example/tessera/webhooks/alerts/receive",
            "agency": "Synthetic Police",
            "role": "police",
            "active": True,
            "created_at": "2026-11-23T12:00:00+00:00",
        }


@pytest.fixture
def driver(monkeypatch: pytest.MonkeyPatch) -> FakeDriver:
    fake = FakeDriver()

    @contextmanager
    def fake_driver() -> Iterator[tuple[FakeDriver, str]]:
        yield fake, "neo4j"

    monkeypatch.setattr(webhooks, "open_graph", fake_driver)
    return fake


def test_webhook_list_shows_each_id_in_full_in_a_narrow_terminal(driver: FakeDriver) -> None:
    result = CliRunner().invoke(main.app, ["webhook", "list"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert all(i in result.output for i in IDS), result.output


def test_webhook_disable_takes_the_shortened_id_that_list_shows(driver: FakeDriver) -> None:
    result = CliRunner().invoke(main.app, ["webhook", "disable", "a0b1c2d3"])
    assert result.exit_code == 0, result.output
    assert driver.set_active == [(IDS[2], False)]
    assert f"webhook {IDS[2]} disabled" in result.output


def test_webhook_enable_refuses_an_ambiguous_prefix_and_changes_nothing(
    driver: FakeDriver,
) -> None:
    result = CliRunner().invoke(main.app, ["webhook", "enable", "3f9c"])
    assert result.exit_code == 1
    assert IDS[0] in result.output and IDS[1] in result.output
    assert driver.set_active == []


# 5. A stop asked for ends `tessera run` with exit status 0.


@pytest.fixture
def started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`tessera run` with the stack's start and stop replaced: what it stopped."""
    stopped: list[str] = []
    monkeypatch.setattr(processes, "RUN", tmp_path)
    monkeypatch.setattr(main, "_start_stack", lambda *, load_demo: True)  # noqa: ARG005
    monkeypatch.setattr(main, "_stop_everything", lambda **_: stopped.append("everything"))
    return stopped


def test_a_requested_stop_ends_run_with_status_0_and_says_so(
    started: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen_pid: list[int | None] = []

    def asked(event: threading.Event, **_: float) -> bool:
        seen_pid.append(int(stack.FOREGROUND_RUN.pid_file.read_text()))
        return True

    monkeypatch.setattr(main, "_wait_for_stop", asked)
    result = CliRunner().invoke(main.app, ["run", "--no-demo"])
    assert result.exit_code == 0, result.output
    assert "Tessera stopped." in result.output
    assert started == ["everything"]
    assert seen_pid == [os.getpid()]  # `tessera stop` could find it while it waited
    assert not stack.FOREGROUND_RUN.pid_file.exists()


def test_services_that_stop_by_themselves_fail_run(
    started: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main, "_wait_for_stop", lambda event, **_: False)
    result = CliRunner().invoke(main.app, ["run", "--no-demo"])
    assert result.exit_code == 1
    assert "the services have stopped by themselves" in result.output
    assert started == ["everything"]


def test_waiting_ends_when_a_stop_is_asked_or_the_services_are_gone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = threading.Event()
    monkeypatch.setattr(stack, "running_services", lambda: [("a service", 1)])
    asked.set()
    assert main._wait_for_stop(asked, poll_s=0.01) is True
    monkeypatch.setattr(stack, "running_services", list)
    assert main._wait_for_stop(threading.Event(), poll_s=0.01) is False


def test_sigterm_and_ctrl_c_ask_for_a_stop_and_the_handlers_are_restored() -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    with main._stop_requests() as asked:
        handler = signal.getsignal(signal.SIGTERM)
        assert callable(handler) and handler not in before
        signal.raise_signal(signal.SIGTERM)
        assert asked.is_set()
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


class FakeForeground:
    """The `tessera run` waiting in the foreground, as `tessera stop` sees it."""

    def __init__(self, pid: int | None) -> None:
        self._pid = pid
        self.stopped_within: list[float] = []

    def pid(self) -> int | None:
        return self._pid

    def stop(self, *, timeout_s: float) -> str:
        self.stopped_within.append(timeout_s)
        return f"tessera-run: stopped (pid {self._pid})"


def test_stop_asks_the_foreground_run_to_stop_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    foreground = FakeForeground(pid=4242)
    quiet: list[bool] = []
    monkeypatch.setattr(stack, "FOREGROUND_RUN", foreground)
    monkeypatch.setattr(main, "_stop_everything", lambda **kw: quiet.append(kw["quiet"]))
    result = CliRunner().invoke(main.app, ["stop"])
    assert result.exit_code == 0, result.output
    assert "asking the `tessera run` in the foreground (pid 4242)" in result.output
    assert "tessera-run: stopped (pid 4242)" in result.output
    assert foreground.stopped_within == [stack.FOREGROUND_STOP_TIMEOUT_S]
    assert quiet == [True]  # what the run stopped is not listed again as "not running"


def test_stop_without_a_foreground_run_stops_everything_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    quiet: list[bool] = []
    monkeypatch.setattr(stack, "FOREGROUND_RUN", FakeForeground(pid=None))
    monkeypatch.setattr(main, "_stop_everything", lambda **kw: quiet.append(kw["quiet"]))
    result = CliRunner().invoke(main.app, ["stop"])
    assert result.exit_code == 0, result.output
    assert "asking" not in result.output
    assert quiet == [False]
