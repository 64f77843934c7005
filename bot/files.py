"""Writing a file so that readers see the old version or the new one, never half of one."""

from __future__ import annotations

import os
from pathlib import Path


def partial_path(path: Path, suffix: str = "") -> Path:
    """Where a file is written before it is put in place with `os.replace`: one per process, so
    two bots on one machine never write into each other's file. `suffix` for writers that insist
    on their own (numpy's `.npz`)."""
    return path.with_name(f"{path.name}.{os.getpid()}.partial{suffix}")
