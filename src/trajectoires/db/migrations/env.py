"""Alembic environment: runs on the engine handed over by trajectoires.db.migrate."""

from alembic import context

import trajectoires.db.models  # noqa: F401  (registers every model on the metadata)
from trajectoires.db.base import Base

config = context.config
engine = config.attributes["connection_engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
