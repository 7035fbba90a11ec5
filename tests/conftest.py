"""Shared test set-up: test helpers importable by name, and the bundled catalogue loaded once."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def catalogue():
    from solver.model.catalogue import load_catalogue

    return load_catalogue()
