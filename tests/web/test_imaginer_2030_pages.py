"""Imaginer 2030 on the web: its sections on the three pages, the timeline image and JSON,
the live fragments, and the baselines the application reads from its indicator store."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.contributions import Author, Baseline, Lookups, post_contribution
from trajectoires.foresight.models import Participant
from trajectoires.foresight.priorities import allocate_points
from trajectoires.foresight.workshops import set_phase
from trajectoires.indicators.catalogue import DATASETS, INDICATORS
from trajectoires.indicators.models import Dataset, IndicatorValue
from trajectoires.web.territory.deps import reference_for_app
from trajectoires.web.workshops.lookups import build_lookups


def as_participant(app: FastAPI, db: Database, person) -> TestClient:
    """A browser holding ``person``'s participant cookie."""
    from trajectoires.foresight.participation import hash_token

    client = TestClient(app)
    token = f"jeton-{person.id}"
    with f.session(db) as s, s.begin():
        s.get(Participant, person.id).token_hash = hash_token(token)
    client.cookies.set(f"trajectoires_participant_{person.workshop_id}", token)
    return client


def phase(db: Database, ws, key: str) -> None:
    with f.session(db) as s:
        set_phase(s, ws.facilitator_id, ws.slug, key)


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


class Filled:
    """A workshop with two headlines, three milestones, a factor, two targets, points."""

    def __init__(self, db: Database) -> None:
        self.ws = f.imaginer(db)
        self.lea = f.join(db, self.ws, "Léa").participant
        self.yann = f.join(db, self.ws, "Yann").participant
        post = f.contribute
        self.h1 = post(db, self.lea, "headline", {"title": "Le bourg a sa maison numérique",
                                                  "story": "Nous sommes en octobre…"}).id
        self.h2 = post(db, self.yann, "headline", {"title": "Plus de zone blanche"}).id
        phase(db, self.ws, "rebours")
        self.m_early = post(db, self.lea, "milestone", {
            "title": "Le schéma est voté", "date": f.months_from_now(2),
            "leads_to": [self.h1, self.h2], "category": "culturel"}).id
        self.m_late = post(db, self.yann, "milestone", {
            "title": "Les antennes sont posées", "date": f.months_from_now(30),
            "leads_to": [self.h2], "category": "technologique"}).id
        post(db, self.lea, "factor", {"title": "Les crédits de l'État", "role": "moteur",
                                      "pestle": "économique", "milestones": [self.m_late]})
        phase(db, self.ws, "cibles")
        lookups = Lookups(baseline=lambda _k, _c, ind: Baseline(71.5, "2024-T4", "Arcep")
                          if ind == "ftth_taux" else None)
        post(db, self.lea, "target", {"indicator": "ftth_taux", "target_value": 98,
                                      "why": "Personne à l'écart."}, lookups)
        post(db, self.yann, "target", {"indicator": "insee_taux_chomage", "target_value": 6.5})
        phase(db, self.ws, "priorites")
        with f.session(db) as s:
            allocate_points(s, self.ws.id, self.lea.id, self.m_late, 7)
            allocate_points(s, self.ws.id, self.yann.id, self.h1, 3)


@pytest.fixture
def filled(database: Database) -> Filled:
    return Filled(database)


def test_participant_page_shows_what_the_phase_shows(app, database, filled):
    client = as_participant(app, database, filled.lea)
    html = client.get(f"/ateliers/{filled.ws.slug}").text
    for view in ("ranking", "wall", "targets"):  # the Priorités phase
        assert f'id="imaginer-{view}"' in html
    assert 'id="imaginer-timeline"' not in html
    assert "il vous en reste <strong>3</strong>" in html
    ranking = html[html.index('class="imaginer-ranking"'):]
    assert ranking.index("Les antennes sont posées") < ranking.index("Le bourg a sa maison")
    assert "<strong>7 points</strong>" in ranking and "(dont 7 de vous)" in ranking
    assert "/static/kinds/imaginer-2030.js" in html and "<style" not in html


