"""The diagnosis itself: inputs from the store, partial index, clusters, access, cache."""

from __future__ import annotations

import math
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from trajectoires.diagnosis import compare_units, diagnose, load_inputs
from trajectoires.diagnosis.tables import map_choices

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def finistere(loaded, territory_reference):
    ref = territory_reference
    with loaded.database.session() as session:
        return diagnose(session, ref, ref.resolve("29"), cache_dir=loaded.path / "analysis")


def test_inputs_flag_proxies_and_absent_criteria(loaded):
    with loaded.database.session() as session:
        inputs = load_inputs(session)
    assert inputs.absent_criteria == ["no_4g_coverage"]  # arcep-mobile is not loaded here
    assert set(inputs.proxies) == {"share_65_plus", "share_low_diploma", "poverty_rate"}
    assert inputs.chosen["no_thd_coverage"].indicator == "arcep_taux_non_thd30"
    assert not inputs.chosen["no_thd_coverage"].proxy
    assert set(inputs.places) == {"france-services", "mediation-places", "libraries"}
    assert [kind for kind, _, _ in inputs.missing] == ["arcep-ftth", "arcep-mobile",
                                                      "arcep-mobile-sites", "populations",
                                                      "anct-kitscarto"]


def test_cached_inputs_are_the_same(loaded, tmp_path):
    with loaded.database.session() as session:
        first = load_inputs(session, tmp_path)
        second = load_inputs(session, tmp_path)
    assert len(list(tmp_path.iterdir())) == 1
    assert first.values.equals(second.values)
    assert first.chosen == second.chosen and first.periods == second.periods
    assert len(first.places["libraries"]) == len(second.places["libraries"])


def test_index_is_partial_and_never_zero_filled(finistere):
    table = finistere.communes
    assert len(table) == 277 and finistere.partial
    assert table["fragility_index"].between(1, 10).all()
    poverty_missing = table["poverty_rate"].isna()
    assert poverty_missing.any()  # the IRCOM stand-in covers few communes
    assert (table.loc[poverty_missing, "fragility_inputs"] <= 3).all()
    assert table["fragility_inputs"].max() == 4  # 4G is never there
    scores = table[[c for c in table.columns if c.startswith("score_")]]
    assert np.allclose(scores.mean(axis=1, skipna=True), table["fragility_index"])
    assert not (table["poverty_rate"] == 0).any()
    assert table["rank"].min() == 1 and table["rank"].max() <= 277


def test_clusters_and_global_moran(finistere):
    assert finistere.moran is not None and finistere.moran.seed == 12345
    assert sum(finistere.lisa_counts.values()) == 277
    islands = finistere.communes.loc[["29083", "29155"], "lisa"]  # Sein, Ouessant
    assert (islands == "no neighbours").all()


def test_access_to_help(finistere):
    kinds = {a.kind: a for a in finistere.access}
    assert set(kinds) == {"france-services", "mediation-places", "libraries"}
    services = kinds["france-services"]
    assert services.places_in_territory > 0 and 0 <= services.share_beyond <= 1
    distances = finistere.communes["dist_france-services"]
    assert distances.notna().sum() == 277 and (distances >= 0).all()


def test_comparison_with_parents_and_any_unit(finistere, territory_reference):
    ref = territory_reference
    assert [r["code"] for r in finistere.comparison] == ["29", "53", "FR"]
    here = finistere.comparison[0]
    weights = finistere.communes["population"].astype(float)
    mean = float((finistere.communes["fragility_index"] * weights).sum() / weights.sum())
    assert math.isclose(here["fragility_index"], mean)
    rows = compare_units(ref, finistere.national, [ref.resolve("35")])
    assert rows[0]["name"] == "Ille-et-Vilaine" and 1 <= rows[0]["fragility_index"] <= 10


def test_map_choices_only_offer_columns_with_values(finistere):
    choices = map_choices(finistere)
    assert "fragility_index" in choices and "no_4g_coverage" not in choices
    assert "(approximation)" in choices["poverty_rate"][0]
    assert choices["dist_libraries"][1] == "km"


def test_same_seed_same_clusters(loaded, territory_reference, finistere):
    ref = territory_reference
    with loaded.database.session() as session:
        again = diagnose(session, ref, ref.resolve("29"), cache_dir=loaded.path / "analysis")
    assert np.array_equal(again.communes["lisa"].to_numpy(), finistere.communes["lisa"].to_numpy())


