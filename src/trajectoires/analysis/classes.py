"""Choropleth classes: one :func:`classify`, one :class:`Classification` result.

The schemes are mapclassify's (quantiles, equal intervals, exact Fisher-Jenks,
k-means natural breaks), named as the command line names them
(``--scheme fisher_jenks``); the maps (:mod:`trajectoires.render`) and the
analysis use this one function. Missing values (NaN) are kept out of the
classification and get the class :data:`MISSING_CLASS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["MISSING_CLASS", "SCHEMES", "Classification", "classify", "scheme_name"]

MISSING_CLASS = -1


def _quantiles(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    return np.percentile(x, np.linspace(100 / k, 100, k))


def _equal_interval(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    low, high = x.min(), x.max()
    bins = low + (high - low) * np.arange(1, k + 1) / k
    bins[-1] = high
    return bins


def _fisher_jenks(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    from trajectoires.analysis import _kernels

    x = np.sort(x)
    starts = _kernels.fisher_jenks(x, k)
    return x[np.r_[starts[1:] - 1, len(x) - 1]]


def _natural_breaks(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    # mapclassify.NaturalBreaks draws its k-means seeds from NumPy's global state;
    # the same k-means (scikit-learn, k-means++, 10 starts) is run here with ``rng``.
    kmeans = importlib.import_module("sklearn.cluster").KMeans
    model = kmeans(n_clusters=k, init="k-means++", n_init=10, random_state=rng.integers(2**31))
    labels = model.fit(x.reshape(-1, 1)).labels_
    return np.sort([x[labels == label].max() for label in range(k)])


SCHEMES: dict[str, Callable[[np.ndarray, int, np.random.Generator], np.ndarray]] = {
    "quantiles": _quantiles,
    "equal_interval": _equal_interval,
    "fisher_jenks": _fisher_jenks,
    "natural_breaks": _natural_breaks,
}
"""Classification schemes by name: each maps (values, k, rng) to upper class bounds."""


@dataclass(frozen=True, eq=False)
class Classification:
    """Values sorted into ``k`` ordered classes.

    Attributes
    ----------
    scheme : str
        Name of the scheme (a key of :data:`SCHEMES`).
    bounds : numpy.ndarray
        ``k + 1`` class bounds: the minimum, then the inclusive upper bound of
        each class (``bounds[1:]`` are mapclassify's ``bins``).
    classes : numpy.ndarray of int
        Class index of each value, from 0 (lowest) to ``k - 1``; ``-1`` if missing.
    counts : numpy.ndarray of int
        Number of values in each class.
    missing : int
        Number of missing (NaN) values.
    gvf : float
        Goodness of variance fit: 1 − within-class / total sum of squares.
    single_values : bool
        True when there were no more distinct values than classes: each class
        then holds one value (its upper bound).

    """

    scheme: str
    bounds: np.ndarray
    classes: np.ndarray
    counts: np.ndarray
    missing: int
    gvf: float = 1.0
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
    values: object,
    scheme: str = "quantiles",
    k: int = 5,
    *,
    rng: np.random.Generator | int | None = None,
) -> Classification:
    """Sort values into ``k`` classes.

    Parameters
    ----------
    values : array-like of float
        Indicator values; NaN marks a missing value (class -1, counted in ``missing``).
    scheme : {"quantiles", "equal_interval", "fisher_jenks", "natural_breaks"}
        See :data:`SCHEMES` and ``docs/maps.md``; case, ``-`` and ``_`` are ignored
        (``"FisherJenks"`` and ``"fisher-jenks"`` name ``fisher_jenks``).
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
    Schemes are those of mapclassify (Rey, Stephens & Wolf, JOSS 2023).
    ``fisher_jenks`` is the exact optimum of Fisher (1958, JASA 53) and Jenks
    (1977), solved in O(k·n·log n) by a divide-and-conquer dynamic programme
    (Wang & Song 2011, Ckmeans.1d.dp) in float64: the same optimum as
    ``mapclassify.FisherJenks`` (O(k·n²)) in tens of milliseconds on all French
    communes. ``natural_breaks`` is its one-dimensional k-means approximation.

    Examples
    --------
    >>> result = classify([1, 2, 3, 10, 11, 12, 30], "fisher_jenks", k=3)
    >>> result.bounds.tolist(), result.classes.tolist()
    ([1.0, 3.0, 12.0, 30.0], [0, 0, 0, 1, 1, 1, 2])
    >>> result = classify([1.0, 2.0, 3.0, 4.0, float("nan"), 10.0], k=2)
    >>> result.bounds.tolist(), result.classes.tolist(), result.missing
    ([1.0, 3.0, 10.0], [0, 0, 0, 1, -1, 1], 1)

    """
    values = np.asarray(values, dtype=float).ravel()
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
        upper = np.unique(np.asarray(
            SCHEMES[scheme](observed, k, np.random.default_rng(rng)), dtype=float))
    classes[finite] = np.minimum(np.searchsorted(upper, observed, side="left"), len(upper) - 1)
    counts = np.bincount(classes[finite], minlength=len(upper))
    return Classification(scheme, np.r_[observed.min(), upper], classes, counts,
                          int((~finite).sum()), _gvf(observed, classes[finite]), single_values)


def _gvf(y: np.ndarray, classes: np.ndarray) -> float:
    total = float(((y - y.mean()) ** 2).sum())
    if total == 0:
        return 1.0
    sums = np.bincount(classes, weights=y)
    sizes = np.bincount(classes)
    means = np.divide(sums, sizes, out=np.zeros_like(sums), where=sizes > 0)
    within = float(((y - means[classes]) ** 2).sum())
    return 1.0 - within / total
