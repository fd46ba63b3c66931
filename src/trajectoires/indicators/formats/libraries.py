r"""Public libraries: "Adresses des bibliothèques publiques" (Ministère de la Culture).

CSV with ``;`` separator; key ``INSEE`` (old codes are folded into the current
commune, unknown ones located by their coordinates); coordinates in
``coordonnees_finales`` as ``"lat,lon"``; rows whose ``type_adresse`` is not
« Bibliothèque ouverte au public » (administrative addresses) are left out
(``README.md`` of the shared data). Gives the places (kind ``libraries``) and the
indicator ``bibliotheques`` (libraries open to the public per commune).

Examples
--------
>>> from trajectoires.indicators.formats._examples import fixture_matcher
>>> tmp, matcher = fixture_matcher()
>>> path = tmp / "bibliotheques.csv"
>>> _ = path.write_text("Libelle1;INSEE;coordonnees_finales;code_bib;type_adresse\n"
...     "Médiathèque;29232;47.99,-4.10;1.0;Bibliothèque ouverte au public\n"
...     "Siège;29232;47.99,-4.10;2.0;Adresse administrative\n")
>>> parsed = parse(path, matcher, vintage="2019")
>>> parsed.places[["id", "commune_code"]].values.tolist(), parsed.report.rejected
([['1', '29232']], 1)

"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trajectoires.indicators.formats._common import Table, commune_codes, read_csv, require_columns
from trajectoires.indicators.formats._parsed import UNDATED, Parsed, count_places
from trajectoires.indicators.formats._places import (
    check_coordinates,
    locate_places,
    place_table,
    unique_ids,
    vintage_from_name,
)
from trajectoires.indicators.report import FormatError, ImportReport

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["OPEN_TO_PUBLIC", "REQUIRED", "parse"]

REQUIRED = ["Libelle1", "INSEE", "coordonnees_finales", "code_bib", "type_adresse"]
OPEN_TO_PUBLIC = "Bibliothèque ouverte au public"
ATTRIBUTES = ["Libelle2", "voie", "CP", "Ville", "Statut", "surface", "amplitude_horaire"]


def parse(path: Path, matcher: CommuneMatcher, vintage: str | None = None) -> Parsed:
    """Validate and read the list of public libraries."""
    table = read_csv(path, ";")
    require_columns(table, REQUIRED)
    frame = table.frame
    report = ImportReport("libraries", path.name, read=len(frame))
    ids = frame["code_bib"].str.strip().str.replace(r"\.0$", "", regex=True)
    unique_ids(table, ids, "code_bib")
    codes = commune_codes(table, "INSEE")
    lat, lon = _coordinates(table, "coordonnees_finales")
    check_coordinates(table, lat, lon, ("coordonnees_finales", "coordonnees_finales"))
    public = frame["type_adresse"].str.strip().eq(OPEN_TO_PUBLIC)
    report.reject(int((~public).sum()), "adresse administrative, pas un lieu ouvert au public")
    communes = locate_places(codes[public], lat[public], lon[public], matcher, report)
    kept = frame[public]
    places = place_table(
        ids[public], kept["Libelle1"], communes, lat[public], lon[public], kind="libraries",
        attributes=kept[[c for c in ATTRIBUTES if c in kept.columns]],
    )
    period = vintage or vintage_from_name(path.name) or UNDATED
    values = count_places(places, "bibliotheques", period)
    report.period, report.places, report.values = period, len(places), len(values)
    if period == UNDATED:
        report.notes.append("millésime absent du fichier : précisez-le avec --millesime")
    return Parsed("libraries", values, report, period, places)


def _coordinates(table: Table, column: str) -> tuple[pd.Series, pd.Series]:
    """Latitude and longitude from ``"lat,lon"`` text (NaN when empty)."""
    raw = table.frame[column].str.strip()
    parts = raw.str.extract(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
    bad = parts[0].isna() & raw.ne("")
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise FormatError(table.file, f"coordonnées « latitude,longitude » attendues, reçu "
                          f"« {raw.iloc[position]} »", table.line_of(position), column)
    return parts[0].astype(float), parts[1].astype(float)
