"""The settings the CLI runs with: its state files found from the project, not the directory.

The services are started with their working directory at the project root, so the relative
defaults in `common.settings` (`.infra/auth/users.json`, ...) name the project's files there. The
CLI may be run from anywhere: it reads the project's `.env`, resolves each of those defaults
against the state folder (`tessera_cli.paths.STATE`, which TESSERA_STATE_DIR overrides), and
starts the services with the paths it resolved, so a token it issues is written where the
services read it. A path set in the environment is used as given (a relative one from the
directory the command is run in); a relative path in `.env` is taken from the project's folder.
"""

import os
from pathlib import Path, PurePosixPath
from typing import TypeVar, overload

from common.settings import InfraSettings
from tessera_cli.paths import ROOT, STATE

S = TypeVar("S", bound=InfraSettings)

# The settings that name files in the state folder by default.
STATE_PATHS = ("tessera_auth_file", "tessera_person_id_key_file", "kafka_secrets_dir")
_DEFAULT_STATE_FOLDER = ".infra"


@overload
def cli_settings() -> InfraSettings: ...
@overload
def cli_settings(kind: type[S]) -> S: ...
def cli_settings(kind: type[InfraSettings] = InfraSettings) -> InfraSettings:
    """Settings of the given kind, read from the environment and the project's `.env`, whose
    state paths are absolute: in the state folder when left at their defaults."""
    settings = _read(kind)
    return settings.model_copy(update=_state_paths(settings))


def state_path_environment() -> dict[str, str]:
    """The state paths as the CLI resolved them, as environment variables for the processes it
    starts, so that they read the same files wherever the state folder is."""
    return {name.upper(): value for name, value in _state_paths(_read(InfraSettings)).items()}


def _read(kind: type[S]) -> S:
    return kind(_env_file=ROOT / ".env")


def _state_paths(settings: InfraSettings) -> dict[str, str]:
    environment = {key.lower() for key in os.environ}
    resolved = {}
    for name in STATE_PATHS:
        if name not in settings.model_fields_set:
            path = _in_state(str(InfraSettings.model_fields[name].default))
        elif name in environment:
            path = Path(getattr(settings, name)).absolute()
        else:  # from the project's `.env`, which the services read from the project's folder
            path = ROOT / getattr(settings, name)
        resolved[name] = str(path)
    return resolved


def _in_state(default: str) -> Path:
    path = PurePosixPath(default)
    if path.parts[:1] == (_DEFAULT_STATE_FOLDER,):
        return STATE.joinpath(*path.parts[1:])
    return ROOT / path
