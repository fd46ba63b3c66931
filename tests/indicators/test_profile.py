"""A territory beside its parents (``indicators.profile``), on the built-in fixture."""

import pandas as pd
import pytest

from trajectoires.indicators.profile import HEADLINE, STAND_INS, IndicatorProfile


def _long(rows):
    return pd.DataFrame(rows, columns=["commune_code", "indicator", "period", "value"])


def _ids(profile, reference, code="29232"):
    return [row["id"] for row in profile.rows(reference.resolve(code))]


def _census(code="29232", period="2021", pop=1000.0, old=250.0):
    return [(code, "insee_pop", period, pop), (code, "insee_pop65p", period, old),
            (code, "insee_part_65p", period, 100 * old / pop)]


def test_official_indicator_hides_its_stand_in(fixture_reference):
    stand_in = [("29232", "dfg_part_65p_sur_15p", "2017", 30.0)]
    only_dfg = IndicatorProfile(fixture_reference, _long(stand_in))
    rows = only_dfg.rows(fixture_reference.resolve("29232"))
    assert [(r["id"], r["stands_in_for"]) for r in rows] == [
        ("dfg_part_65p_sur_15p", "insee_part_65p")]
    both = IndicatorProfile(fixture_reference, _long(stand_in + _census()))
    assert _ids(both, fixture_reference) == ["insee_part_65p"]  # used to show both
    assert both.rows(fixture_reference.resolve("29232"))[0]["stands_in_for"] is None


def test_stand_ins_are_those_of_the_index_inputs():
    from trajectoires.diagnosis.inputs import CONTEXT_SOURCES, FRAGILITY_SOURCES

    for sources in (*FRAGILITY_SOURCES.values(), *CONTEXT_SOURCES.values()):
        official, *others = sources
        if official.indicator in HEADLINE:
            assert STAND_INS.get(official.indicator, ()) == tuple(s.indicator for s in others)


def test_4g_indicators_and_the_site_proxy_are_compared(fixture_reference):
    values = _long([
        ("29232", "arcep_part_pop_4g", "2023", 99.0), ("29232", "arcep_part_surf_4g", "2023", 90.0),
        ("29232", "arcep_sites_4g", "2020-T2", 5.0), ("29232", "arcep_sites_pop", "2020-T2", 62985),
        ("29232", "arcep_sites_4g_1000hab", "2020-T2", 5000 / 62985),
    ])
    profile = IndicatorProfile(fixture_reference, values)
    rows = {r["id"]: r for r in profile.rows(fixture_reference.resolve("29232"))}
    assert list(rows) == ["arcep_part_pop_4g", "arcep_part_surf_4g", "arcep_sites_4g_1000hab"]
    assert "indicateur indirect" in rows["arcep_sites_4g_1000hab"]["label"]
    assert rows["arcep_sites_4g_1000hab"]["values"][0]["value"] == pytest.approx(5000 / 62985)


def test_two_periods_keep_the_latest(fixture_reference):
    # two periods of one indicator made rows() raise TypeError (float of a Series)
    values = _long([*_census(period="2015", pop=1000.0, old=100.0),
                    *_census(period="2021", pop=1000.0, old=250.0),
                    ("29232", "bibliotheques", "2019", 2.0),
                    ("29232", "bibliotheques", "non daté", 7.0)])
    profile = IndicatorProfile(fixture_reference, values)
    rows = {r["id"]: r for r in profile.rows(fixture_reference.resolve("29232"))}
    assert rows["insee_part_65p"]["period"] == "2021"
    assert rows["insee_part_65p"]["values"][0]["value"] == pytest.approx(25.0)
    assert rows["bibliotheques"]["period"] == "2019"  # undated never wins over a date
    assert rows["bibliotheques"]["values"][0]["value"] == 2.0


def test_a_commune_without_a_place_counts_zero(fixture_reference):
    # the place importers store rows only for communes with places
    values = _long([("29232", "bibliotheques", "2023", 4.0),
                    ("29019", "bibliotheques", "2023", 6.0)])
    profile = IndicatorProfile(fixture_reference, values)
    ouessant = profile.rows(fixture_reference.resolve("29155"))[0]["values"]
    # commune, dép., rég.; France not shown: the list covers the Finistère only (7 % of people)
    assert [v["value"] for v in ouessant] == [0.0, 10.0, 10.0, None]
    assert ouessant[-1]["communes"] == 13 and not ouessant[-1]["comparable"]
    ajaccio = profile.rows(fixture_reference.resolve("2A004"))[0]["values"]
    assert ajaccio[0]["value"] is None  # Corse-du-Sud is not covered by the list: unknown


def test_table_and_rows_give_the_same_chain(fixture_reference):
    values = _long([*_census(), ("29019", "insee_taux_pauvrete", "2021", 20.0)])
    quimper = fixture_reference.resolve("29232")
    profile = IndicatorProfile(fixture_reference, values, ["insee_part_65p", "insee_pop"])
    table = profile.table(quimper)
    assert table.columns.tolist() == ["kind", "code", "name", "insee_part_65p", "insee_pop"]
    assert table["kind"].tolist() == ["commune", "epci", "departement", "region", "pays"]
    assert table.attrs["periods"]["insee_part_65p"] == "2021"
    rows = {r["id"]: [v["value"] for v in r["values"]] for r in profile.rows(quimper)}
    # both hide the département and beyond: Quimper alone is too few of their people
    assert rows["insee_part_65p"] == [None if pd.isna(v) else v
                                      for v in table["insee_part_65p"]]
    assert rows["insee_part_65p"][:2] == [25.0, 25.0]
    assert "insee_taux_pauvrete" not in rows  # only the indicators asked for


def test_warming_every_level_gives_the_same_rows(fixture_reference):
    values = _long([*_census(), *_census("29019", pop=2000.0, old=300.0),
                    *_census("97411", pop=500.0, old=50.0),
                    ("29232", "bibliotheques", "2023", 4.0)])
    units = [fixture_reference.resolve(q) for q in ("29232", "97411", "29", "53")]
    one_by_one = IndicatorProfile(fixture_reference, values)
    expected = [one_by_one.rows(unit) for unit in units]
    warmed = IndicatorProfile(fixture_reference, values)
    warmed.warm()
    assert set(warmed._levels) == {"pays", "region", "departement", "epci"}
    assert [warmed.rows(unit) for unit in units] == expected


def test_commune_and_epci_values_read_by_position_as_by_scan(fixture_reference):
    """A commune's (or an EPCI's, not warmed) rows are taken by position, not by a scan."""
    from trajectoires.indicators.aggregation import aggregate

    rows = _census("29232", pop=1000.0, old=250.0) + _census("29019", pop=3000.0, old=300.0)
    profile = IndicatorProfile(fixture_reference, _long(rows))
    for query in ("29232", "29019"):
        unit = fixture_reference.resolve(query)
        epci = next(p for p in fixture_reference.parents(unit) if p.kind.value == "epci")
        for territory in (unit, epci):
            members = fixture_reference.communes_of(territory).index
            scanned = profile.values[profile.values["commune_code"].isin(members)]
            expected = aggregate(scanned, fixture_reference, territory.kind.value,
                                 communes=profile._communes)
            expected = expected[expected["unit_code"] == territory.code]
            values, coverage = profile._unit_values(territory)
            assert values.to_dict() == expected.set_index("indicator")["value"].to_dict()
            assert coverage["insee_part_65p"][1] == len(members)
    assert profile._by_commune is not None  # grouped once, then read by position