@pytest.mark.parametrize("query", ["976", "29232", "200067072"])
def test_small_and_unpopulated_territories(loaded, territory_reference, query):
    """Mayotte (no population), one commune, an EPCI: no crash, nothing zero-filled."""
    ref = territory_reference
    unit = ref.resolve(query)
    with loaded.database.session() as session:
        result = diagnose(session, ref, unit, cache_dir=loaded.path / "analysis")
    assert len(result.communes) == unit.commune_count
    assert result.comparison[0]["code"] == unit.code
    if query == "976":
        assert result.communes["population"].isna().all()
        assert all(math.isnan(a.share_beyond) for a in result.access)  # unknown, not 0


def test_report_reads_the_outlines_once_for_every_map_and_export(finistere, territory_reference,
                                                                 tmp_path, monkeypatch):
    from trajectoires.diagnosis.report import write_report

    ref = territory_reference
    calls = []
    read = type(ref).commune_geometries

    def counted(self, codes, *args, **kwargs):
        calls.append(len(list(codes)))
        return read(self, codes, *args, **kwargs)

    monkeypatch.setattr(type(ref), "commune_geometries", counted)
    files = write_report(ref, finistere, tmp_path)
    assert calls == [277]  # five maps, GeoJSON and GeoPackage share one read
    html = files.html.read_text(encoding="utf-8")
    assert html.count('class="carte-categories"') == 1 + len(finistere.access)
    assert html.count('class="carte-choroplethe"') == 1


def test_user_drops_and_adds_criteria_with_another_reference(loaded, territory_reference):
    ref = territory_reference
    chosen = ["share_65_plus", "share_single_person", "unemployment_rate"]
    with loaded.database.session() as session:
        result = diagnose(session, ref, ref.resolve("29"), cache_dir=loaded.path / "analysis",
                          criteria=chosen, reference="region", beyond_km=5)
    assert [c["key"] for c in result.criteria] == chosen and result.custom_criteria
    assert result.absent_criteria == ["unemployment_rate"]  # asked for, not loaded: reported
    assert result.proxies == ["share_65_plus", "share_single_person"]  # DFG stand-ins
    table = result.communes
    assert "score_no_thd_coverage" not in table and "score_share_single_person" in table
    expected = table[["score_share_65_plus", "score_share_single_person"]].mean(axis=1)
    assert np.allclose(table["fragility_index"], expected)
    # 100 = Bretagne's population-weighted mean index, over all its communes
    national = result.national
    bretagne = ref.communes_of(ref.resolve("reg:53")).index
    known = national.loc[bretagne].dropna(subset=["fragility_index"])
    weights = result.national_population.reindex(known.index).astype(float)
    mean = np.average(known["fragility_index"], weights=weights.fillna(0))
    assert np.allclose(known["relative"], 100 * known["fragility_index"] / mean)


def test_distance_threshold_changes_population_beyond(loaded, territory_reference, finistere):
    ref = territory_reference
    with loaded.database.session() as session:
        near = diagnose(session, ref, ref.resolve("29"), cache_dir=loaded.path / "analysis",
                        beyond_km=3)
    far = {a.kind: a.population_beyond for a in finistere.access}  # default 10 km
    assert near.beyond_km == 3 and finistere.beyond_km == 10
    for access in near.access:
        assert access.population_beyond >= far[access.kind]
    assert any(a.population_beyond > far[a.kind] for a in near.access)
    # the access maps' bands meet the chosen threshold
    from trajectoires.diagnosis.maps import build_maps

    svg = build_maps(ref, near).access["libraries"]
    assert "de 1,5 à 3 km" in svg and "de 3 à 4,5 km" in svg and "plus de 4,5 km" in svg
    assert "seuil : 3 km" in svg


