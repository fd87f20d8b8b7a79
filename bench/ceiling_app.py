"""The ceiling for bench/cast.py: a minimal WSGI app whose one route INSERTs one row and
COMMITs, on the same PostgreSQL database and under the same gunicorn configuration as
the voting flow, so that flow requests/s can be read against what this machine can do
at best with one durable write per request.

    gunicorn --chdir bench ceiling_app:app      (CEILING_DATABASE_URL=postgresql://...)

bench/cast.py creates the table `bench_ceiling` and serves this module; run directly,
the module only says so (`make bench` runs every bench/*.py and this one is no benchmark).
"""

from __future__ import annotations

import os
import secrets
import threading

_local = threading.local()


def _connection():
    import psycopg

    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        url = os.environ["CEILING_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
        conn = _local.conn = psycopg.connect(url)
    return conn


def app(environ, start_response):
    """GET /healthz: no database; any other request: one INSERT, one COMMIT."""
    if environ.get("PATH_INFO") == "/healthz":
        body = b"ok\n"
    else:
        conn = _connection()
        with conn.cursor() as cur:
            cur.execute("INSERT INTO bench_ceiling (payload) VALUES (%s)", (secrets.token_hex(16),))
        conn.commit()
        body = b"inserted\n"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


if __name__ == "__main__":
    print("bench/ceiling_app.py is the ceiling app that bench/cast.py serves; nothing to run.")
