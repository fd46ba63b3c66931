"""Alembic environment: runs on the engine handed over by trajectoires.db.migrate.

On SQLite, foreign keys are switched off while migrating (outside the transaction,
where SQLite allows it): batch operations rebuild a table by copying it and dropping
the old one, and with foreign keys on, dropping a table deletes the rows that refer
to it through ``ON DELETE CASCADE``. ``PRAGMA foreign_key_check`` then proves that
the migrated data still holds together before foreign keys are switched on again.
"""

from alembic import context

import trajectoires.db.models  # noqa: F401  (registers every model on the metadata)
from trajectoires.db.base import Base

config = context.config
engine = config.attributes["connection_engine"]

with engine.connect() as connection:
    is_sqlite = connection.dialect.name == "sqlite"
    if is_sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        context.configure(
            connection=connection, target_metadata=Base.metadata, render_as_batch=is_sqlite
        )
        with context.begin_transaction():
            context.run_migrations()
            if is_sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
        connection.commit()
    finally:
        if is_sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
