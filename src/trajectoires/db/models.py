"""Import every module that declares models, so Alembic and create_all see them all."""

import trajectoires.db.counters  # noqa: F401
import trajectoires.foresight.events.models  # noqa: F401
import trajectoires.foresight.history_models  # noqa: F401
import trajectoires.foresight.kinds.debate.models  # noqa: F401
import trajectoires.foresight.models  # noqa: F401
import trajectoires.foresight.search._models  # noqa: F401
import trajectoires.indicators.models  # noqa: F401
