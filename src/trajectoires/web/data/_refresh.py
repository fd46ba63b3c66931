"""What a web import refreshes: the pages' caches follow the store, warmed at once.

Every cache of the territory and diagnosis pages is keyed by the store's fingerprint
(:func:`~trajectoires.web.territory.deps.store_fingerprint`: the datasets' names,
checksums and import times), so an import made anywhere — ``data import`` in another
process, or this page — is seen by the next request, which recomputes what changed.
An import made here does more, as a server does at start: the diagnoses computed for
the old state are dropped (they only held memory), and a background thread prepares
the new state (the headline indicators and the aggregates of every level, the
picker's availability, the national inputs of the diagnosis), so the first page
after the import does not wait for them.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

__all__ = ["refresh_after_import"]

logger = logging.getLogger(__name__)


def refresh_after_import(app: Any) -> threading.Thread:  # noqa: ANN401 (a FastAPI app)
    """Drop the stale diagnoses, then warm the new state in a thread (kept on ``app.state``)."""
    from trajectoires.web.territory.deps import warm_up_in_background
    from trajectoires.web.territory.diagnosis_pages import drop_stale_diagnoses

    drop_stale_diagnoses(app)

    def work() -> None:
        warm_up_in_background(app).join()  # logs its own failure
        try:
            from trajectoires.diagnosis.inputs import load_inputs

            state = app.state
            with state.db.session() as session:
                load_inputs(session, state.settings.workspace / "analysis" / "diagnosis")
        except Exception:  # the diagnosis page computes them on demand and says what failed
            logger.warning("warm-up of the diagnosis inputs after an import failed",
                           exc_info=True)

    thread = threading.Thread(target=work, name="import-warm-up", daemon=True)
    app.state.data_refresh = thread
    thread.start()
    return thread
