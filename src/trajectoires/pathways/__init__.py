"""The trajectory: a pathway's actions projected on the territory's indicators, year by year.

A plan (JSON, ``docs/trajectory.md``; schema in ``plan.schema.json``) lists actions
with quantified effects (``open-place``, ``close-place``, ``ftth``, ``reach``,
``indicator``) and the targets of the vision. :func:`read_plan` checks it,
:func:`load_inputs` reads what the store holds for the territory, and
:func:`project` draws two scenarios from the latest data year to the horizon:
``tendance`` (the trend of each indicator) and ``actions`` (the trend plus the
effects of the enabled actions), with each action's contribution. Access is
recomputed by :mod:`trajectoires.analysis` with the places open each year and the
fragility index is scored again each year. No web framework or database import
here: the store is reached only through the session given to :func:`load_inputs`.
"""

from trajectoires.pathways._check import check_plan
from trajectoires.pathways._indicators import BEYOND_KM, NETWORKS, PROJECTED
from trajectoires.pathways._inputs import History, ProjectionInputs, load_inputs
from trajectoires.pathways._plan import (
    EFFECT_TYPES,
    Action,
    Effect,
    Plan,
    PlanError,
    Target,
    read_plan,
)
from trajectoires.pathways._project import project
from trajectoires.pathways._schema import SCHEMA_PATH, schema
from trajectoires.pathways._spreadsheet import spreadsheet_tables
from trajectoires.pathways._trajectory import (
    CLASSES,
    COLUMNS,
    SCENARIOS,
    Series,
    Trajectory,
    csv_name,
)

__all__ = [
    "BEYOND_KM",
    "CLASSES",
    "COLUMNS",
    "EFFECT_TYPES",
    "NETWORKS",
    "PROJECTED",
    "SCENARIOS",
    "SCHEMA_PATH",
    "Action",
    "Effect",
    "History",
    "Plan",
    "PlanError",
    "ProjectionInputs",
    "Series",
    "Target",
    "Trajectory",
    "check_plan",
    "csv_name",
    "load_inputs",
    "project",
    "read_plan",
    "schema",
    "spreadsheet_tables",
]
