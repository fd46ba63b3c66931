"""The trajectory of a Construire 2030 (issue #11): effects, « et si… ? », page, exports, API.

One database and app per module (the small fixture reference of about thirty communes,
the real national France Services list imported), so that the projection inputs are
read once; each test builds its own workshop. The projection itself is the engine's
(:mod:`trajectoires.pathways`): these tests check what the web layer shows of it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from tests.conftest import fresh_database_url
from tests.diagnosis.workspace import FR
from tests.foresight import factories as f
from trajectoires.db import create_database, migrate
from trajectoires.foresight.contributions import Author, edit_contribution, post_contribution
from trajectoires.foresight.kinds._construire_effects import (
    add_effect,
    build_plan,
    disabled_actions,
    set_enabled,
    unprojected_targets,
)
from trajectoires.foresight.workshops import get_workshop, set_phase
from trajectoires.pathways import project, read_plan
from trajectoires.settings import Settings
from trajectoires.web.workshops.kinds.construire_2030 import report
from trajectoires.web.workshops.kinds.construire_2030.trajectory import Projection, service_of

pytestmark = pytest.mark.db

FS_FILE = FR / "france_services/liste-fs-20240801.csv"
KEY = "construire-2030"
OPEN_MORLAIX = {"type": "open-place", "network": "france-services", "commune": "29151",
                "year": 2027, "assumption": "Ouverture votée au conseil communautaire de 2026"}


@dataclass
class World:
    """The module's database, app and facilitator."""

    db: Any
    app: Any
    owner: Any
    counter: list[int]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    if not FS_FILE.exists():
        pytest.skip(f"real France Services list absent ({FS_FILE}); it is present in CI")
    from trajectoires.indicators.store import import_file

    folder = tmp_path_factory.mktemp("trajectory")
    with fresh_database_url(folder) as url:
        db = create_database(url)
        migrate(db)
        with db.session() as session:
            import_file(session, "france-services", FS_FILE, f.reference())
        settings = Settings.from_env({}, workspace=str(folder / "ws"), database_url=url,
                                     throttle_writes_per_minute="0",
                                     throttle_writes_per_address_per_minute="0")
        app = f.make_app(settings.ensure_workspace(), db)
        yield World(db, app, f.facilitator(db), [0])
        db.engine.dispose()


@dataclass
class Scene:
    """A Construire 2030 at « Actions » with an actor (spoken for by Max) and one action."""

    ws: Any
    actor: int
    action: int
    max_: Any
    lea: Any


def scene(world: World, *, effect: dict | None = None, example: bool = False) -> Scene:
    db, owner = world.db, world.owner
    ws = f.kind_workshop(db, KEY, owner, "acteurs")
    max_, lea = f.join(db, ws, "Max"), f.join(db, ws, "Léa")
    actor = f.post_as(db, ws, max_.participant, "actor", name="Morlaix Communauté",
                      actor_type="collectivite").id  # Max now speaks for it
    with f.session(db) as s:
        set_phase(s, owner.id, ws.slug, "actions")
    action = f.post_as(db, ws, max_.participant, "action", title="France Services à Morlaix",
                       owner=actor, start="2026-01", end="2027-06", instrument="autre").id
    if effect is not None:
        with f.session(db) as s:
            add_effect(s, Author(facilitator_id=owner.id), action, effect)
    if example:
        from trajectoires.foresight.models import Workshop

        with f.session(db) as s, s.begin():
            s.get(Workshop, ws.id).example = True
    return Scene(ws, actor, action, max_, lea)


def facilitator(world: World) -> TestClient:
    return f.api_facilitator(world.app, "anne@example.org")


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.text[:500]
    return BeautifulSoup(response.text, "html.parser")


def actions_value(page: BeautifulSoup, key: str) -> str:
    section = page.find("section", id=f"indicateur-{key}")
    return section.find("dd", attrs={"data-valeur-actions": True}).get_text(strip=True)


def tendance_value(page: BeautifulSoup, key: str) -> str:
    return page.find("section", id=f"indicateur-{key}").find_all("dd")[1].get_text(strip=True)


