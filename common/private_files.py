"""Files only their owner may read: keys, passwords, and configuration that holds them."""

import os
from pathlib import Path


def write_private(path: Path, content: str | bytes) -> Path:
    """Write (or overwrite) the file with mode 0600, making its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return path
