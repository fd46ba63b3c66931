"""Classification of indicator values into map classes (mapclassify's schemes).

Missing values (NaN) are kept out of the classification and get the class
index ``-1``; every scheme is computed on the finite values only.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["MISSING_CLASS", "SCHEMES", "Classification", "classify", "scheme_name"]

MISSING_CLASS = -1



def _analysis_bins(values: np.ndarray, scheme: str, k: int) -> np.ndarray:
    """Upper bounds from :func:`trajectoires.analysis.classify`.

    It computes the same bounds as mapclassify's ``Quantiles``, ``EqualInterval``
    and (exact) ``FisherJenks`` — tests/render checks them against mapclassify —
    without mapclassify's import (SciPy, scikit-learn, matplotlib and numba
    compilation: about 5 s per process here).
    """
    from trajectoires.analysis import classify as analysis_classify

    return np.asarray(analysis_classify(values, scheme, k=k).bins, dtype=float)


def _quantiles(values: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    return _analysis_bins(values, "quantiles", k)


def _equal_interval(values: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    return _analysis_bins(values, "equal-interval", k)


def _fisher_jenks(values: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    return _analysis_bins(values, "fisher-jenks", k)


def _natural_breaks(values: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    # mapclassify.NaturalBreaks draws its k-means seeds from NumPy's global state;
    # the same k-means (scikit-learn, k-means++, 10 starts) is run here with ``rng``.
    kmeans = importlib.import_module("sklearn.cluster").KMeans  # a mapclassify dependency
    model = kmeans(n_clusters=k, init="k-means++", n_init=10, random_state=rng.integers(2**31))
    labels = model.fit(values.reshape(-1, 1)).labels_
    return np.sort([values[labels == label].max() for label in range(k)])


SCHEMES: dict[str, Callable[[np.ndarray, int, np.random.Generator], np.ndarray]] = {
    "quantiles": _quantiles,
    "equal_interval": _equal_interval,
    "fisher_jenks": _fisher_jenks,
    "natural_breaks": _natural_breaks,
}
"""Classification schemes by name: each maps (values, k, rng) to upper class bounds."""


@dataclass(frozen=True)
class Classification:
    """Values sorted into ``k`` ordered classes.

    Attributes
    ----------
    scheme : str
        Name of the scheme (a key of :data:`SCHEMES`).
    bounds : numpy.ndarray
        ``k + 1`` class bounds: the minimum, then the upper bound of each class.
    classes : numpy.ndarray of int
        Class index of each value, from 0 (lowest) to ``k - 1``; ``-1`` if missing.
    counts : numpy.ndarray of int
        Number of values in each class.
    missing : int
        Number of missing (NaN) values.
    single_values : bool
        True when there were no more distinct values than classes: each class
        then holds one value (its upper bound).

    """

    scheme: str
    bounds: np.ndarray
    classes: np.ndarray
    counts: np.ndarray
    missing: int
    single_values: bool = False

    @property
    def k(self) -> int:
        """Number of classes actually formed (may be fewer than asked)."""
        return max(len(self.bounds) - 1, 0)


def scheme_name(text: str) -> str:
    """Return the key of :data:`SCHEMES` that ``text`` names, ignoring case, ``-`` and ``_``.

    mapclassify's class names are accepted too.

    Examples
    --------
    >>> scheme_name("FisherJenks"), scheme_name("equal-interval")
    ('fisher_jenks', 'equal_interval')
    >>> scheme_name("jenks")
    Traceback (most recent call last):
    ...
    ValueError: scheme : méthode de classification inconnue 'jenks' ; disponibles : quantiles, \
equal_interval, fisher_jenks, natural_breaks

    """
    wanted = text.lower().replace("-", "").replace("_", "").replace(" ", "")
    for name in SCHEMES:
        if name.replace("_", "") == wanted:
            return name
    raise ValueError(
        f"scheme : méthode de classification inconnue {text!r} ; "
        f"disponibles : {', '.join(SCHEMES)}"
    )


def _check(values: np.ndarray, k: int) -> None:
    if not 2 <= k <= 9:
        raise ValueError(f"k : nombre de classes attendu entre 2 et 9, reçu {k}")
    if np.isinf(values).any():
        raise ValueError("values : valeurs infinies ; attendu : nombres finis ou NaN")


def classify(
    values: np.ndarray,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    rng: np.random.Generator | int | None = None,
) -> Classification:
    """Sort values into ``k`` classes with a mapclassify scheme.

    Parameters
    ----------
    values : array-like of float
        Indicator values; NaN marks a missing value.
    scheme : {"quantiles", "equal_interval", "fisher_jenks", "natural_breaks"}
        Classification scheme, see :data:`SCHEMES` and ``docs/maps.md``; case,
        ``-`` and ``_`` are ignored (``"FisherJenks"`` works).
    k : int, default 5
        Number of classes, from 2 to 9. Fewer classes are formed when there
        are fewer distinct values.
    rng : numpy.random.Generator, int or None
        Randomness of the k-means scheme (``natural_breaks``); the other
        schemes are deterministic (``fisher_jenks`` is exact, no sampling).

    Returns
    -------
    Classification

    Notes
    -----
    Schemes are those of mapclassify (Rey, Stephens & Wolf, *mapclassify:
    Classification schemes for choropleth maps*, JOSS 2023); ``fisher_jenks``
    is the exact optimal classification of Fisher (1958) and Jenks (1977),
    ``natural_breaks`` its one-dimensional k-means approximation.

    Examples
    --------
    >>> result = classify([1.0, 2.0, 3.0, 4.0, float("nan"), 10.0], k=2)
    >>> result.bounds.tolist(), result.classes.tolist(), result.missing
    ([1.0, 3.0, 10.0], [0, 0, 0, 1, -1, 1], 1)

    """
    values = np.asarray(values, dtype=float)
    scheme = scheme_name(scheme)
    _check(values, k)
    finite = np.isfinite(values)
    observed = values[finite]
    classes = np.full(len(values), MISSING_CLASS, dtype=np.int64)
    if len(observed) == 0:
        return Classification(scheme, np.array([]), classes, np.array([], int), len(values))
    distinct = np.unique(observed)
    single_values = len(distinct) <= k
    if single_values:
        upper = distinct
    else:
        upper = np.asarray(SCHEMES[scheme](observed, k, np.random.default_rng(rng)), float)
        upper = np.unique(upper)
    bounds = np.r_[observed.min(), upper]
    classes[finite] = np.minimum(np.searchsorted(upper, observed, side="left"), len(upper) - 1)
    counts = np.bincount(classes[finite], minlength=len(upper))
    return Classification(scheme, bounds, classes, counts, int((~finite).sum()), single_values)
