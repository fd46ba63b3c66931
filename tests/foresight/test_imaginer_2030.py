"""The Imaginer 2030 kind: its phases, fields, dates within the horizon, targets and priorities.

Every refusal is checked for its French message and for what it leaves in the
database (nothing).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.contributions import (
    Author,
    Baseline,
    Lookups,
    edit_contribution,
    list_contributions,
)
from trajectoires.foresight.errors import ConflictError, InvalidInputError
from trajectoires.foresight.facilitation import set_locked, update_settings
from trajectoires.foresight.kinds import get_kind
from trajectoires.foresight.kinds._imaginer_checks import clean_settings
from trajectoires.foresight.models import Contribution
from trajectoires.foresight.priorities import allocate_points, ranking
from trajectoires.foresight.workshops import create_workshop, set_phase

KIND = get_kind("imaginer-2030")


def stored(db: Database) -> int:
    with f.session(db) as s:
        return s.scalar(select(func.count()).select_from(Contribution))


def phase(db: Database, ws, key: str) -> None:
    with f.session(db) as s:
        set_phase(s, ws.facilitator_id, ws.slug, key)


@pytest.fixture
def ws(database: Database):
    return f.imaginer(database)


@pytest.fixture
def lea(database: Database, ws):
    return f.join(database, ws, "Léa").participant


@pytest.fixture
def headline(database: Database, ws, lea) -> int:
    view = f.contribute(database, lea, "headline", {"title": "Le bourg a sa maison numérique"})
    phase(database, ws, "rebours")
    return view.id


def refused(db: Database, who, type_key: str, payload: dict, error=InvalidInputError,
            lookups=None) -> str:
    """Post, expect ``error``, check nothing new is stored; return the French message."""
    before = stored(db)
    with pytest.raises(error) as caught:
        f.contribute(db, who, type_key, payload, lookups)
    assert stored(db) == before
    return str(caught.value)


# -- the manifest and its settings --------------------------------------------------------------
def test_phases_prompts_and_views():
    assert [p.label for p in KIND.phases[1:5]] == ["Vision", "Chemin à rebours", "Cibles",
                                                   "Priorités"]
    assert KIND.phase("vision").prompt.startswith("Nous sommes en octobre 2030")
    assert "Qu'a-t-il fallu qui soit vrai avant ?" in KIND.phase("rebours").prompt
    assert KIND.phase("priorites").points and not KIND.phase("priorites").contribution_types
    assert set(KIND.phase("closed").shows) == {"wall", "timeline", "targets", "ranking"}
    assert KIND.settings == {"horizon": "2030-10", "points": 10, "premoderation": False,
                             "private": False, "enrichment_email": False}


@pytest.mark.parametrize(("values", "message"), [
    ({"horizon": "octobre"}, "Horizon invalide : « octobre »"),
    ({"horizon": "2026-13"}, "Horizon invalide"),
    ({"horizon": "2026-11"}, "doit être après le mois en cours (décembre 2026)"),
    ({"horizon": "2101-01"}, "au plus tard en 2100"),
    ({"points": 0}, "de 1 à 100 (« 0 » reçu)"),
    ({"points": "101"}, "de 1 à 100"),
    ({"points": "dix"}, "de 1 à 100"),
    ({"premoderation": "peut-être"}, "pré-modération"),
])
def test_bad_settings_refused(values, message):
    with pytest.raises(InvalidInputError, match=re.escape(message)):
        clean_settings(values, today=date(2026, 12, 2))


def test_good_settings_cleaned():
    cleaned = clean_settings({"horizon": " 2030-10 ", "points": "20", "premoderation": "oui"},
                             today=date(2026, 12, 2))
    assert cleaned == {"horizon": "2030-10", "points": 20, "premoderation": True}


def test_settings_checked_on_create_and_update(database: Database, ws):
    owner = ws.facilitator_id
    with f.session(database) as s, pytest.raises(InvalidInputError, match="Points"):
        create_workshop(s, owner, f.FINISTERE, "Atelier", "Question ?", kind="imaginer-2030",
                        settings={"points": 500})
    with f.session(database) as s, pytest.raises(InvalidInputError, match="Horizon"):
        update_settings(s, owner, ws.id, {"horizon": "2020-01"})
    with f.session(database) as s:
        state = update_settings(s, owner, ws.id, {"points": 5})
    assert state.settings["points"] == 5


# -- vision: headlines --------------------------------------------------------------------------
def test_headline_defaults_to_the_horizon(database: Database, ws, lea):
    view = f.contribute(database, lea, "headline", {"title": "  Le bourg   a sa maison  ",
                                                    "story": "Nous sommes en octobre 2030…"})
    assert view.payload["date"] == ws.settings["horizon"]
    assert view.text == "Le bourg a sa maison"


def test_headline_dated_outside_the_horizon_year_refused(database: Database, ws, lea):
    horizon = ws.settings["horizon"]
    year = horizon[:4]
    message = refused(database, lea, "headline", {"title": "Trop tôt",
                                                  "date": f"{int(year) - 1}-12"})
    assert f"de janvier {year} à octobre {year}" in message
    message = refused(database, lea, "headline", {"title": "Trop tard", "date": f"{year}-11"})
    assert "« Date » : un titre du futur est daté de l'année de l'horizon" in message


def test_over_long_texts_refused(database: Database, lea):
    message = refused(database, lea, "headline", {"title": "x" * 141})
    assert message == "« Titre » dépasse 140 caractères (141 reçus)."
    message = refused(database, lea, "headline", {"title": "Un titre", "story": "y" * 1501})
    assert message == "« Récit » dépasse 1500 caractères (1501 reçus)."


def test_wrong_phase_and_lock_refused(database: Database, ws, lea):
    message = refused(database, lea, "milestone", {"title": "Trop tôt"}, ConflictError)
    assert message == "L'atelier n'accepte pas de contribution « Jalon » en ce moment (Vision)."
    with f.session(database) as s:
        set_locked(s, ws.facilitator_id, ws.id, locked=True)
    message = refused(database, lea, "headline", {"title": "Verrouillé"}, ConflictError)
    assert "verrouillé les contributions" in message


# -- chemin à rebours: milestones and factors ---------------------------------------------------
def test_milestone_between_today_and_the_horizon(database: Database, lea, headline):
    view = f.contribute(database, lea, "milestone", {
        "title": "Un tiers-lieu ouvre", "date": f.months_from_now(0), "leads_to": [headline],
        "category": "culturel"})
    assert view.payload["leads_to"] == [headline]
    assert view.payload["precedes"] == []


def test_milestone_after_the_horizon_refused(database: Database, ws, lea, headline):
    late = f.months_from_now(60)
    message = refused(database, lea, "milestone",
                      {"title": "Trop tard", "date": late, "leads_to": [headline]})
    assert message.startswith("« Date » : ")
    assert "est après l'horizon de l'atelier" in message
    assert "Choisissez un mois de " in message  # names both bounds


def test_milestone_before_today_refused(database: Database, lea, headline):
    message = refused(database, lea, "milestone", {
        "title": "Déjà passé", "date": f.months_from_now(-1), "leads_to": [headline]})
    assert "est déjà passé. Choisissez un mois de " in message


@pytest.mark.parametrize("leads_to", [None, []])
def test_milestone_must_lead_to_a_headline(database: Database, lea, headline, leads_to):
    message = refused(database, lea, "milestone",
                      {"title": "Sans but", "date": f.months_from_now(3), "leads_to": leads_to})
    assert message == "« Mène au titre » est vide."


def test_milestone_leading_to_unknown_or_other_type_refused(database: Database, lea, headline):
    message = refused(database, lea, "milestone",
                      {"title": "Vers rien", "date": f.months_from_now(3), "leads_to": [9999]})
    assert message == "« Mène au titre » : la contribution n° 9999 n'existe pas dans cet atelier."
    first = f.contribute(database, lea, "milestone", {
        "title": "Un premier jalon", "date": f.months_from_now(3), "leads_to": [headline]})
    message = refused(database, lea, "milestone", {
        "title": "Vers un jalon", "date": f.months_from_now(4), "leads_to": [first.id]})
    assert "n'est pas du type attendu" in message


def test_milestone_precedes_only_later_ones(database: Database, lea, headline):
    later = f.contribute(database, lea, "milestone", {
        "title": "Le réseau est fini", "date": f.months_from_now(20), "leads_to": [headline]})
    ok = f.contribute(database, lea, "milestone", {
        "title": "Le chantier commence", "date": f.months_from_now(5), "leads_to": [headline],
        "precedes": [later.id]})
    assert ok.payload["precedes"] == [later.id]
    message = refused(database, lea, "milestone", {
        "title": "Trop tard pour", "date": f.months_from_now(30), "leads_to": [headline],
        "precedes": [later.id]})
    assert "le jalon « Le réseau est fini »" in message


def test_factor_needs_role_and_pestle(database: Database, lea, headline):
    message = refused(database, lea, "factor", {"title": "Les subventions", "role": "moteur",
                                                "pestle": "fiscal"})
    assert message.startswith("« Catégorie PESTLE » : « fiscal » n'est pas un choix possible")
    assert "Environnemental" in message
    assert refused(database, lea, "factor", {"title": "Les subventions", "pestle": "social"}) \
        == "« Rôle » est vide."
    view = f.contribute(database, lea, "factor", {"title": "Les subventions", "role": "frein",
                                                  "pestle": "économique"})
    assert view.payload["role"] == "frein"


# -- cibles: targets and baselines --------------------------------------------------------------
@pytest.fixture
def targets_phase(database: Database, ws, headline):
    phase(database, ws, "cibles")


def test_target_on_unknown_indicator_refused(database: Database, lea, targets_phase):
    message = refused(database, lea, "target", {"indicator": "taux_de_bonheur",
                                                "target_value": 100})
    assert message.startswith("« Indicateur » : « taux_de_bonheur » n'est pas un indicateur "
                              "du catalogue.")


def test_target_after_the_horizon_refused(database: Database, lea, targets_phase):
    message = refused(database, lea, "target", {"indicator": "ftth_taux", "target_value": 99,
                                                "target_date": f.months_from_now(60)})
    assert message.startswith("« Échéance » : ") and "après l'horizon" in message


def test_target_baseline_from_the_lookup(database: Database, ws, lea, targets_phase):
    asked = []

    def baseline(kind: str, code: str, indicator: str) -> Baseline | None:
        asked.append((kind, code, indicator))
        return Baseline(71.5, "2024-T4", "Arcep, Ma connexion internet", "%")

    view = f.contribute(database, lea, "target", {"indicator": "ftth_taux", "target_value": "98,5",
                                                  "baseline_value": 3}, Lookups(baseline=baseline))
    assert asked == [("departement", "29", "ftth_taux")]
    assert view.payload["baseline_value"] == 71.5
    assert view.payload["baseline_period"] == "2024-T4"
    assert view.payload["baseline_source"] == "Arcep, Ma connexion internet"
    assert view.payload["target_date"] == ws.settings["horizon"]
    assert view.text.startswith("Part des locaux raccordables à la fibre (FttH) : 98,5 % en ")


def test_target_baseline_not_available(database: Database, lea, targets_phase):
    view = f.contribute(database, lea, "target", {"indicator": "ftth_taux", "target_value": 98,
                                                  "baseline_value": 12})
    assert view.payload["baseline_value"] is None  # « non disponible »: a participant can't set it
    assert view.payload["baseline_period"] is None
    unknown = f.contribute(database, lea, "target", {"indicator": "insee_taux_chomage",
                                                     "target_value": 5},
                           Lookups(baseline=lambda *_: None))
    assert unknown.payload["baseline_value"] is None


def test_edit_recomputes_the_target(database: Database, lea, targets_phase):
    view = f.contribute(database, lea, "target", {"indicator": "ftth_taux", "target_value": 98})
    lookups = Lookups(baseline=lambda *_: Baseline(60.0, "2024", "Arcep"))
    with f.session(database) as s:
        edited = edit_contribution(s, view.id, Author(participant_id=lea.id,
                                                      workshop_id=lea.workshop_id),
                                   {"target_value": 99}, lookups=lookups)
    assert edited.payload["baseline_value"] == 60.0
    assert ": 99 % en " in edited.text


# -- priorités: points and ranking --------------------------------------------------------------
def test_points_within_the_budget_and_ranking(database: Database, ws, lea, headline):
    milestone = f.contribute(database, lea, "milestone", {
        "title": "Un tiers-lieu ouvre", "date": f.months_from_now(6), "leads_to": [headline]})
    factor = f.contribute(database, lea, "factor", {"title": "Les élus", "role": "moteur",
                                                    "pestle": "politique"})
    yann = f.join(database, ws, "Yann").participant
    with f.session(database) as s, pytest.raises(ConflictError, match="ne recueille pas"):
        allocate_points(s, ws.id, lea.id, headline, 3)
    phase(database, ws, "priorites")
    with f.session(database) as s:
        allocate_points(s, ws.id, lea.id, headline, 6)
        allocate_points(s, ws.id, lea.id, milestone.id, 4)
        allocate_points(s, ws.id, yann.id, milestone.id, 5)
    with f.session(database) as s, pytest.raises(InvalidInputError) as caught:
        allocate_points(s, ws.id, lea.id, milestone.id, 5)
    assert str(caught.value) == ("Vous disposez de 10 points en tout : il vous en reste 4 "
                                 "à répartir.")
    with f.session(database) as s, pytest.raises(ConflictError, match="ne reçoit pas"):
        allocate_points(s, ws.id, yann.id, factor.id, 1)
    with f.session(database) as s:
        ranked = ranking(s, ws.id)
    assert [(r.contribution_id, r.points, r.voters) for r in ranked] == [
        (milestone.id, 9, 2), (headline, 6, 1)]


def test_nothing_posted_in_the_priorities_phase(database: Database, ws, lea):
    phase(database, ws, "priorites")
    message = refused(database, lea, "headline", {"title": "Trop tard"}, ConflictError)
    assert "(Priorités)" in message


# -- the example workshop -----------------------------------------------------------------------
def test_demo_builds_an_example_workshop(database: Database):
    owner = f.facilitator(database)
    lookups = Lookups(baseline=lambda _k, _c, ind: Baseline(70.0, "2024", "Arcep")
                      if ind == "ftth_taux" else None)
    with f.session(database) as s:
        ws = KIND.demo(s, owner.id, f.FINISTERE, lookups=lookups)
    assert ws.example and ws.kind == "imaginer-2030" and ws.status == "priorites"
    with f.session(database) as s:
        views = list_contributions(s, ws.id)
        ranked = ranking(s, ws.id)
    types = [v.type for v in views]
    assert types.count("headline") == 3 and types.count("milestone") == 4
    assert types.count("factor") == 3 and types.count("target") == 2
    assert all(v.author.startswith("Exemple") for v in views)
    fibre = next(v for v in views if v.type == "target" and v.payload["indicator"] == "ftth_taux")
    assert fibre.payload["baseline_value"] == 70.0
    assert ranked and ranked[0].points >= ranked[-1].points
