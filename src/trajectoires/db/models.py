"""Import every module that declares models, so Alembic and create_all see them all."""

import trajectoires.foresight.models  # noqa: F401
import trajectoires.indicators.models  # noqa: F401
