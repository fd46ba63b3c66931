"""What the examples of the importers start from: the built-in fixture's commune matcher.

>>> tmp, matcher = fixture_matcher()
>>> tmp.is_dir(), matcher.reference.resolve("29232").name
(True, 'Quimper')
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from trajectoires.indicators.folding import CommuneMatcher
from trajectoires.territory import FIXTURE_DIR, load_reference

__all__ = ["fixture_matcher"]


def fixture_matcher() -> tuple[Path, CommuneMatcher]:
    """Return a new temporary folder and the matcher of the fixture (about thirty communes)."""
    folder = Path(tempfile.mkdtemp())
    return folder, CommuneMatcher(load_reference(folder, data_dir=FIXTURE_DIR))
