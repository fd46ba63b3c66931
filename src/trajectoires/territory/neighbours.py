"""Communes that touch a commune: its neighbourhood, for a small map of the commune page.

The outlines' bounding boxes are computed once (all French communes, in WGS 84, where
every commune has its outline: metropolitan and overseas alike) and kept beside the
reference's own cache (``neighbour-boxes.npz``: a restarted server reads them in a few
milliseconds instead of reading and bounding every outline, about 0.35 s), then a commune's
neighbours are the communes whose box meets its own and whose outline touches it
(shared border or corner: the Queen contiguity of the analysis package), across
département borders.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from trajectoires.territory import FIXTURE_DIR, load_reference
>>> ref = load_reference(Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
>>> index = NeighbourIndex(ref)
>>> "29058" in index.neighbours("29232") or "29051" in index.neighbours("29232")
True
>>> index.neighbours("29155")  # Ouessant, an island
[]

"""

from __future__ import annotations

import os
import threading
import uuid
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from trajectoires.territory.reference import Reference

__all__ = ["NeighbourIndex"]

_BOXES = "neighbour-boxes.npz"
"""In the reference's folder (named after its build: the boxes follow its outlines)."""
_TOLERANCE = 1e-6
"""Degrees (about 0.1 m) by which a box is widened: outlines simplified apart still touch."""


class NeighbourIndex:
    """Neighbours of any commune of ``reference``, from boxes computed on first use."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self._codes: np.ndarray | None = None
        self._boxes: np.ndarray | None = None
        self._lock = threading.Lock()

    def _index(self) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            if self._boxes is None:
                kept = _read_boxes(self.reference)
                self._codes, self._boxes = kept if kept is not None else _boxes(self.reference)
            return self._codes, self._boxes

    def neighbours(self, code: str) -> list[str]:
        """Codes of the communes whose outline touches that of ``code`` (by code)."""
        import shapely

        codes, boxes = self._index()
        where = np.flatnonzero(codes == code)
        if not len(where) or np.isnan(boxes[where[0]]).any():
            return []
        box = boxes[where[0]]
        near = ((boxes[:, 0] <= box[2] + _TOLERANCE) & (boxes[:, 2] >= box[0] - _TOLERANCE)
                & (boxes[:, 1] <= box[3] + _TOLERANCE) & (boxes[:, 3] >= box[1] - _TOLERANCE))
        near[where[0]] = False
        candidates = codes[near]
        if not len(candidates):
            return []
        own, *others = self.reference.commune_geometries([code, *candidates], crs="EPSG:4326")
        grown = shapely.buffer(own, _TOLERANCE)
        return sorted(str(c) for c, shape in zip(candidates, others, strict=True)
                      if shape is not None and shapely.intersects(grown, shape))


def _boxes(reference: Reference) -> tuple[np.ndarray, np.ndarray]:
    """Bound every commune's outline (WGS 84), and keep the boxes beside the reference."""
    import shapely

    codes = reference.communes_of(reference.france).index.to_numpy(object)
    shapes = reference.commune_geometries(codes, crs="EPSG:4326")
    boxes = np.full((len(codes), 4), np.nan)
    known = np.array([s is not None for s in shapes], dtype=bool)
    boxes[known] = shapely.bounds(np.asarray(shapes[known], dtype=object))
    partial = reference.folder / f".partiel-{uuid.uuid4().hex}-{_BOXES}"
    try:  # atomic: another process may write the same file; read-only: computed next time
        with open(partial, "wb") as out:
            np.savez(out, codes=codes.astype(str), boxes=boxes)
        os.replace(partial, reference.folder / _BOXES)
    except OSError:
        partial.unlink(missing_ok=True)
    return codes, boxes


def _read_boxes(reference: Reference) -> tuple[np.ndarray, np.ndarray] | None:
    """Return the kept codes and boxes, or None (absent, damaged, or another reference's)."""
    try:
        with np.load(reference.folder / _BOXES, allow_pickle=False) as kept:
            codes, boxes = kept["codes"].astype(object), kept["boxes"]
    except (OSError, ValueError, KeyError):
        return None
    expected = reference.communes_of(reference.france).index
    if len(codes) != len(expected) or not np.array_equal(codes, expected.to_numpy(object)):
        return None
    return codes, boxes
