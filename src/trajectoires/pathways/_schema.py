"""The JSON Schema of a plan, kept as a file next to this module (``plan.schema.json``).

The same schema is printed in ``docs/trajectory.md`` (a test checks they agree).
:func:`~trajectoires.pathways.read_plan` is the validation the product runs: it says
what is wrong in French, with the JSON path; the schema documents the format for
other tools (editors, the web side).

Examples
--------
>>> schema()["properties"]["horizon"]["type"]
'integer'

"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

__all__ = ["SCHEMA_PATH", "schema"]

SCHEMA_PATH = Path(__file__).with_name("plan.schema.json")


@cache
def schema() -> dict:
    """Return the JSON Schema of a plan (draft 2020-12)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
