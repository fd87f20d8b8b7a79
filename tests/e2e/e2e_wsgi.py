"""The app for the browser tests' gunicorn: `wsgi:app` with its own instance folder, so the
outbox, the import previews and the logs of a run stay in the test's temporary folder."""

import os

from congress import create_app

# The cheap password hash of the test suite: the scenario activates and logs in a dozen
# accounts, and argon2's production cost is not what it tests.
app = create_app(
    {"INSTANCE_PATH": os.environ["CONGRESS_E2E_INSTANCE"], "PASSWORD_HASH_PROFILE": "test"}
)
