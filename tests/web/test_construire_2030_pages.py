"""Construire 2030 pages: the roadmap (SVG and in words), the actors' means, facilitator forms."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.models import Participant
from trajectoires.foresight.participation import hash_token
from trajectoires.foresight.workshops import set_phase
from trajectoires.settings import Settings

KEY = "construire-2030"
ACTION = {"instrument": "commande-publique"}


def phase(db: Database, owner, ws, status: str) -> None:
    with f.session(db) as s:
        set_phase(s, owner.id, ws.slug, status)


@pytest.fixture
def built(database: Database):
    """A Construire 2030 at the « Feuille de route » phase: 2 actors, 3 actions, 2 links."""
    owner = f.facilitator(database)
    ws = f.kind_workshop(database, KEY, owner, "acteurs")
    anne = f.join(database, ws, "Anne").participant
    mairie = f.post_as(database, ws, anne, "actor", name="Mairie", actor_type="collectivite",
                       people=3, budget_eur=120000, places=2, skills="Marchés publics")
    campus = f.post_as(database, ws, owner, "actor", name="Campus", actor_type="campus-ecole",
                       people=2, budget_eur=5000.5)
    phase(database, owner, ws, "actions")
    ids = [f.post_as(database, ws, anne, "action", title=title, owner=who.id, start=start,
                     end=end, **ACTION).id
           for title, who, start, end in (("Diagnostic", mairie, "2026-01", "2026-09"),
                                          ("Tiers-lieu", campus, "2026-10", "2028-06"),
                                          ("Portail", mairie, "2027-01", "2030-06"))]
    phase(database, owner, ws, "engagements")
    f.post_as(database, ws, anne, "commitment", action=ids[0], actor=mairie.id,
              what="Deux agents à mi-temps", by="2026-03")
    phase(database, owner, ws, "feuille-de-route")
    f.post_as(database, ws, anne, "dependency", before=ids[0], after=ids[1])
    f.post_as(database, ws, anne, "dependency", before=ids[1], after=ids[2])
    return {"owner": owner, "ws": ws, "anne": anne, "mairie": mairie.id, "campus": campus.id,
            "actions": ids}


@pytest.fixture
def app(settings: Settings, database: Database):
    return f.make_app(settings, database)


def as_participant(app, db: Database, person) -> TestClient:
    client = TestClient(app)
    with f.session(db) as s, s.begin():
        s.get(Participant, person.id).token_hash = hash_token(f"token-{person.id}")
    client.cookies.set(f"trajectoires_participant_{person.workshop_id}", f"token-{person.id}")
    return client


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def test_participant_page_shows_roadmap_means_and_commitments(app, database, built) -> None:
    page = soup(as_participant(app, database, built["anne"]).get(f"/ateliers/{built['ws'].slug}"))
    section = page.find("section", id="construire-feuille-de-route")
    drawing = section.find(class_="construire-dessin")
    assert drawing["role"] == "region" and drawing["tabindex"] == "0"
    svg = drawing.find("svg")
    assert svg["role"] == "img" and len(svg.select(".couloir")) == 2
    assert len(svg.select("path.dependance")) == 2
    words = section.find("details", id="construire-texte")
    mairie = words.find("ul", attrs={"aria-labelledby": f"construire-texte-{built['mairie']}"})
    lines = [" ".join(li.get_text().split()) for li in mairie.find_all("li")]
    assert lines[0].startswith("Diagnostic : de janvier 2026 à septembre 2026 (Commande publique)")
    assert "avant : « Tiers-lieu »" in lines[0] and "après : « Tiers-lieu »" in lines[1]
    totals = page.find("tr", id="construire-totaux")
    cells = [td.get_text().strip() for td in totals.find_all("td")]
    assert cells[:3] == ["5", "125\u202f000,5\u202f€", "2"]
    row = page.find("tr", id=f"construire-acteur-{built['mairie']}")
    assert "Porte-parole : Anne" in row.get_text()
    assert "Vous parlez pour cet acteur" in row.get_text()
    commitments = page.find("section", id="construire-engagements")
    assert "Deux agents à mi-temps — pour « Diagnostic », d'ici mars 2026" in " ".join(
        commitments.get_text().split())
    assert "style=" not in str(page.find(id="construire-feuille-de-route"))


def test_roadmap_svg_and_json(app, database, built) -> None:
    client, slug = TestClient(app), built["ws"].slug
    response = client.get(f"/ateliers/{slug}/feuille-de-route.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.text)
    groups = [g for g in root.iter() if (g.get("class") or "") == "action"]
    assert sorted(int(g.get("data-id")) for g in groups) == sorted(built["actions"])
    data = client.get(f"/api/v1/workshops/{slug}/roadmap").json()
    assert data["horizon"] == "2030-10" and data["totals"]["people"] == 5
    assert [a["name"] for a in data["actors"]] == ["Mairie", "Campus"]
    assert data["actors"][0]["speakers"] == ["Anne"]
    first, second, _ = built["actions"]
    assert {"before": first, "after": second} in data["dependencies"]
    assert next(a for a in data["actions"] if a["id"] == second)["after"] == [first]
    export = client.get(f"/ateliers/{slug}/export/feuille-de-route.svg")
    assert export.text == response.text
    assert export.headers["content-disposition"].startswith("attachment")
    debate = f.workshop(database, built["owner"])
    assert client.get(f"/ateliers/{debate.slug}/feuille-de-route.svg").status_code == 404
    assert client.get(f"/api/v1/workshops/{debate.slug}/roadmap").status_code == 404


def test_facilitator_starts_from_an_imaginer_of_the_same_territory(app, database, built):
    owner, ws = built["owner"], built["ws"]
    source = f.kind_workshop(database, "imaginer-2030", owner, "vision")
    f.post_as(database, source, owner, "headline", title="Plus personne seul")
    elsewhere = f.kind_workshop(database, "imaginer-2030", owner, "vision", territory=f.MORLAIX)
    client = TestClient(app)
    assert f.login(client).status_code == 303
    page = soup(client.get(f"/ateliers/{ws.slug}/animer"))
    options = [o["value"] for o in page.select("#construire-source option")]
    assert options == [source.slug] and elsewhere.slug not in options
    token = f.csrf(client, f"/ateliers/{ws.slug}/animer")
    response = client.post(f"/ateliers/{ws.slug}/construire/depart",
                           data={"source": source.slug, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303
    page = soup(client.get(f"/ateliers/{ws.slug}/animer"))
    assert "ont été repris" in page.find(id="construire-depart").get_text()
    again = client.post(f"/ateliers/{ws.slug}/construire/depart",
                        data={"source": source.slug, "csrf_token": token})
    assert again.status_code == 409 and "part déjà" in again.text


def test_only_the_facilitator_designates_speakers(app, database, built) -> None:
    ws = built["ws"]
    bruno = f.join(database, ws, "Bruno").participant
    participant = as_participant(app, database, bruno)
    token = f.csrf(participant, f"/ateliers/{ws.slug}")
    form = {"participant": bruno.id, "actor": built["campus"], "csrf_token": token}
    refused = participant.post(f"/ateliers/{ws.slug}/construire/porte-parole", data=form,
                               follow_redirects=False)
    assert refused.status_code == 303 and "/connexion" in refused.headers["location"]
    client = TestClient(app)
    f.login(client)
    token = f.csrf(client, f"/ateliers/{ws.slug}/animer")
    done = client.post(f"/ateliers/{ws.slug}/construire/porte-parole",
                       data={**form, "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    with f.session(database) as s:
        assert s.get(Participant, bruno.id).actor_id == built["campus"]
    other = TestClient(app)
    f.facilitator(database, "autre@example.org")
    f.login(other, "autre@example.org")
    token = f.csrf(other, "/ateliers/nouveau")
    assert other.post(f"/ateliers/{ws.slug}/construire/porte-parole",
                      data={**form, "csrf_token": token}).status_code == 403


def test_projection_shows_the_roadmap(app, database, built) -> None:
    client = TestClient(app)
    f.login(client)
    page = soup(client.get(f"/ateliers/{built['ws'].slug}/projection"))
    assert page.find("section", id="construire-feuille-de-route").find("svg") is not None
