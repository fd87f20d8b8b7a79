"""Fixtures for the tally tests: the corpus folder (or a skip saying why it is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tally_corpus import CORPUS_ENV, corpus_dir


@pytest.fixture
def corpus_root() -> Path:
    """The tally corpus folder; the test is skipped when the environment does not name one."""
    root = corpus_dir()
    if root is None:
        pytest.skip(f"{CORPUS_ENV} not set: tally corpus tests skipped")
    if not (root / "manifest.json").is_file():
        pytest.skip(f"{CORPUS_ENV}={root} has no manifest.json: tally corpus tests skipped")
    return root
