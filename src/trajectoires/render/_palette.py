"""Sequential colour palettes safe for colour-blind readers.

The hex values are ColorBrewer's (Cynthia Brewer, Mark Harrower and The
Pennsylvania State University, colorbrewer2.org, Apache-2.0 licence): the
single- and multi-hue sequential schemes below are all marked colour-blind
safe there. ColorBrewer tunes each class count separately, so a palette is a
table indexed by ``k`` rather than one ramp resampled.
"""

from __future__ import annotations

__all__ = ["MISSING_FILL", "PALETTES", "colours"]

PALETTES: dict[str, dict[int, tuple[str, ...]]] = {
    "YlOrRd": {
        3: ("#ffeda0", "#feb24c", "#f03b20"),
        4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
        5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
        6: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"),
        7: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
        8: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c",
            "#b10026"),
        9: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c",
            "#bd0026", "#800026"),
    },
    "Blues": {
        3: ("#deebf7", "#9ecae1", "#3182bd"),
        4: ("#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"),
        5: ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"),
        6: ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"),
        7: ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"),
        8: ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5",
            "#084594"),
        9: ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5",
            "#08519c", "#08306b"),
    },
    "YlGnBu": {
        3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
        4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
        5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
        6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
        7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
        8: ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8",
            "#0c2c84"),
        9: ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8",
            "#253494", "#081d58"),
    },
}
"""Sequential palettes by name, then by number of classes (3 to 9)."""

MISSING_FILL = "#d9d9d9"
"""Background grey of the hatched "missing value" class."""


def colours(k: int, palette: str = "YlOrRd") -> tuple[str, ...]:
    """Return the ``k`` fill colours of ``palette``, lightest first.

    Two classes take the ends of the three-class scheme; one class its middle.

    Examples
    --------
    >>> colours(2, "Blues")
    ('#deebf7', '#3182bd')
    >>> len(colours(9))
    9

    """
    if palette not in PALETTES:
        raise ValueError(
            f"palette : palette inconnue {palette!r} ; disponibles : {', '.join(PALETTES)}"
        )
    table = PALETTES[palette]
    if k in table:
        return table[k]
    if k == 2:
        return table[3][0], table[3][2]
    if k == 1:
        return (table[3][1],)
    raise ValueError(f"k : nombre de classes attendu entre 1 et 9, reçu {k}")
