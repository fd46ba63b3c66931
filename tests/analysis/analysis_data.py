"""Read the real indicator and place files of ``../shared/data/fr`` (tests and benchmarks only).

The product never reads ``../shared``: the indicators importers hand the analysis
DataFrames; this helper builds the same shapes from the copied open-data files.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
FR = SHARED_DATA / "fr"
MEDNUM = FR / "dataforgood_mednum_2020"


def available() -> bool:
    return (MEDNUM / "taux_couverture_THD.csv").exists()


def indicator_values(codes: pd.Index | None = None) -> pd.DataFrame:
    """Wide table of the fragility inputs per commune code (NaN when unknown).

    - no_thd_coverage: ARCEP 2019-09 non-coverage by >= 30 Mbit/s (the file's
      TAUX_COUVERTURE_THD is a NON-coverage rate, see README);
    - share_65_plus, share_low_diploma: INSEE RP 2017 (duplicated rows dropped);
    - poverty_rate: the DGFiP IRCOM proxy (5,611 communes only).
    No 4G non-coverage file exists in the copy, so that column is absent.
    """
    thd = pd.read_csv(MEDNUM / "taux_couverture_THD.csv", dtype={"CODE_INSEE": str})
    rp = pd.read_csv(MEDNUM / "data_scol_menage_demandeurEmplois.csv",
                     dtype={"CODE_INSEE": str}, index_col=0)
    rp = rp.drop_duplicates("CODE_INSEE", keep="first")
    poverty = pd.read_csv(MEDNUM / "taux_pauvrete.csv", dtype={"CODE_INSEE": str})
    table = pd.concat(
        [
            thd.set_index("CODE_INSEE")["TAUX_COUVERTURE_THD"].rename("no_thd_coverage"),
            rp.set_index("CODE_INSEE")["TX_65ETPLUS"].rename("share_65_plus"),
            rp.set_index("CODE_INSEE")["TX_NSCOL15P"].rename("share_low_diploma"),
            poverty.set_index("CODE_INSEE")["TX_POVERTY"].rename("poverty_rate"),
        ],
        axis=1,
    )
    table.index.name = "code"
    return table if codes is None else table.reindex(codes)


def france_services() -> np.ndarray:
    """(lon, lat) of every France Services site (2024-08-01)."""
    frame = pd.read_csv(FR / "france_services" / "liste-fs-20240801.csv",
                        usecols=["longitude", "latitude"])
    return frame[["longitude", "latitude"]].to_numpy(dtype=float)


def libraries() -> np.ndarray:
    """(lon, lat) of public libraries open to the public ("lat, lon" strings)."""
    frame = pd.read_csv(FR / "bibliotheques" / "adresses-des-bibliotheques-publiques.csv",
                        sep=";", usecols=["coordonnees_finales", "type_adresse"], dtype=str)
    frame = frame[frame["type_adresse"] == "Bibliothèque ouverte au public"]
    parts = frame["coordonnees_finales"].dropna().str.split(",", expand=True).astype(float)
    return parts[[1, 0]].to_numpy()


def mediation_places() -> np.ndarray:
    """(lon, lat) of the conseiller numérique permanences (national file, 2022)."""
    path = FR / "lieux_mediation_numerique" / "lieux-de-mediation-numerique.cnfs.json"
    rows = json.loads(path.read_text())
    points = np.array([(r.get("longitude"), r.get("latitude")) for r in rows], dtype=float)
    return points[~np.isnan(points).any(axis=1)]
