"""Fixtures for the bylaws engine tests: the example bylaws, loaded once."""

from __future__ import annotations

import pytest
from bylaws_helpers import EXAMPLE_TEXT

from congress.core.bylaws import Bylaws, load_bylaws


@pytest.fixture(scope="session")
def example() -> Bylaws:
    return load_bylaws(EXAMPLE_TEXT)


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE_TEXT
