"""Coordinate reference systems of the reference (constants only, no heavy import)."""

__all__ = ["LAMBERT_93", "LOCAL_CRS", "WGS84"]

WGS84 = "EPSG:4326"
LAMBERT_93 = "EPSG:2154"
LOCAL_CRS = {
    "971": "EPSG:5490",  # RGAF09 / UTM zone 20N (Guadeloupe)
    "972": "EPSG:5490",  # RGAF09 / UTM zone 20N (Martinique)
    "973": "EPSG:2972",  # RGFG95 / UTM zone 22N (Guyane)
    "974": "EPSG:2975",  # RGR92 / UTM zone 40S (La Réunion)
    "976": "EPSG:4471",  # RGM04 / UTM zone 38S (Mayotte)
}
