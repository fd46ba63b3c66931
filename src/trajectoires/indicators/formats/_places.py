"""Shared steps of the point datasets: coordinates, commune of each place, vintage from a name.

Examples
--------
>>> vintage_from_name("liste-fs-20240801.csv")
'2024-08-01'
>>> vintage_from_name("adresses.csv") is None
True

"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trajectoires.indicators.folding import LOCATED, UNKNOWN
from trajectoires.indicators.formats._common import Table
from trajectoires.indicators.formats._parsed import PLACE_COLUMNS
from trajectoires.indicators.report import FormatError, ImportReport

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["check_coordinates", "locate_places", "place_table", "vintage_from_name"]

NO_LOCATION = "ni code INSEE reconnu ni coordonnées situées dans une commune du référentiel"


def vintage_from_name(name: str) -> str | None:
    """Date ``YYYY-MM-DD`` written as ``YYYYMMDD`` in a file name, if any."""
    found = re.search(r"(?<!\d)(20\d\d)([01]\d)([0-3]\d)(?!\d)", name)
    return "-".join(found.groups()) if found else None


def check_coordinates(
    table: Table, lat: pd.Series, lon: pd.Series, columns: tuple[str, str]
) -> None:
    """Raise FormatError on the first latitude or longitude out of range."""
    for values, column, bound in ((lat, columns[0], 90), (lon, columns[1], 180)):
        bad = values.abs() > bound
        if bad.any():
            position = int(np.flatnonzero(bad.to_numpy())[0])
            raise FormatError(table.file, f"coordonnée WGS84 attendue (|valeur| ≤ {bound}), "
                              f"reçu « {values.iloc[position]} »", table.line_of(position),
                              column, table.line_label)


def locate_places(
    codes: pd.Series, lat: pd.Series, lon: pd.Series, matcher: CommuneMatcher, report: ImportReport
) -> pd.Series:
    """Commune of each place: its code (folded), else its coordinates; None when neither works.

    Counts matches, folds (arrondissements, old codes, located by coordinates)
    and rejections in ``report``.
    """
    matched = matcher.match(codes.fillna(""))
    commune = matched["commune"].copy()
    report.match(int(matched["reason"].isna().sum()))
    folded = matched["commune"].notna() & matched["reason"].notna()
    for reason, count in matched.loc[folded, "reason"].value_counts().items():
        report.fold(int(count), str(reason))
    todo = commune.isna()
    has_point = todo & lat.notna() & lon.notna()
    if has_point.any():
        commune[has_point] = matcher.locate(lon[has_point].to_numpy(), lat[has_point].to_numpy())
    located = has_point & commune.notna()
    report.fold(int(located.sum()), LOCATED)
    left = commune.isna()
    known_code_unknown = left & codes.fillna("").ne("")
    report.reject(int(known_code_unknown.sum()), f"{UNKNOWN}, coordonnées hors des communes")
    report.reject(int((left & ~known_code_unknown).sum()), NO_LOCATION)
    return commune


def place_table(
    ids: pd.Series,
    names: pd.Series,
    communes: pd.Series,
    lat: pd.Series,
    lon: pd.Series,
    *,
    kind: str,
    attributes: pd.DataFrame,
) -> pd.DataFrame:
    """Table of places (:data:`PLACE_COLUMNS`), attributes as JSON text, located ones only."""
    attrs = [
        json.dumps({k: v for k, v in row.items() if v not in ("", None)}, ensure_ascii=False)
        for row in attributes.to_dict("records")
    ]
    frame = pd.DataFrame({
        "id": ids.astype(str).to_numpy(),
        "name": names.astype(str).to_numpy(),
        "commune_code": communes.to_numpy(),
        "lat": lat.to_numpy(dtype=float),
        "lon": lon.to_numpy(dtype=float),
        "kind": kind,
        "attributes": attrs,
    })
    return frame[frame["commune_code"].notna()][PLACE_COLUMNS].reset_index(drop=True)


def unique_ids(table: Table, ids: pd.Series, column: str) -> None:
    """Raise FormatError on the first duplicated or empty identifier."""
    bad = ids.duplicated() | ids.eq("")
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        what = "vide" if ids.iloc[position] == "" else f"en double « {ids.iloc[position]} »"
        raise FormatError(table.file, f"identifiant unique attendu, {what}",
                          table.line_of(position), column, table.line_label)
