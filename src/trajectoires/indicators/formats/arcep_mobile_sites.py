r"""Mobile sites (ARCEP / ANFR list, « Mon réseau mobile »): a count proxy, not coverage.

Two official layouts (``FORMATS.md`` §3.2, importer B), ``;`` separator, UTF-8
or Windows-1252, column names matched case-insensitively:

- **metropolitan** files: ``insee_com`` (commune of the site, folded like every
  code), ``site_2g``, ``site_3g``, ``site_4g`` (0/1) and optionally ``site_5g``,
  ``code_op``/``num_site`` (the site identifier), ``insee_dep``…;
- **overseas** files: ``Operateur;X;Y;C2G;C3G;C4G`` with X = longitude and
  Y = latitude (WGS84): the commune is the outline containing the point; a
  coastal site just outside the simplified outlines (within 0.005°, about
  500 m) goes to the nearest commune; Saint-Barthélemy, Saint-Martin and
  Saint-Pierre-et-Miquelon are collectivités absent from the COG communes:
  their sites are rejected with that reason.

One row is one site of one operator (a mast shared by three operators counts
three). Identical rows are counted once (the others are rejected as
duplicates); one site identifier with two different contents is refused.

Stored per commune: ``arcep_sites_mobiles`` (all sites), ``arcep_sites_4g``,
``arcep_sites_5g`` (when the file has 5G), ``arcep_sites_pop`` (population of
the reference) and the ratio ``arcep_sites_4g_1000hab``. The list is exhaustive
for the départements it covers, so their communes without a site get 0; other
départements get nothing. This is a **proxy**: it is not 4G coverage and does
not feed the ``no_4g_coverage`` criterion of the fragility index.

Examples
--------
>>> from trajectoires.indicators.formats._examples import fixture_matcher
>>> tmp, matcher = fixture_matcher()
>>> path = tmp / "sites_2020_T2.csv"
>>> _ = path.write_text("code_op;num_site;insee_com;site_2g;site_3g;site_4g\n"
...                     "20801;A1;29232;1;1;1\n20810;B7;29232;1;1;0\n")
>>> parsed = parse(path, matcher)
>>> sites = parsed.values.query("commune_code == '29232'").set_index("indicator")["value"]
>>> int(sites["arcep_sites_mobiles"]), int(sites["arcep_sites_4g"]), parsed.period
(2, 1, '2020-T2')

"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trajectoires.indicators.folding import LOCATED
from trajectoires.indicators.formats._common import (
    Table,
    commune_codes,
    missing_columns,
    numbers,
    read_csv,
)
from trajectoires.indicators.formats._parsed import VALUE_COLUMNS, Parsed, attach, with_ratios
from trajectoires.indicators.formats._places import check_coordinates
from trajectoires.indicators.formats.arcep_mobile import period_from_name, undated
from trajectoires.indicators.report import FormatError, ImportReport

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["METROPOLITAN", "OUTSIDE_COG", "OVERSEAS", "PROXY_NOTE", "parse"]

METROPOLITAN = ("insee_com", "site_2g", "site_3g", "site_4g")
OVERSEAS = ("operateur", "x", "y", "c2g", "c3g", "c4g")
OUTSIDE_COG = {
    "Saint-Barthélemy (977)": (-62.96, -62.77, 17.85, 17.97),
    "Saint-Martin (978)": (-63.16, -62.96, 18.02, 18.13),
    "Saint-Pierre-et-Miquelon (975)": (-56.45, -56.10, 46.74, 47.15),
}
"""Bounding boxes (lon min, lon max, lat min, lat max) of the collectivités d'outre-mer
whose sites ARCEP lists but whose territory is not among the COG communes."""

PROXY_NOTE = ("indicateur indirect : nombre de sites (un par opérateur), pas une couverture ; "
              "n'alimente pas le critère « non-couverture 4G » de l'indice")
DUPLICATE = "ligne identique à une ligne précédente (doublon ignoré)"
NO_CODE = "sans code INSEE (insee_com vide)"
NEAREST = "site côtier hors des contours simplifiés : commune la plus proche (moins de 500 m)"
OUTSIDE = "coordonnées hors des communes du référentiel (COG 2025)"
_NEAR = 0.005  # degrees, about 500 m at these latitudes


def parse(path: Path, matcher: CommuneMatcher, vintage: str | None = None) -> Parsed:
    """Validate and read a list of mobile sites, metropolitan or overseas layout."""
    table = read_csv(path, ";", encodings=("utf-8-sig", "cp1252"))
    columns = {c.strip().lower(): c for c in table.frame.columns}
    layout = _layout(table, columns)
    report = ImportReport("arcep-mobile-sites", path.name, read=len(table.frame))
    flags = {tech: _flags(table, column, optional=tech == "5g")
             for tech, column in _flag_columns(layout, columns).items()}
    duplicate = _duplicates(table, columns, layout)
    report.reject(int(duplicate.sum()), DUPLICATE)
    wide = pd.DataFrame({"sites": 1.0, **{f"sites_{t}": flags[t] for t in ("4g", "5g")
                                          if t in flags}},
                        index=table.frame.index)[~duplicate]
    if layout == "metropolitan":
        codes = commune_codes(table, columns["insee_com"], allow_empty=True)[~duplicate]
        report.reject(int(codes.eq("").sum()), NO_CODE)
        keep = codes.ne("")
        frame = attach(wide[keep], codes[keep], matcher, report)
    else:
        frame = _located(table, columns, wide, matcher=matcher, report=report)
    period = vintage or period_from_name(path.name)
    if period is None:
        raise undated(path.name, "")
    values = _counts(frame, matcher, period, report)
    report.notes.append(PROXY_NOTE)
    report.period, report.values = period, len(values)
    return Parsed("arcep-mobile-sites", values, report, period)


def _layout(table: Table, columns: dict[str, str]) -> str:
    """``metropolitan`` or ``overseas`` from the header; FormatError naming both layouts."""
    names = set(columns)
    for layout, required in (("metropolitan", METROPOLITAN), ("overseas", OVERSEAS)):
        if {required[0], required[-1]} <= names:
            missing = [c for c in required if c not in names]
            if missing:
                raise FormatError(table.file, f"{missing_columns(missing)} : "
                                  f"{', '.join(missing)} ; colonnes lues : "
                                  f"{', '.join(table.frame.columns)}", table.header_line)
            return layout
    raise FormatError(
        table.file, "liste de sites mobiles attendue : colonnes insee_com, site_2g, site_3g, "
        "site_4g (métropole) ou Operateur, X, Y, C2G, C3G, C4G (outre-mer) ; colonnes lues : "
        f"{', '.join(table.frame.columns)}", table.header_line)


def _flag_columns(layout: str, columns: dict[str, str]) -> dict[str, str]:
    """Technology → flag column of the file (2G, 3G, 4G required; 5G when present)."""
    prefix = "site_" if layout == "metropolitan" else "c"
    names = {tech: f"{prefix}{tech}" for tech in ("2g", "3g", "4g", "5g")}
    return {tech: columns[name] for tech, name in names.items() if name in columns}


def _flags(table: Table, column: str, optional: bool) -> pd.Series:
    """Return a 0/1 column as floats (an empty optional 5G flag is 0), or refuse it."""
    raw = table.frame[column].astype(str).str.strip()
    if optional:
        raw = raw.replace("", "0")
    bad = ~raw.isin(["0", "1"])
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise FormatError(table.file, f"indicateur 0 ou 1 attendu, reçu « {raw.iloc[position]} »",
                          table.line_of(position), column)
    return raw.eq("1").astype(float)


def _duplicates(table: Table, columns: dict[str, str], layout: str) -> pd.Series:
    """Mask of rows identical to an earlier row; FormatError when one site id differs."""
    frame = table.frame.apply(lambda s: s.astype(str).str.strip())
    identical = frame.duplicated()
    if layout == "metropolitan" and {"code_op", "num_site"} <= set(columns):
        ids = frame[columns["code_op"]] + "/" + frame[columns["num_site"]]
        clash = ids.duplicated() & ~identical & ~ids.str.endswith("/")
        if clash.any():
            position = int(np.flatnonzero(clash.to_numpy())[0])
            first = int(np.flatnonzero((ids == ids.iloc[position]).to_numpy())[0])
            raise FormatError(
                table.file, f"site « {ids.iloc[position]} » (code_op/num_site) en double avec "
                f"un contenu différent (déjà ligne {table.line_of(first)})",
                table.line_of(position), columns["num_site"])
    return identical


def _located(table: Table, columns: dict[str, str], wide: pd.DataFrame, *,
             matcher: CommuneMatcher, report: ImportReport) -> pd.DataFrame:
    """Commune of each overseas site, from its point (X = longitude, Y = latitude)."""
    lon = numbers(table, columns["x"], decimal_comma=True, minimum=None)[wide.index]
    lat = numbers(table, columns["y"], decimal_comma=True, minimum=None)[wide.index]
    check_coordinates(table, lat, lon, (columns["y"], columns["x"]))
    commune = pd.Series(matcher.locate(lon.to_numpy(), lat.to_numpy()), index=lon.index,
                        dtype=object)
    if len(commune) and commune.isna().all():
        swapped = pd.Series(matcher.locate(lat.to_numpy(), lon.to_numpy()), dtype=object)
        if swapped.notna().mean() > 0.5:
            raise FormatError(table.file, "X = longitude et Y = latitude attendus (WGS84) : "
                              "les points ne tombent dans les communes qu'une fois X et Y "
                              "inversés", table.header_line, columns["x"])
    report.fold(int(commune.notna().sum()), LOCATED)
    left = commune.isna()
    for name, (x0, x1, y0, y1) in OUTSIDE_COG.items():
        inside = left & lon.between(x0, x1) & lat.between(y0, y1)
        report.reject(int(inside.sum()), f"{name} : collectivité d'outre-mer, absente des "
                      "communes du référentiel (COG 2025)")
        left &= ~inside
    if left.any():
        near = _nearest(lon[left], lat[left], matcher)
        report.fold(int(near.notna().sum()), NEAREST)
        report.reject(int(near.isna().sum()), OUTSIDE)
        commune[left] = near
    keep = commune.notna()
    return wide[keep].assign(commune_code=commune[keep])


def _nearest(lon: pd.Series, lat: pd.Series, matcher: CommuneMatcher) -> pd.Series:
    """Commune whose outline is within :data:`_NEAR` degrees of each point, else None."""
    import shapely

    codes = list(matcher.communes.index)
    outlines = matcher.reference.commune_geometries(codes, crs="EPSG:4326")
    kept = [i for i, g in enumerate(outlines) if g is not None]
    tree = shapely.STRtree([outlines[i] for i in kept])
    found = pd.Series(None, index=lon.index, dtype=object)
    hits = tree.query_nearest(shapely.points(lon.to_numpy(), lat.to_numpy()),
                              max_distance=_NEAR, all_matches=False)
    for point, outline in zip(hits[0], hits[1], strict=True):
        found.iloc[point] = codes[kept[outline]]
    return found


def _counts(frame: pd.DataFrame, matcher: CommuneMatcher, period: str,
            report: ImportReport) -> pd.DataFrame:
    """Sites per commune, 0 for the communes without a site in the départements covered."""
    communes = matcher.communes
    sums = frame.groupby("commune_code").sum()
    covered = communes[communes["departement_code"].isin(
        communes.loc[sums.index, "departement_code"])]
    wide = sums.reindex(covered.index, fill_value=0.0)
    wide.columns = [f"arcep_{c}" if c != "sites" else "arcep_sites_mobiles" for c in wide.columns]
    wide["arcep_sites_pop"] = covered["population"].astype(float)
    wide.index.name = "commune_code"
    long = wide.reset_index().melt(id_vars="commune_code", var_name="indicator",
                                   value_name="value").dropna(subset=["value"])
    long["period"] = period
    departements = ", ".join(sorted(covered["departement_code"].unique()))
    empty = len(covered) - len(sums)
    note = f"départements couverts : {departements or 'aucun'}"
    if empty:
        note += (f" ; {empty} commune{'s' if empty > 1 else ''} sans site, "
                 f"compté{'es' if empty > 1 else 'e'} avec 0 site")
    report.notes.append(note)
    return with_ratios(long[VALUE_COLUMNS].reset_index(drop=True))
