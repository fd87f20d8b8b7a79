"""Fixtures: every test that touches the database runs on SQLite and, when
CONGRESS_TEST_DATABASE_URL names a PostgreSQL database, on PostgreSQL too.

Each test gets its own clean database: a copy of a migrated SQLite file, or a
PostgreSQL database created from a migrated template.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

import voting_steps
from congress import create_app
from scenario import delegate_users, demo_conference
from support import PASSWORD, Browser
from support import test_settings as _config

PG_URL = os.environ.get("CONGRESS_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
_ran: dict[str, int] = {b: 0 for b in BACKENDS}
_names = itertools.count()


def _pg_admin_engine() -> sa.Engine:
    url = make_url(PG_URL).set(drivername="postgresql+psycopg")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def _migrate(url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(_config(url, instance))
    with app.app_context():
        upgrade()
        from congress.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("sqlite-template")
    path = base / "template.sqlite3"
    _migrate(f"sqlite:///{path}", base / "instance")
    con = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
    with con.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    con.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory):
    """Only requested by PostgreSQL runs, so PG_URL is set here."""
    base_name = make_url(PG_URL).database
    name = f"{base_name}_tmpl_{os.getpid()}"
    admin = _pg_admin_engine()
    with admin.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    _migrate(url, tmp_path_factory.mktemp("pg-template"))
    yield name
    with admin.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """A fresh, migrated database of one backend for this test."""
    backend = request.param
    _ran[backend] += 1
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "congress.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"{make_url(PG_URL).database}_t{os.getpid()}_{next(_names)}"
    admin = _pg_admin_engine()
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def backend(db_url) -> str:
    return "sqlite" if db_url.startswith("sqlite") else "postgresql"


@pytest.fixture
def app_config(db_url, tmp_path) -> dict:
    """Override in a test module to change settings before the app is built."""
    return _config(db_url, tmp_path / "instance")


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh thread, so it pushes its own app context (its own
    `g`, its own database session) even while the test body holds one, as two
    requests to a real server would."""

    def open(self, *args, **kwargs):
        from congress.extensions import db

        db.session.commit()  # end the test body's transaction: it sees the request's writes
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(super().open, *args, **kwargs).result()


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        from congress.extensions import db, limiter

        limiter.reset()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    from congress.extensions import db

    return db


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


@pytest.fixture
def make_browser(app):
    return lambda: Browser(app.test_client())


@pytest.fixture
def make_user(app, db):
    """Create a user (committed) and return it: make_user(roles=("observer",))."""
    from congress.auth.operations import create_user
    from congress.database import write_intent

    def make(email: str | None = None, *, roles=(), password: str = PASSWORD, **kw):
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.org"
        with write_intent():
            user = create_user(
                email, kw.pop("name", email.split("@")[0]), password, roles=tuple(roles), **kw
            )
            db.session.commit()
        return user

    return make


@pytest.fixture
def staff(make_browser, make_user):
    """A logged-in browser for a new user with one role: staff("administrator")."""

    def as_role(role):
        user = make_user(roles=(role,))
        b = make_browser()
        assert b.login(user.email, PASSWORD).status_code == 302
        return b

    return as_role


@pytest.fixture
def login_as(make_user, browser):
    """Log the browser in as a new user with the given roles; returns the user."""

    def go(*roles: str, **kw):
        user = make_user(roles=roles, **kw)
        response = browser.login(user.email, PASSWORD)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return go


_reports: list[str] = []


@pytest.fixture
def report():
    """Figures a test wants in the run's summary (pytest keeps a passing test's prints)."""
    return _reports.append


def pytest_terminal_summary(terminalreporter):
    for line in _reports:
        terminalreporter.write_line(line)
    ran = ", ".join(f"{b}: {n} tests" for b, n in _ran.items())
    if PG_URL:
        terminalreporter.write_line(
            f"database backends: {ran} (PostgreSQL via CONGRESS_TEST_DATABASE_URL)"
        )
    else:
        terminalreporter.write_line(
            f"database backends: {ran}; PostgreSQL not tested "
            f"(set CONGRESS_TEST_DATABASE_URL to include it)"
        )


# --- a conference in session, for polls ------------------------------------------------


@pytest.fixture
def demo(db):
    """The demo organization and its convened conference."""
    return demo_conference()


@pytest.fixture
def committee(demo, make_browser):
    """A browser logged in as a member of the demo conference's election committee."""
    b = make_browser()
    assert b.login(*voting_steps.COMMITTEE).status_code == 302
    return b


@pytest.fixture
def session_with(demo):
    """The demo conference in session with n accredited delegates, `present` checked in."""

    def make(n, present=None):
        return demo, delegate_users(demo, n, present=present)

    return make