@pytest.mark.parametrize(("options", "message"), [
    ({"criteria": ["age"]}, "critère inconnu « age »"),
    ({"criteria": []}, "aucun critère choisi"),
    ({"reference": "commune"}, "territoire de référence inconnu « commune »"),
    ({"beyond_km": 0}, "attendu un nombre de km de 0,5 à 200"),
    ({"beyond_km": 0.44}, "distance « 0.44 » : attendu un nombre de km de 0,5 à 200"),
    ({"beyond_km": 200.06}, "attendu un nombre de km de 0,5 à 200"),
    ({"beyond_km": 1e308}, "distance « 1e\\+308 »"),
    ({"beyond_km": float("nan")}, "distance « nan »"),
    ({"seed": -1}, "graine « -1 » : attendu un entier de 0 à 4294967295"),
    ({"seed": 2**32}, "graine « 4294967296 »"),
    ({"correction": "holm"}, "correction inconnue « holm »"),
])
def test_wrong_options_are_refused_in_french(loaded, territory_reference, options, message):
    ref = territory_reference
    with loaded.database.session() as session, pytest.raises(ValueError, match=message):
        diagnose(session, ref, ref.resolve("29"), **options)


def test_correction_of_local_clusters(loaded, territory_reference, finistere):
    ref = territory_reference
    with loaded.database.session() as session:
        plain = diagnose(session, ref, ref.resolve("29"), cache_dir=loaded.path / "analysis",
                         correction="none")
        strict = diagnose(session, ref, ref.resolve("29"), cache_dir=loaded.path / "analysis",
                          correction="bonferroni")

    def significant(result):
        return sum(n for label, n in result.lisa_counts.items()
                   if label in {"high-high", "low-low", "high-low", "low-high"})

    assert significant(plain) >= significant(finistere) >= significant(strict)
    assert significant(plain) > significant(strict)
    assert finistere.correction == "fdr" and strict.correction == "bonferroni"


def _fragility_files(folder) -> list:
    return sorted(folder.glob("inputs-*/fragility-*.parquet"))


def test_criteria_in_any_order_are_one_choice(loaded, territory_reference, finistere):
    ref = territory_reference
    folder = loaded.path / "analysis" / "diagnosis"
    before = _fragility_files(folder)
    national = ["poverty_rate", "share_low_diploma", "share_65_plus", "no_4g_coverage",
                "no_thd_coverage"]
    with loaded.database.session() as session:
        shuffled = diagnose(session, ref, ref.resolve("29"), cache_dir=loaded.path / "analysis",
                            criteria=national)
        custom = diagnose(session, ref, ref.resolve("29"), cache_dir=loaded.path / "analysis",
                          criteria=["unemployment_rate", "poverty_rate", "share_65_plus"],
                          beyond_km=12.34)
    assert not shuffled.custom_criteria
    assert [c["key"] for c in shuffled.criteria] == [c["key"] for c in finistere.criteria]
    assert shuffled.communes["fragility_index"].equals(finistere.communes["fragility_index"])
    assert [c["key"] for c in custom.criteria] == [
        "share_65_plus", "poverty_rate", "unemployment_rate"]  # canonical order
    assert custom.custom_criteria and custom.beyond_km == 12.3
    # only the national criteria's index is kept on disk (one file per reference level)
    assert _fragility_files(folder) == before


def test_national_table_keeps_no_series_in_attrs(finistere):
    national = finistere.national
    assert national.attrs == {}
    both = pd.concat([national.iloc[:10], national.iloc[10:20]])  # pandas 3: no ambiguous truth
    assert len(both) == 20
    population = finistere.national_population
    assert population.index.equals(national.index) and population.notna().sum() > 30_000


def test_concurrent_writers_of_the_national_caches(loaded, territory_reference):
    """Threads computing the same national tables at once all succeed (unique temporary files)."""
    from trajectoires.diagnosis._access import national_access
    from trajectoires.diagnosis.compute import _fragility

    ref = territory_reference
    with loaded.database.session() as session:
        inputs = load_inputs(session, loaded.path / "analysis" / "diagnosis")
    for path in _fragility_files(inputs.folder.parent) + list(inputs.folder.glob("access-*")):
        path.unlink()
    national = ["no_thd_coverage", "no_4g_coverage", "share_65_plus", "share_low_diploma",
                "poverty_rate"]
    barrier = threading.Barrier(4)

    def work(i: int):
        barrier.wait()
        if i % 2:
            return national_access(ref, inputs.places, inputs.folder)
        return _fragility(ref, inputs, national, "epci")[0]

    with ThreadPoolExecutor(4) as pool:
        tables = list(pool.map(work, range(4)))
    assert tables[0].equals(tables[2]) and tables[1].equals(tables[3])
    assert not list(inputs.folder.glob(".partiel-*"))  # no temporary file left behind
    assert len(list(inputs.folder.glob("fragility-*"))) == 1
