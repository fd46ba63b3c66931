import pytest

from tests.diagnosis.workspace import require_shared_data, workspace


@pytest.fixture(scope="module")
def loaded(territory_reference, tmp_path_factory):
    """A workspace with the real shared files imported (skips when they are absent)."""
    require_shared_data()
    with workspace(tmp_path_factory.mktemp("diag-loaded"), territory_reference,
                   load=True) as ws:
        yield ws


@pytest.fixture(scope="module")
def empty(territory_reference, tmp_path_factory):
    """A workspace with nothing imported (the demo's state)."""
    with workspace(tmp_path_factory.mktemp("diag-empty"), territory_reference,
                   load=False) as ws:
        yield ws
