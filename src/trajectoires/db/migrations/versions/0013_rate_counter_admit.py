"""PostgreSQL: ``rate_counter_admit``, the write throttle's check and count in one call.

:func:`trajectoires.db.counters.admit_at_once` calls it outside any transaction: the
advisory locks of the keys are held while the function runs, not across five round trips
between the server and the database (every write of a hall shares its address's lock;
#14: the throttle halved the writes per second of a server under 500 participants).
Each statement of a volatile function reads a fresh snapshot, so the counts read after
the locks include those of the writer that held them before. SQLite: nothing (the
throttle counts in the server's memory there).

Revision ID: 0013_rate_counter_admit
Revises: 0012_facilitator_admin
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_rate_counter_admit"
down_revision: str | None = "0012_facilitator_admin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ADMIT = """
CREATE OR REPLACE FUNCTION rate_counter_admit(
    p_keys text[], p_limits integer[], p_locks integer[], p_space integer,
    p_now double precision, p_window double precision
) RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    lock_id integer;
    wait double precision;
BEGIN
    FOREACH lock_id IN ARRAY p_locks LOOP  -- in the caller's order (sorted by key)
        PERFORM pg_advisory_xact_lock(p_space, lock_id);
    END LOOP;
    SELECT max(least(t.second + 1, p_now) + p_window - p_now) INTO wait FROM (
        SELECT c.second, c.n, l.lim,
               sum(c.n) OVER (PARTITION BY c.key ORDER BY c.second DESC) AS total
        FROM rate_counter c
        JOIN unnest(p_keys, p_limits) AS l(key, lim) ON c.key = l.key
        WHERE c.second > p_now - p_window - 1
    ) t
    WHERE t.total - t.n < t.lim AND t.lim <= t.total;
    IF wait > 0 THEN
        RETURN greatest(1, floor(wait + 0.999)::integer);
    END IF;
    INSERT INTO rate_counter (key, second, n)
    SELECT k, floor(p_now)::bigint, 1 FROM unnest(p_keys) AS k
    ON CONFLICT (key, second) DO UPDATE SET n = rate_counter.n + 1;
    RETURN 0;
END
$$
"""


def upgrade() -> None:
    """Create ``rate_counter_admit`` on PostgreSQL."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(ADMIT)


def downgrade() -> None:
    """Drop ``rate_counter_admit`` on PostgreSQL."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS "
                   "rate_counter_admit(text[], integer[], integer[], integer, "
                   "double precision, double precision)")
