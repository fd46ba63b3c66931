"""Analysis of territorial data: fragility, access to help, spatial reading.

Pure functions over tables, arrays and outlines that return frozen dataclasses;
no web framework, database or plotting import (a test checks that importing this
package stays light: scipy and shapely load only when a function needs them).
Everything is numpy and scipy: nothing is compiled, so no computation pays a
compilation or kernel-loading cost, in the first process on a machine or later.

- :mod:`~trajectoires.analysis.fragility`: the digital-fragility index (IFN).
- :mod:`~trajectoires.analysis.access`: distances to help, 2SFCA.
- :mod:`~trajectoires.analysis.geodesic`: the same along the ellipsoid (overseas).
- :mod:`~trajectoires.analysis.weights`: Queen contiguity weights.
- :mod:`~trajectoires.analysis.autocorrelation`: Moran's I, LISA, Getis-Ord Gi*.
- :mod:`~trajectoires.analysis.classes`: map classes (quantiles, exact Fisher-Jenks…).
- :mod:`~trajectoires.analysis.inequality`: population-weighted Theil and Gini.
"""

from trajectoires.analysis.access import (
    Catchment,
    NearestPlaces,
    nearest_distances,
    population_beyond,
    to_lambert93,
    two_step_fca,
)
from trajectoires.analysis.autocorrelation import (
    HotSpots,
    LocalClusters,
    Moran,
    getis_ord,
    local_moran,
    moran,
)
from trajectoires.analysis.classes import Classification, classify
from trajectoires.analysis.fragility import (
    CRITERIA,
    METHODS,
    Criterion,
    FragilityIndex,
    fragility_index,
)
from trajectoires.analysis.geodesic import (
    geodesic_km,
    nearest_geodesic,
    two_step_fca_geodesic,
)
from trajectoires.analysis.inequality import Gini, Theil, gini, theil
from trajectoires.analysis.weights import Weights, queen_weights


def warm_up(background: bool = False) -> None:
    """Import the modules the statistics use (scipy.sparse, scipy.spatial) ahead of a request.

    Kept for the callers of the former compiled kernels: there is nothing to
    compile any more, so this only moves the imports (a few tenths of a second)
    out of the first request; with ``background=True`` it runs in a daemon thread.

    Examples
    --------
    >>> warm_up()

    """
    import threading

    def work() -> None:
        import scipy.sparse  # noqa: F401
        import scipy.spatial  # noqa: F401

    if background:
        threading.Thread(target=work, name="analysis-warm-up", daemon=True).start()
    else:
        work()


__all__ = [
    "CRITERIA",
    "METHODS",
    "Catchment",
    "Classification",
    "FragilityIndex",
    "Gini",
    "HotSpots",
    "Criterion",
    "LocalClusters",
    "Moran",
    "NearestPlaces",
    "Theil",
    "Weights",
    "classify",
    "fragility_index",
    "geodesic_km",
    "getis_ord",
    "gini",
    "local_moran",
    "moran",
    "nearest_distances",
    "nearest_geodesic",
    "population_beyond",
    "queen_weights",
    "theil",
    "to_lambert93",
    "two_step_fca",
    "two_step_fca_geodesic",
    "warm_up",
]