def test_facilitator_page_shows_every_view_and_the_timeline(app, database, filled):
    client = TestClient(app)
    assert f.login(client).status_code == 303
    html = client.get(f"/ateliers/{filled.ws.slug}/animer").text
    for view in ("wall", "timeline", "targets", "ranking"):
        assert f'id="imaginer-{view}-titre"' in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    milestones = html[html.index('class="imaginer-milestones"'):]
    milestones = milestones[:milestones.index("</ol>")]
    assert milestones.index("Les antennes sont posées") < milestones.index("Le schéma est voté")
    assert "Moteur (économique) : Les crédits de l'État" in text_of(milestones)
    assert "Mène à : « Le bourg a sa maison numérique », « Plus de zone blanche »" in \
        text_of(milestones)


def test_targets_table_baseline_or_not_available(app, database, filled):
    client = TestClient(app)
    f.login(client)
    html = client.get(f"/ateliers/{filled.ws.slug}/projection").text
    table = html[html.index('class="imaginer-targets"'):]
    table = text_of(table[:table.index("</table>")])
    assert "Part des locaux raccordables à la fibre (FttH) 71,5 % (2024-T4, Arcep) 98 %" in table
    assert "Personne à l'écart." in table
    assert "Taux de chômage des 15-64 ans (au sens du recensement) non disponible 6,5 %" in table
    assert 'id="imaginer-timeline"' not in html  # projection follows the phase too


