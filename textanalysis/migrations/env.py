"""Alembic environment for the textanalysis store.

The Store runs ``upgrade head`` itself when it opens a database and passes its own
connection in ``config.attributes["connection"]`` (already inside a locked
transaction). Developers can also run Alembic directly:
``alembic -c textanalysis/migrations/alembic.ini -x url=sqlite:///my.db upgrade head``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from textanalysis.store.schema import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    engine = create_engine(url)
    with engine.connect() as conn:
        _configure_and_run(conn)
        conn.commit()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
