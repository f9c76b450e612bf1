"""Shared fixtures: the known-answer vectors of shared/vectors/confidential."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

VECTOR_FILE = "cloister-conf-v1.json"


def vectors_path() -> Path:
    """``$CLOISTER_VECTORS`` (the JSON file, or the folder holding it) when set, else
    ``<repo root>/../shared/vectors/confidential/cloister-conf-v1.json``."""
    override = os.environ.get("CLOISTER_VECTORS")
    if override:
        p = Path(override)
        return p / VECTOR_FILE if p.is_dir() else p
    repo_root = Path(__file__).resolve().parents[3]
    return repo_root.parent / "shared" / "vectors" / "confidential" / VECTOR_FILE


@pytest.fixture(scope="session")
def vectors() -> dict[str, Any]:
    path = vectors_path()
    if not path.is_file():
        pytest.skip(f"known-answer vectors not found at {path} (set CLOISTER_VECTORS to the file)")
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded
