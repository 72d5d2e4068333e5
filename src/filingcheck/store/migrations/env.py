"""Alembic environment: run on the connection the service hands over, or on the configured URL."""

from __future__ import annotations

from alembic import context

from filingcheck.store import logins  # noqa: F401  (its table joins the metadata autogenerate compares)
from filingcheck.store.tables import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from filingcheck.store.db import Database

    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from filingcheck.config import Settings

        url = Settings().resolved_database_url
    database = Database(url)  # creates the SQLite folder, sets the pragmas, picks psycopg 3
    try:
        with database.engine.begin() as connection:
            _run(connection)
    finally:
        database.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