def test_effect_added_through_the_form_moves_the_trajectory(world: World) -> None:
    sc = scene(world)
    client = facilitator(world)
    base = f"/ateliers/{sc.ws.slug}/trajectoire/actions/{sc.action}/effets/nouveau"
    form = soup(client.get(base + "?type=open-place")).find("form", id="effet-formulaire")
    assert form.find("label", attrs={"for": "effet-commune"}).get_text(strip=True) == "Commune"
    response = client.post(base, data={
        "csrf_token": client.headers["X-CSRF-Token"], "type": "open-place",
        "network": "france-services", "commune": "29151", "year": "2027",
        "assumption": "Ouverture votée en 2026"}, follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    page = soup(client.get(f"/ateliers/{sc.ws.slug}/trajectoire"))
    effects = page.find("article", id=f"action-{sc.action}").find("ul", class_="trajectoire-effets")
    assert "Ouverture votée en 2026" in effects.get_text()
    assert actions_value(page, "dist_france-services") != tendance_value(
        page, "dist_france-services")
    contribution = page.find("section", id="indicateur-dist_france-services").find(
        "table", class_="trajectoire-contributions")
    row = contribution.find("th", string="France Services à Morlaix").find_parent("tr")
    assert row.find("td").get_text().startswith("−")  # the distance falls
    changes = page.find("section", id="carte-dist_france-services")
    assert changes.find("svg") is not None and "Morlaix (29151)" in changes.get_text()


@pytest.mark.parametrize(("fields", "named"), [
    ({"communes": "29232", "share": "beaucoup", "year": "2028"}, "« Part des locaux (%) »"),
    ({"communes": "29232 75056", "share": "90", "year": "2028"}, "« Communes »"),
    ({"communes": "29232", "share": "90", "year": "2019"}, "« Année »"),
])
def test_refused_effect_names_the_field_and_keeps_nothing(world: World, fields: dict,
                                                          named: str) -> None:
    sc = scene(world)
    client = facilitator(world)
    response = client.post(
        f"/ateliers/{sc.ws.slug}/trajectoire/actions/{sc.action}/effets/nouveau",
        data={"csrf_token": client.headers["X-CSRF-Token"], "type": "ftth",
              "assumption": "Plan de l'opérateur", **fields})
    assert response.status_code == 422
    page = BeautifulSoup(response.text, "html.parser")
    error = page.find(id="effet-erreur")
    assert error["role"] == "alert" and named in error.get_text()
    assert page.find(attrs={"aria-invalid": "true"})["aria-describedby"].endswith("effet-erreur")
    assert page.find("input", id="effet-share")["value"] == fields["share"]  # what was typed
    with f.session(world.db) as s:
        assert build_plan(s, get_workshop(s, sc.ws.slug))["actions"][0]["effects"] == []


def test_the_owners_speaker_may_set_effects_others_may_not(world: World) -> None:
    sc = scene(world)
    path = f"/api/v1/workshops/{sc.ws.slug}/actions/{sc.action}/effects"
    lea = f.api_participant(world.app, sc.lea)
    assert lea.post(path, json=OPEN_MORLAIX).status_code == 403
    assert f.api_visitor(world.app).post(path, json=OPEN_MORLAIX).status_code == 403
    max_ = f.api_participant(world.app, sc.max_)
    created = max_.post(path, json=OPEN_MORLAIX)
    assert created.status_code == 201, created.text
    key = created.json()["effects"][0]["key"]
    changed = max_.put(f"{path}/{key}", json={**OPEN_MORLAIX, "year": 2028})
    assert changed.json()["effects"][0]["year"] == 2028
    refused = max_.put(f"{path}/{key}", json={**OPEN_MORLAIX, "network": "bureaux-de-poste"})
    assert refused.status_code == 422 and "« Réseau »" in refused.json()["detail"]
    assert max_.delete(f"{path}/{key}").json()["effects"] == []
    page = f"/ateliers/{sc.ws.slug}/trajectoire"
    adding = {"aria-label": "Ajouter un effet à « France Services à Morlaix »"}
    assert soup(max_.get(page)).find("nav", attrs=adding) is not None
    assert soup(lea.get(page)).find("nav", attrs=adding) is None
    assert soup(lea.get(page)).find("form", id="trajectoire-actions") is None  # facilitator's


def test_generic_edits_keep_the_effects_and_cannot_set_them(world: World) -> None:
    sc = scene(world, effect=OPEN_MORLAIX)
    with f.session(world.db) as s:
        set_enabled(s, world.owner.id, sc.ws.id, {sc.action: False})
    author = Author(participant_id=sc.max_.participant.id, workshop_id=sc.ws.id)
    with f.session(world.db) as s:
        edited = edit_contribution(s, sc.action, author, {"title": "Maison France Services",
                                                          "effects": [], "trajectory_off": False})
    assert edited.text == "Maison France Services"
    assert [e["commune"] for e in edited.payload["effects"]] == ["29151"]
    assert edited.payload["trajectory_off"] is True  # the switch stays with the action
    with f.session(world.db) as s:
        assert disabled_actions(s, sc.ws.id) == {sc.action}
    with f.session(world.db) as s:
        posted = post_contribution(s, sc.ws.id, author, "action", {
            "title": "Autre", "owner": sc.actor, "start": "2026-01", "end": "2026-06",
            "instrument": "autre", "effects": [OPEN_MORLAIX]})
    assert "effects" not in posted.payload


def test_switching_an_action_off_gives_the_tendance_and_back(world: World) -> None:
    sc = scene(world, effect=OPEN_MORLAIX)
    client = facilitator(world)
    url = f"/ateliers/{sc.ws.slug}/trajectoire"
    before = soup(client.get(url))
    assert before.find("input", id=f"bascule-{sc.action}").has_attr("checked")
    moved = actions_value(before, "dist_france-services")
    off = client.post(url + "/actions", data={"csrf_token": client.headers["X-CSRF-Token"],
                                              "listed": str(sc.action)}, follow_redirects=False)
    assert off.status_code == 303
    page = soup(client.get(url))
    assert not page.find("input", id=f"bascule-{sc.action}").has_attr("checked")
    assert "0 action sur 1" in page.find(id="trajectoire-resume").get_text(" ", strip=True)
    assert actions_value(page, "dist_france-services") == tendance_value(
        page, "dist_france-services")
    on = client.post(f"/api/v1/workshops/{sc.ws.slug}/trajectory/switches",
                     json={"enabled": {str(sc.action): True}})
    assert on.json() == {"disabled": []}
    assert actions_value(soup(client.get(url)), "dist_france-services") == moved
    participant = f.api_participant(world.app, sc.max_)
    assert participant.post(f"/api/v1/workshops/{sc.ws.slug}/trajectory/switches",
                            json={"enabled": {str(sc.action): False}}).status_code == 403


def test_live_region_and_fragments_follow_the_switches(world: World) -> None:
    sc = scene(world, effect=OPEN_MORLAIX)
    client = facilitator(world)
    page = soup(client.get(f"/ateliers/{sc.ws.slug}/trajectoire"))
    region = page.find(attrs={"data-region": "construire.trajectory"})
    assert "trajectory" in region["data-types"].split()
    url = (f"/ateliers/{sc.ws.slug}/fragments?vue=participant&regions=construire.trajectory:"
           f"{region['data-digest']}")
    visitor = TestClient(world.app)
    assert visitor.get(url).status_code == 204  # same body for a visitor of an open workshop
    client.post(f"/api/v1/workshops/{sc.ws.slug}/trajectory/switches",
                json={"enabled": {str(sc.action): False}})
    changed = visitor.get(url).json()["construire.trajectory"]
    assert "0 action sur 1" in BeautifulSoup(changed["html"], "html.parser").get_text(" ")


def test_exports_json_and_both_csv(world: World) -> None:
    sc = scene(world, effect=OPEN_MORLAIX, example=True)
    client = TestClient(world.app)
    base = f"/ateliers/{sc.ws.slug}/trajectoire"
    document = client.get(base + ".json").json()
    assert document["notice"].startswith("Exemple")
    assert document["plan"]["actions"][0]["effects"][0]["commune"] == "29151"
    keys = [s["indicator"] for s in document["trajectory"]["series"]]
    assert "dist_france-services" in keys
    assert client.get(f"/api/v1/workshops/{sc.ws.slug}/trajectory").json() == document
    machine = client.get(base + "-communes.csv")
    rows = list(csv.reader(io.StringIO(machine.text)))
    assert rows[0] == ["code_commune", "annee", "scenario", "indicateur", "valeur", "exemple"]
    assert any(r[3] == "distance_france_services_km" and "." in r[4] for r in rows[1:])
    sheet = client.get(base + "-communes-tableur.csv")
    assert sheet.content.startswith(b"\xef\xbb\xbf")
    # the command's communes-tableur.csv: French headers, a row per commune, scenario, year
    table = list(csv.DictReader(io.StringIO(sheet.content.decode("utf-8-sig")), delimiter=";"))
    header = list(table[0])
    assert header[:4] == ["Code commune", "Commune", "Scénario", "Année"]
    assert header[-1] == "Exemple"
    distance = "Distance au plus proche lieu (France Services) (km)"
    assert distance in header and "Population municipale (habitants)" in header
    morlaix = {(r["Scénario"], r["Année"]): r for r in table if r["Code commune"] == "29151"}
    assert morlaix[("Avec les actions", "2027")][distance] == "0,0"
    far = morlaix[("Tendance (sans action)", "2027")][distance]
    assert "," in far and len(far.split(",")[1]) == 1  # rounded to 0.1 km, decimal comma
    assert morlaix[("Tendance (sans action)", "2027")]["Commune"] == "Morlaix"


def test_plan_takes_targets_and_says_which_are_not_projected(world: World) -> None:
    sc = scene(world, effect=OPEN_MORLAIX)
    for indicator, value in (("ftth_taux", 98.0), ("france_services_sites", 30.0)):
        f.post_as(world.db, sc.ws, world.owner, "target", indicator=indicator,
                  target_value=value, target_date="2029-06")
    with f.session(world.db) as s:
        workshop = get_workshop(s, sc.ws.slug)
        plan = build_plan(s, workshop)
        skipped = unprojected_targets(s, workshop)
    assert plan["targets"] == [{"indicator": "ftth_taux", "value": 98.0, "year": 2029}]
    assert [t["indicator"] for t in skipped] == ["france_services_sites"]
    assert read_plan(json.loads(json.dumps(plan))).territory == "29"
    page = soup(TestClient(world.app).get(f"/ateliers/{sc.ws.slug}/trajectoire"))
    left_out = page.find(id="trajectoire-cibles-hors").get_text()
    assert "Sites France Services" in left_out and "fibre" in left_out  # no FttH data here
    # what is missing and the command that loads it (it said « pas de données … »)
    from trajectoires.indicators.store import loading_command

    assert "ARCEP" in left_out and loading_command("arcep-ftth") in left_out
    # the values French style, with their unit (it said « 98.0 en 2029 »)
    assert "98\u202f% en 2029" in left_out and "30\xa0sites en 2029" in left_out
    assert "98.0" not in left_out and "30.0" not in left_out


def test_nothing_to_draw_is_said(world: World) -> None:
    """A store without the data of any followed indicator: the page says why it is empty."""
    env = world.app.state.templates.env
    body = report.TrajectoryBody(start_year=2024, horizon=2030, action_count=2,
                                 enabled_count=0, left_out=(("Un lieu", "aucun lieu"),))
    page = BeautifulSoup(env.get_template(report.TEMPLATE).render({"trajectory": body}),
                         "html.parser")
    empty = page.find(id="trajectoire-vide").get_text(" ", strip=True)
    assert "Aucun indicateur à tracer" in empty and "ci-dessus" in empty
    assert "0 action sur 2 prise en compte" in page.find(id="trajectoire-resume").get_text(
        " ", strip=True)


def test_a_target_is_drawn_with_the_gap_left(world: World) -> None:
    sc = scene(world, effect=OPEN_MORLAIX)
    service = service_of(world.app)
    with f.session(world.db) as s:
        workshop = get_workshop(s, sc.ws.slug)
        plan = build_plan(s, workshop)
    plan["targets"] = [{"indicator": "population", "value": 400_000, "year": 2030}]
    trajectory = project(service.inputs("departement", "29"), read_plan(plan))
    body = report.body_of(workshop, Projection(plan, frozenset(["a"]), trajectory))
    population = next(v for v in body.indicators if v.key == "population")
    assert population.target_text == "400\u202f000\xa0habitants en 2030"
    assert population.gap_text.startswith("il manque ")
    assert 'class="cible"' in population.svg and 'class="tendance"' in population.svg


def test_territory_page_links_to_its_trajectories(world: World) -> None:
    sc = scene(world, effect=OPEN_MORLAIX)
    page = soup(TestClient(world.app).get("/territoires/departement/29"))
    section = page.find("section", id="trajectoires")
    link = section.find("a", href=f"/ateliers/{sc.ws.slug}/trajectoire")
    assert link is not None and "1 effet chiffré" in link.find_parent("li").get_text(" ")
    other = soup(TestClient(world.app).get("/territoires/commune/29232"))
    assert other.find("section", id="trajectoires") is None  # none on Quimper itself


def test_an_action_the_data_no_longer_allow_is_left_out_and_said(world: World) -> None:
    sc = scene(world, effect=OPEN_MORLAIX)
    library = f.post_as(world.db, sc.ws, world.owner, "action", title="Médiathèque à Roscoff",
                        owner=sc.actor, start="2026-01", end="2027-06", instrument="autre").id
    with f.session(world.db) as s:  # entered while a list of libraries was loaded, say
        add_effect(s, Author(facilitator_id=world.owner.id), library, {
            "type": "close-place", "network": "libraries", "commune": "29239", "year": 2027,
            "assumption": "Fusion avec la médiathèque voisine"})
    page = soup(TestClient(world.app).get(f"/ateliers/{sc.ws.slug}/trajectoire"))
    note = page.find(id="trajectoire-laisses").get_text(" ", strip=True)
    assert "« Médiathèque à Roscoff »" in note and "« libraries »" in note  # the engine says why
    summary = page.find(id="trajectoire-resume").get_text(" ", strip=True)
    assert "1 action sur 2 prise en compte" in summary  # the one left out is not counted
    assert actions_value(page, "dist_france-services") != tendance_value(
        page, "dist_france-services")  # the other action is still projected
    document = TestClient(world.app).get(f"/ateliers/{sc.ws.slug}/trajectoire.json").json()
    assert document["not_projected"][0]["item"] == "Médiathèque à Roscoff"


def test_each_effect_type_has_its_labelled_form(world: World) -> None:
    sc = scene(world, effect=OPEN_MORLAIX)
    client = facilitator(world)
    base = f"/ateliers/{sc.ws.slug}/trajectoire/actions/{sc.action}/effets"
    for effect_type in ("open-place", "close-place", "ftth", "reach", "indicator"):
        page = soup(client.get(f"{base}/nouveau?type={effect_type}"))
        form = page.find("form", id="effet-formulaire")
        for field in form.find_all(["input", "select", "textarea"]):
            if field.get("type") != "hidden":
                assert form.find("label", attrs={"for": field["id"]}), field["id"]
        assert form.find("textarea", id="effet-assumption").has_attr("required")
    networks = soup(client.get(f"{base}/nouveau?type=open-place")).find("select",
                                                                        id="effet-network")
    assert [o["value"] for o in networks.find_all("option")] == [
        "france-services", "mediation-places", "libraries"]
    filled = soup(client.get(f"{base}/1")).find("form", id="effet-formulaire")
    assert filled.find("input", id="effet-commune")["value"] == "29151"
    assert client.get(f"{base}/nouveau?type=teleport").status_code == 404


def test_projection_page_shows_the_trajectory_once_an_effect_exists(world: World) -> None:
    client = facilitator(world)
    bare = scene(world)
    page = soup(client.get(f"/ateliers/{bare.ws.slug}/projection"))
    assert page.find(id="construire-trajectoire-projection") is None
    sc = scene(world, effect=OPEN_MORLAIX)
    page = soup(client.get(f"/ateliers/{sc.ws.slug}/projection"))
    region = page.find(id="construire-trajectoire-projection").find(
        attrs={"data-region": "construire.trajectory"})
    assert region.find("section", id="indicateur-dist_france-services") is not None


def test_changes_of_effects_are_versions_in_the_history(world: World) -> None:
    sc = scene(world)
    path = f"/api/v1/workshops/{sc.ws.slug}/actions/{sc.action}/effects"
    max_ = f.api_participant(world.app, sc.max_)
    key = max_.post(path, json=OPEN_MORLAIX).json()["effects"][0]["key"]
    with f.session(world.db) as s:  # a what-if switch is not a version, nor a change
        set_enabled(s, world.owner.id, sc.ws.id, {sc.action: False})
    assert max_.put(f"{path}/{key}", json={**OPEN_MORLAIX, "year": 2028}).status_code == 200
    client = facilitator(world)
    assert client.delete(f"{path}/{key}").status_code == 200
    versions = client.get(
        f"/api/v1/workshops/{sc.ws.slug}/contributions/{sc.action}/versions").json()
    assert [(v["action"], v["author"]) for v in versions] == [
        ("created", "Max"), ("effect_added", "Max"), ("effect_changed", "Max"),
        ("effect_removed", "Animation")]
    assert versions[2]["detail"] == {"effect": key, "type": "open-place"}
    assert [c["field"] for c in versions[2]["changes"]] == ["effects"]  # not the switch
    assert versions[3]["payload"]["effects"] == [] and versions[3]["payload"]["trajectory_off"]
    page = soup(f.api_visitor(world.app).get(
        f"/ateliers/{sc.ws.slug}/contributions/{sc.action}/historique"))
    shown = [li.get_text(" ", strip=True) for li in page.find_all("li", class_="history-version")]
    assert "Version 2 — Effet chiffré ajouté" in shown[1] and "Par Max" in shown[1]
    assert (f"Effet n° {key} Avant : — Après : Ouvrir un lieu — Réseau : France Services ; "
            "Commune : 29151 ; Année : 2027") in shown[1]
    assert "Année : 2027" in shown[2].split("Après")[0] and "Année : 2028" in shown[2]
    assert "Effet chiffré retiré" in shown[3] and "Par Animation" in shown[3]
    assert shown[3].endswith("Après : —")
