"""Local infrastructure housekeeping: stale pid files and ports held by strangers."""

import socket
from pathlib import Path

import pytest

from tessera_cli import local_infra, processes
from tessera_cli.local_infra import InfraError, Server
from tessera_cli.processes import ManagedProcess


def test_a_stale_pid_file_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processes, "RUN", tmp_path)
    process = ManagedProcess(name="kafka", marker="kafka.Kafka")
    process.pid_file.write_text("999999")  # no such process
    assert process.pid() is None
    assert not process.pid_file.exists()


def test_a_recycled_pid_of_another_program_is_not_ours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(processes, "RUN", tmp_path)
    process = ManagedProcess(name="kafka", marker="kafka.Kafka")
    process.pid_file.write_text("1")  # init is alive, but it is not Kafka
    assert process.pid() is None


def test_a_port_held_by_another_process_is_a_clear_error() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        server = Server("kafka", "kafka.Kafka", (port,))
        with pytest.raises(InfraError, match=f"port {port} on 127.0.0.1 is in use"):
            local_infra._refuse_busy_ports(server)


def test_clearing_a_stale_pid_file_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processes, "RUN", tmp_path)
    process = ManagedProcess(name="neo4j", marker="CommunityEntryPoint")
    assert process.clear_stale() is None
    process.pid_file.write_text("999999")
    message = process.clear_stale()
    assert message is not None and "stale pid file (pid 999999" in message
    assert not process.pid_file.exists()
