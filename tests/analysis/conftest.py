"""Fixtures of the analysis tests: Finistère (277 communes) and PySAL's numbers on it."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from tests.analysis import analysis_data
from trajectoires.analysis import queen_weights


@pytest.fixture(scope="session")
def finistere(territory_reference):
    """Communes of Finistère with an outline, their outlines and Queen weights."""
    table = territory_reference.communes_of(territory_reference.resolve("29"))
    table = table[table["density"].notna()]
    shapes = territory_reference.commune_geometries(table.index)
    weights = queen_weights(shapes, ids=table.index)
    return SimpleNamespace(table=table, shapes=shapes, weights=weights,
                           y=np.log1p(table["density"].to_numpy()))


@pytest.fixture(scope="session")
def pysal_finistere(finistere):
    """libpysal Queen weights and esda statistics on Finistère (999 permutations).

    Local statistics with seed 12345; the global Moran after ``numpy.random.seed(1)``.
    """
    geopandas = pytest.importorskip("geopandas")
    esda = pytest.importorskip("esda")
    libpysal = pytest.importorskip("libpysal")
    frame = geopandas.GeoDataFrame(finistere.table, geometry=list(finistere.shapes), crs=2154)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        queen = libpysal.weights.Queen.from_dataframe(frame, use_index=False,
                                                      silence_warnings=True)
        lisa = esda.Moran_Local(finistere.y, queen, permutations=999, seed=12345)
        queen_g = libpysal.weights.Queen.from_dataframe(frame, use_index=False,
                                                        silence_warnings=True)
        gstar = esda.G_Local(finistere.y, queen_g, transform="R", star=True, permutations=999,
                             seed=12345, n_jobs=1)
        queen_m = libpysal.weights.Queen.from_dataframe(frame, use_index=False,
                                                        silence_warnings=True)
        state = np.random.get_state()  # esda.Moran draws from numpy's global state
        try:
            np.random.seed(1)
            global_moran = esda.Moran(finistere.y, queen_m, permutations=999)
        finally:
            np.random.set_state(state)
    return SimpleNamespace(queen=queen_m, lisa=lisa, gstar=gstar, moran=global_moran, esda=esda)


@pytest.fixture(scope="session")
def shared_data():
    if not analysis_data.available():
        pytest.skip(f"the shared data files are absent ({analysis_data.MEDNUM})")
    return analysis_data
