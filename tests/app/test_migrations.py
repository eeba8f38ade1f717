"""The migrations build exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from fpp.extensions import Base


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_the_migrations_form_one_line():
    """Work done side by side is chained before it lands: one head, so `fpp init-db` has one newest schema."""
    from alembic.script import ScriptDirectory

    from fpp.migrate import alembic_config
    assert len(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()) == 1
