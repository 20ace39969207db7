"""The services and the web as background processes: their commands, start-up order and health."""

import os
import sys
from dataclasses import dataclass

import httpx

from tessera_cli.processes import ManagedProcess, StartFailed, wait_until
from tessera_cli.settings import state_path_environment

INGEST_PORT = int(os.environ.get("TESSERA_INGEST_PORT", "8001"))
NETWORK_PORT = int(os.environ.get("TESSERA_NETWORK_PORT", "8002"))
ALERTS_PORT = int(os.environ.get("TESSERA_ALERTS_PORT", "8003"))
WEB_PORT = int(os.environ.get("TESSERA_WEB_PORT", "8004"))
HEALTH_TIMEOUT_S = 90.0
WORKER_READY = "Ready"  # what faust's worker logs once its agents have started
# The `tessera run` waiting in the foreground: `tessera stop` asks it (SIGTERM) to stop
# everything itself, so that it ends cleanly, and waits this long for it before stopping the rest.
FOREGROUND_RUN = ManagedProcess(name="tessera-run", marker="tessera")
FOREGROUND_STOP_TIMEOUT_S = 300.0


@dataclass(frozen=True, slots=True)
class Service:
    """One service process: how to run it and how to tell it is ready."""

    name: str
    command: tuple[str, ...]
    health_url: str | None
    env: tuple[tuple[str, str], ...] = ()  # what the process needs beyond the environment

    @property
    def process(self) -> ManagedProcess:
        return ManagedProcess(name=self.name, marker=self.command[2])


def _uvicorn(app: str, port: int) -> tuple[str, ...]:
    return (
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
    )


def services(
    *,
    ingest_port: int = INGEST_PORT,
    network_port: int = NETWORK_PORT,
    alerts_port: int = ALERTS_PORT,
    web_port: int = WEB_PORT,
) -> list[Service]:
    """The processes of a running Tessera, in start-up order."""
    return [
        Service(
            "network-worker",
            (
                sys.executable,
                "-m",
                "services.network.linking.worker",
                "worker",
                "--without-web",
                "--loglevel",
                "info",
            ),
            None,
        ),
        Service(
            "alerts-worker",
            (
                sys.executable,
                "-m",
                "services.alerts.worker",
                "worker",
                "--without-web",
                "--loglevel",
                "info",
            ),
            None,
        ),
        Service(
            "partner-bridge",
            (sys.executable, "-m", "services.network.partner_bridge"),
            None,
        ),
        Service(
            "ingest-api",
            _uvicorn("services.ingest.main:create_app", ingest_port),
            f"http://127.0.0.1:{ingest_port}/healthz",
        ),
        Service(
            "network-api",
            _uvicorn("services.network.analyst.main:create_app", network_port),
            f"http://127.0.0.1:{network_port}/healthz",
        ),
        Service(
            "alerts-api",
            _uvicorn("services.alerts.main:create_app", alerts_port),
            f"http://127.0.0.1:{alerts_port}/healthz",
        ),
        Service(
            "web",
            _uvicorn("services.web.main:create_app", web_port),
            f"http://127.0.0.1:{web_port}/healthz",
            env=(
                ("WEB_INGEST_URL", f"http://127.0.0.1:{ingest_port}"),
                ("WEB_NETWORK_URL", f"http://127.0.0.1:{network_port}"),
                ("WEB_ALERTS_URL", f"http://127.0.0.1:{alerts_port}"),
            ),
        ),
    ]


def _http_ok(url: str) -> bool:
    return httpx.get(url, timeout=2.0).status_code == httpx.codes.OK


def ready(service: Service, *, log_offset: int = 0) -> bool:
    """An API answers its health check; a worker has logged that it is ready."""
    if service.health_url is not None:
        return _http_ok(service.health_url)
    log = service.process.log_file
    return log.exists() and WORKER_READY.encode() in log.read_bytes()[log_offset:]


def running_services() -> list[tuple[Service, int]]:
    """The services whose processes are running, with their pids."""
    found = []
    for service in services():
        pid = service.process.pid()
        if pid is not None:
            found.append((service, pid))
    return found


def start_services() -> list[str]:
    """Start every service that is not running and wait until each is ready."""
    lines = []
    for service in services():
        if service.process.pid() is not None:
            lines.append(f"{service.name}: already running")
            continue
        log = service.process.log_file
        offset = log.stat().st_size if log.exists() else 0
        # The state paths as the CLI resolved them, so every process reads the same files.
        env = {**state_path_environment(), **dict(service.env)}
        service.process.start(list(service.command), env=env)
        try:
            took = wait_until(
                lambda s=service, o=offset: ready(s, log_offset=o),  # type: ignore[misc]
                process=service.process,
                timeout_s=HEALTH_TIMEOUT_S,
                what=service.name,
            )
        except StartFailed:
            service.process.stop(timeout_s=10)
            raise
        lines.append(f"{service.name}: ready in {took:.1f}s (log {log})")
    return lines


def stop_services() -> list[str]:
    """Stop the services, APIs first so nothing new arrives while the workers drain."""
    return [service.process.stop(timeout_s=30.0) for service in reversed(services())]
