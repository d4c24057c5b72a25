"""Shared fixtures. Area-specific fixtures live in the area's own test module or
in a clearly marked section below."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return ROOT / "data"


@pytest.fixture(scope="session")
def codebook_dir() -> Path:
    return ROOT / "codebook"
