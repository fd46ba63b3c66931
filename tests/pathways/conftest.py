"""Workspaces of the trajectory tests: real files, filtered to the Finistère to stay fast.

The files come from ``../shared/data/fr`` through the real importers (skipped with the
reason when absent). The national files of places are imported whole; the commune
tables (ARCEP, census, Filosofi, legal populations, FttH) keep their header lines and
the rows of the Finistère's communes only: the same values, a tenth of the import time.
The fragility deciles are then those of the Finistère's communes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.diagnosis.workspace import FR, require_shared_data, workspace

COMMUNE_FILES = (
    ("arcep-debit", "arcep/commune-debit-beta.csv", None),
    ("insee-census", "dataforgood_mednum_2020/data_scol_menage_demandeurEmplois.csv", None),
    ("insee-poverty", "dataforgood_mednum_2020/taux_pauvrete.csv", None),
    ("populations", "cog/populations_legales_par_cog_2015_2024.csv", None),
    ("arcep-ftth", "arcep_ftth_2018/ftthCommunes.csv", None),
    ("arcep-ftth", "arcep_ftth_2018/communes.csv", None),
    ("insee-poverty", "filosofi/commune/FILO2014_DISP_COM.csv", None),
    ("insee-poverty", "filosofi/commune/FILO2016_DISP_COM.csv", None),
    ("insee-poverty", "filosofi/commune/FILO2019_DISP_COM.csv", None),
)
PLACE_FILES = (
    ("france-services", "france_services/liste-fs-20240801.csv", None),
    ("mediation-places", "lieux_mediation_numerique/lieux-de-mediation-numerique.cnfs.json",
     None),
)
_CODE = re.compile(r"^\d[\dAB]\d{3}$")


def finistere_copy(source: Path, target: Path, departement: str = "29") -> Path:
    """Copy ``source`` keeping the lines without a commune code and those of ``departement``."""
    kept = []
    with source.open(encoding="utf-8-sig") as handle:
        for line in handle:
            fields = [f.strip().strip('"') for f in re.split(r"[,;]", line)[:3]]
            codes = [f for f in fields if _CODE.match(f)]
            if not codes or codes[-1].startswith(departement):
                kept.append(line)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(kept), encoding="utf-8")
    return target


def load_finistere(ws, reference, folder: Path) -> None:
    """Import the place lists whole and the commune tables of the Finistère."""
    from trajectoires.indicators.store import import_file

    missing = [p for _, p, _ in (*COMMUNE_FILES, *PLACE_FILES) if not (FR / p).exists()]
    if missing:
        pytest.skip(f"real data files absent from {FR} (e.g. {missing[0]}); present in CI")
    for kind, path, vintage in PLACE_FILES:
        with ws.database.session() as session:
            import_file(session, kind, FR / path, reference, vintage=vintage)
    for kind, path, vintage in COMMUNE_FILES:
        copy = finistere_copy(FR / path, folder / "fichiers" / Path(path).name)
        with ws.database.session() as session:
            import_file(session, kind, copy, reference, vintage=vintage)


@pytest.fixture(scope="package")
def finistere(territory_reference, tmp_path_factory):
    """A workspace with the real files of the Finistère, and its projection inputs."""
    from trajectoires.pathways import load_inputs

    require_shared_data()
    folder = tmp_path_factory.mktemp("trajectory-29")
    with workspace(folder, territory_reference, load=False) as ws:
        load_finistere(ws, territory_reference, folder)
        unit = territory_reference.resolve("29")
        with ws.database.session() as session:
            inputs = load_inputs(session, territory_reference, unit,
                                 cache_dir=folder / "analysis")
        yield ws, inputs


@pytest.fixture(scope="package")
def small(fixture_reference, tmp_path_factory):
    """The built-in fixture territory (about thirty communes) with the real France Services.

    Yields the workspace, the inputs of its Finistère and those of its France (overseas
    communes included).
    """
    from trajectoires.indicators.store import import_file
    from trajectoires.pathways import load_inputs

    path = FR / PLACE_FILES[0][1]
    if not path.exists():
        pytest.skip(f"real data file absent: {path}; present in CI")
    folder = tmp_path_factory.mktemp("trajectory-fixture")
    with workspace(folder, fixture_reference, load=False) as ws:
        with ws.database.session() as session:
            import_file(session, "france-services", path, fixture_reference)
        with ws.database.session() as session:
            inputs = load_inputs(session, fixture_reference, fixture_reference.resolve("29"),
                                 cache_dir=folder / "analysis")
            france = load_inputs(session, fixture_reference, fixture_reference.france,
                                 cache_dir=folder / "analysis")
        yield ws, inputs, france
