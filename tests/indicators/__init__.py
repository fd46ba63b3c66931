"""Tests of the indicator store and its importers; helpers shared by the test modules."""

from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA

REAL = SHARED_DATA / "fr"


def real_file(relative: str) -> Path:
    """Path of a real file of ../shared/data/fr, or skip the test with the reason."""
    path = REAL / relative
    if not path.is_file():
        pytest.skip(f"real data file absent (present in CI): {path}")
    return path


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``folder/name`` and return the path."""
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path
