"""Every table comes from a migration: the models and the migrations agree."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from congress.extensions import db as _db


def test_autogenerate_finds_no_difference_between_models_and_migrations(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, _db.metadata)
    assert diff == []
