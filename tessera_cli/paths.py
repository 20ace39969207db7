"""Where the project, its infrastructure recipes and its ignored state folder are."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INFRA = ROOT / "infra"
STATE = Path(os.environ.get("TESSERA_STATE_DIR", ROOT / ".infra")).resolve()
LOGS = STATE / "logs"
RUN = STATE / "run"


def ensure_state_dirs() -> None:
    """Create the ignored folders for logs, pid files and data."""
    for folder in (STATE, LOGS, RUN):
        folder.mkdir(parents=True, exist_ok=True)
