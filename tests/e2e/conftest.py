"""Fixtures of the browser tests: Debian's Chromium through Playwright, a real gunicorn on
a fresh migrated SQLite database, and the staff accounts seeded before the browser starts.

Without Chromium (or Playwright) the tests skip with the reason, unless
CONGRESS_E2E_REQUIRED=1 (set by .ci/run): then a missing browser is a failure.
"""

from __future__ import annotations

import os

import pytest

from .e2e_support import SUMMARIES, browser_problem, end_world, launch, new_run, new_world

REQUIRED = os.environ.get("CONGRESS_E2E_REQUIRED", "").strip() not in ("", "0")


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium for one test module (closed before the rest of the suite runs)."""
    problem = browser_problem()
    if problem:
        if REQUIRED:
            pytest.fail(
                f"CONGRESS_E2E_REQUIRED is set, so the browser tests must run, but: {problem}",
                pytrace=False,
            )
        pytest.skip(f"browser tests skipped: {problem}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def world(chromium, sqlite_template, tmp_path):
    """A gunicorn serving a fresh copy of the migrated database (the test starts it)."""
    world = new_world(sqlite_template, tmp_path)
    yield world
    end_world(world)


@pytest.fixture
def run(request, chromium, world):
    """The phones of one test, every page checked; the test asserts `run.problems`."""
    run = new_run(request, chromium, world)
    yield run
    run.close()


def pytest_terminal_summary(terminalreporter):
    for summary in SUMMARIES:
        for line in summary.splitlines():
            terminalreporter.write_line(line)
