"""Fixtures of the security tests.

`fuzz_env` is one application and one `security_world.World` per module and backend:
the fuzz tests post only input the application must refuse, and each example checks
that no row changed, so the examples of a whole module can share one database.
Helpers shared with other folders come from `support` and `scenario` as everywhere.
"""

from __future__ import annotations

import itertools
import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from security_world import build_world
from sqlalchemy.engine import make_url

from congress import create_app

PG_URL = os.environ.get("CONGRESS_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
_names = itertools.count()


class ThreadedClient(FlaskClient):
    """Each request in its own thread, so with its own app context and database session
    (as `tests/conftest.py`'s client does), even while the module holds one open."""

    def open(self, *args, **kwargs):
        from congress.extensions import db

        db.session.commit()
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(super().open, *args, **kwargs).result()


def security_config(url: str, instance, **extra) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": url,
        "SECRET_KEY": "security-test-secret-" + "y" * 32,
        "INSTANCE_PATH": str(instance),
        "PASSWORD_HASH_PROFILE": "test",
        "SERVER_NAME": None,
        **extra,
    }


def _admin_engine() -> sa.Engine:
    url = make_url(PG_URL).set(drivername="postgresql+psycopg")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


@pytest.fixture(scope="module", params=BACKENDS)
def fuzz_env(request, tmp_path_factory):
    """(app, world) for a whole module; rate limits off so a hundred failed logins in a
    row are still answered by the login code, not by the limiter."""
    base = tmp_path_factory.mktemp("security")
    dropped = None
    if request.param == "sqlite":
        path = base / "congress.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        template = request.getfixturevalue("pg_template")
        dropped = f"{make_url(PG_URL).database}_sec{os.getpid()}_{next(_names)}"
        admin = _admin_engine()
        with admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{dropped}" TEMPLATE "{template}"')
        admin.dispose()
        url = make_url(PG_URL).set(database=dropped).render_as_string(hide_password=False)
    app = create_app(security_config(url, base / "instance", RATELIMIT_ENABLED=False))
    app.test_client_class = ThreadedClient
    with app.app_context():
        from congress.extensions import db

        world = build_world(app)
        app.backend = request.param
        yield app, world
        db.session.remove()
        db.engine.dispose()
    if dropped:
        admin = _admin_engine()
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')
        admin.dispose()
