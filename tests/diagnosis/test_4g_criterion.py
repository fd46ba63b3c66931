"""The fifth criterion: 4G non-coverage from ``arcep-mobile``; the site counts never feed it.

No per-commune 4G table is shared, so the table imported here is **synthetic test
data** written in the documented layout (not ARCEP figures); the site list is the
real ARCEP list of Réunion (2020 Q2).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.diagnosis.test_diagnose_cli import run
from tests.diagnosis.workspace import FR, workspace
from trajectoires.diagnosis import load_inputs
from trajectoires.indicators.store import import_file

pytestmark = pytest.mark.db

REUNION_SITES = FR / "dataforgood_mednum_2020" / "REU_sites_mobiles_2020_T2.csv"


def _coverage_table(folder: Path, reference, columns=("pct_pop_4g", "pct_surf_4g")) -> Path:
    """Write a synthetic 4G table (test values, not ARCEP's) for the communes of Finistère."""
    codes = sorted(reference.communes_of(reference.resolve("29")).index)
    lines = [";".join(("code_insee", *columns))]
    for i, code in enumerate(codes):
        shares = {"pct_pop_4g": f"{90 + i % 11}", "pct_surf_4g": f"{70 + i % 29},5"}
        lines.append(";".join((code, *(shares[c] for c in columns))))
    path = folder / "couverture_4g_test_2023.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_site_counts_never_feed_the_criterion(territory_reference, tmp_path):
    if not REUNION_SITES.is_file():
        pytest.skip(f"real data file absent (present in CI): {REUNION_SITES}")
    with workspace(tmp_path / "ws", territory_reference, load=False) as ws:
        with ws.database.session() as session:
            import_file(session, "arcep-mobile-sites", REUNION_SITES, territory_reference)
        with ws.database.session() as session:
            inputs = load_inputs(session)
    assert "no_4g_coverage" in inputs.absent_criteria
    missing = {kind: command for kind, _, command in inputs.missing}
    assert "arcep-mobile-sites" not in missing
    assert "trajectoires data import arcep-mobile FICHIER" in missing["arcep-mobile"]


def test_surface_share_is_a_flagged_stand_in(territory_reference, tmp_path):
    path = _coverage_table(tmp_path, territory_reference, columns=("pct_surf_4g",))
    with workspace(tmp_path / "ws", territory_reference, load=False) as ws:
        with ws.database.session() as session:
            import_file(session, "arcep-mobile", path, territory_reference)
        with ws.database.session() as session:
            inputs = load_inputs(session)
    source = inputs.chosen["no_4g_coverage"]
    assert source.indicator == "arcep_taux_non_4g_surf" and source.proxy
    assert "no_4g_coverage" in inputs.proxies and inputs.periods["no_4g_coverage"] == "2023"
    assert inputs.values["no_4g_coverage"].notna().sum() == 277


@pytest.fixture(scope="module")
def with_4g(loaded, territory_reference, tmp_path_factory):
    """The real shared files plus the synthetic 4G table of Finistère."""
    path = _coverage_table(tmp_path_factory.mktemp("couverture"), territory_reference)
    with loaded.database.session() as session:
        import_file(session, "arcep-mobile", path, territory_reference)
    return loaded


def test_inputs_have_five_criteria(with_4g):
    with with_4g.database.session() as session:
        inputs = load_inputs(session)
    assert inputs.absent_criteria == []
    source = inputs.chosen["no_4g_coverage"]
    assert source.indicator == "arcep_taux_non_4g_pop" and not source.proxy
    values = inputs.values["no_4g_coverage"].dropna()
    assert len(values) == 277 and values.between(0, 10).all()  # 100 − (90…100)


def test_diagnosis_says_five_criteria_of_five(with_4g, tmp_path):
    result = run(with_4g, "29", "--output", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "(5 critères sur 5)" in result.output
    assert "data import arcep-mobile FICHIER" not in result.output  # no longer missing
    html = (tmp_path / "diagnostic.html").read_text(encoding="utf-8")
    assert "Part de la population non couverte en 4G (aucun opérateur)" in html
    assert "Critères absents" not in html
    table = pd.read_csv(tmp_path / "communes.csv", dtype={"code": str})
    assert table["no_4g_coverage"].notna().all() and table["fragility_inputs"].max() == 5