def test_timeline_image(app, database, filled):
    response = TestClient(app).get(f"/ateliers/{filled.ws.slug}/frise.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    svg = response.text
    assert svg.startswith("<svg") and "viewBox=\"0 0 420 " in svg and "width=" not in svg[:200]
    assert "Plus de zone blanche" in svg and "Les antennes sont posées" in svg
    assert svg.count('class="jalon ') == 2
    assert "Chemin à rebours jusqu'à octobre" in html.unescape(svg)


def test_timeline_json(app, database, filled):
    data = TestClient(app).get(f"/api/v1/workshops/{filled.ws.slug}/timeline").json()
    assert data["horizon"] == filled.ws.settings["horizon"]
    assert data["today"] == date.today().isoformat()
    assert [m["id"] for m in data["milestones"]] == [filled.m_late, filled.m_early]
    assert data["milestones"][1]["leads_to"] == [filled.h1, filled.h2]
    assert data["factors"][0]["pestle"] == "économique"
    assert data["milestones"][0]["factors"] == [data["factors"][0]["id"]]


def test_routes_serve_imaginer_workshops_only(app, database):
    debate = f.workshop(database)
    draft = f.imaginer(database, f.facilitator(database, "bob@example.org"), status="draft")
    client = TestClient(app)
    for slug in (debate.slug, draft.slug):
        assert client.get(f"/ateliers/{slug}/frise.svg").status_code == 404
        assert client.get(f"/api/v1/workshops/{slug}/timeline").status_code == 404
        assert client.get(f"/ateliers/{slug}/imaginer/wall").status_code == 404
    assert client.get(f"/ateliers/{draft.slug}/imaginer/nimporte").status_code in (404, 422)


def test_live_fragments(app, database, filled):
    client = as_participant(app, database, filled.yann)
    ranking = client.get(f"/ateliers/{filled.ws.slug}/imaginer/ranking")
    assert ranking.status_code == 200 and ranking.headers["cache-control"] == "no-store"
    assert "il vous en reste <strong>7</strong>" in ranking.text
    assert "<html" not in ranking.text
    timeline = client.get(f"/ateliers/{filled.ws.slug}/imaginer/timeline").text
    assert "<svg" in timeline and "Les jalons, de l'horizon à aujourd'hui" in timeline
    wall = client.get(f"/ateliers/{filled.ws.slug}/imaginer/wall").text
    assert "Plus de zone blanche" in wall and "Par Yann" in wall


def test_empty_views_say_so(app, database):
    ws = f.imaginer(database, status="closed")
    html = TestClient(app).get(f"/ateliers/{ws.slug}").text
    assert "Aucun titre du futur pour l'instant" in html
    assert "Aucun jalon pour l'instant" in html
    assert "Aucune cible pour l'instant" in html
    assert "Aucun point réparti pour l'instant" in html


# -- baselines from the application's data ------------------------------------------------------
def _load(db: Database, indicator: str, values: dict[str, float], period: str) -> None:
    with f.session(db) as s, s.begin():
        dataset = Dataset(name=f"essai-{indicator}", kind=INDICATORS[indicator].dataset,
                          file_name="essai.csv", sha256="0" * 64, period=period,
                          licence=DATASETS[INDICATORS[indicator].dataset].licence,
                          source_url="https://example.org")
        s.add(dataset)
        s.flush()
        s.add_all(IndicatorValue(dataset_id=dataset.id, unit_kind="commune", unit_code=code,
                                 indicator=indicator, period=period, value=value)
                  for code, value in values.items())


def test_build_lookups_reads_the_territory_values(app, database):
    lookups = build_lookups(app)
    assert lookups.baseline("departement", "29", "ftth_taux") is None  # nothing loaded
    _load(database, "france_services_sites", {"29232": 2.0, "29019": 3.0}, "2024-08-01")
    _load(database, "insee_pop", {"29232": 63000.0, "29019": 140000.0}, "2021")
    sites = lookups.baseline("departement", "29", "france_services_sites")  # a headline one
    assert (sites.value, sites.period, sites.unit) == (5.0, "2024-08-01", "sites")
    assert sites.source == DATASETS["france-services"].label
    people = lookups.baseline("commune", "29232", "insee_pop")  # read on demand
    assert (people.value, people.period) == (63000.0, "2021")
    assert lookups.baseline("commune", "99999", "insee_pop") is None  # unknown: not refused
    assert lookups.baseline("departement", "29", "pas_un_indicateur") is None


def test_target_posted_with_the_app_lookups(app, database):
    # Every commune of the Finistère: a département's value is not shown from a few of them.
    reference = reference_for_app(app)
    codes = reference.communes_of(reference.get("departement", "29")).index
    populations = {code: 63000.0 if code == "29232" else 1000.0 for code in codes}
    _load(database, "insee_pop", populations, "2021")
    ws = f.imaginer(database, status="cibles")
    lea = f.join(database, ws, "Léa").participant
    with f.session(database) as s:
        view = post_contribution(s, ws.id, Author(participant_id=lea.id, workshop_id=ws.id),
                                 "target", {"indicator": "insee_pop", "target_value": 64000},
                                 lookups=build_lookups(app))
    assert view.payload["baseline_value"] == sum(populations.values())
    assert view.payload["baseline_period"] == "2021"


def test_fragments_carry_the_digest_of_the_page(app, database, filled):
    client = as_participant(app, database, filled.lea)
    page = client.get(f"/ateliers/{filled.ws.slug}").text
    digests = dict(re.findall(r'data-imaginer-view="(\w+)"[^>]*\s+data-imaginer-digest="(\w+)"',
                              page))
    assert set(digests) == {"ranking", "wall", "targets"}
    url = f"/ateliers/{filled.ws.slug}/imaginer?vues=ranking,wall,nimporte"
    fragments = client.get(url).json()
    assert set(fragments) == {"ranking", "wall"}
    assert {v: fragments[v]["digest"] for v in fragments} == {
        v: digests[v] for v in ("ranking", "wall")}  # nothing changed: nothing to swap
    with f.session(database) as s:
        allocate_points(s, filled.ws.id, filled.yann.id, filled.m_early, 2)
    after = client.get(url).json()
    assert after["ranking"]["digest"] != digests["ranking"]
    assert after["wall"]["digest"] == digests["wall"]
    assert "Le schéma est voté" in after["ranking"]["html"]


def test_a_visitor_is_not_told_about_points_of_their_own(app, database, filled):
    page = TestClient(app).get(f"/ateliers/{filled.ws.slug}").text
    assert 'class="imaginer-ranking"' in page and "Vos points" not in page
    joined = as_participant(app, database, filled.yann).get(f"/ateliers/{filled.ws.slug}").text
    assert "il vous en reste <strong>7</strong>" in joined
