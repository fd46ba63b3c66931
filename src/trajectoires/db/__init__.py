"""Storage: SQLAlchemy 2 engine and sessions, Alembic migrations.

SQLite (WAL mode) is the embedded default; PostgreSQL is used when the database
URL says so. Models live with their domain (``trajectoires.foresight``) and
derive from :class:`Base`.
"""

from trajectoires.db.base import Base
from trajectoires.db.engine import Database, connection_budget, create_database, migrate

__all__ = ["Base", "Database", "connection_budget", "create_database", "migrate"]
