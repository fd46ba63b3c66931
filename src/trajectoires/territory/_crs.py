"""Coordinate reference systems of the reference (constants only, no heavy import)."""

__all__ = ["CRS_NAMES", "LAMBERT_93", "LOCAL_CRS", "WGS84", "crs_of"]

WGS84 = "EPSG:4326"
LAMBERT_93 = "EPSG:2154"
LOCAL_CRS = {
    "971": "EPSG:5490",  # RGAF09 / UTM zone 20N (Guadeloupe)
    "972": "EPSG:5490",  # RGAF09 / UTM zone 20N (Martinique)
    "973": "EPSG:2972",  # RGFG95 / UTM zone 22N (Guyane)
    "974": "EPSG:2975",  # RGR92 / UTM zone 40S (La Réunion)
    "976": "EPSG:4471",  # RGM04 / UTM zone 38S (Mayotte)
}
"""Official projection of each overseas département (metropolitan France: Lambert-93)."""

CRS_NAMES = {
    WGS84: "WGS 84",
    LAMBERT_93: "RGF93 v1 / Lambert-93",
    "EPSG:5490": "RGAF09 / UTM zone 20N",
    "EPSG:2972": "RGFG95 / UTM zone 22N",
    "EPSG:2975": "RGR92 / UTM zone 40S",
    "EPSG:4471": "RGM04 / UTM zone 38S",
}
"""Name of each CRS the reference uses (as the EPSG registry spells it)."""


def crs_of(departement: str | None) -> str:
    """Projection in which a commune of ``departement`` is measured.

    Examples
    --------
    >>> crs_of("29"), crs_of("2A"), crs_of("974")
    ('EPSG:2154', 'EPSG:2154', 'EPSG:2975')

    """
    return LOCAL_CRS.get(str(departement), LAMBERT_93)
