"""One click from the plan to Construire 2030 actions (#12 → #11), on the fixture reference."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from tests.conftest import fresh_database_url
from tests.diagnosis.workspace import FR
from tests.foresight import factories as f
from trajectoires.db import create_database, migrate
from trajectoires.foresight.kinds._construire_effects import effects_of
from trajectoires.foresight.models import Contribution
from trajectoires.foresight.workshops import set_phase
from trajectoires.settings import Settings

pytestmark = pytest.mark.db
FS_FILE = FR / "france_services/liste-fs-20240801.csv"
PLAN = {"reseau": "france-services", "nouveaux": "2", "rayon": "5", "modele": "mclp",
        "candidats": "communes", "part": "100", "calculer": "1"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    if not FS_FILE.exists():
        pytest.skip(f"real France Services list absent ({FS_FILE}); it is present in CI")
    from trajectoires.indicators.store import import_file

    folder = tmp_path_factory.mktemp("plan-actions")
    with fresh_database_url(folder) as url:
        db = create_database(url)
        migrate(db)
        with db.session() as session:
            import_file(session, "france-services", FS_FILE, f.reference())
        settings = Settings.from_env({}, workspace=str(folder / "ws"), database_url=url,
                                     throttle_writes_per_minute="0",
                                     throttle_writes_per_address_per_minute="0")
        app = f.make_app(settings.ensure_workspace(), db)
        yield db, app, f.facilitator(db)
        db.engine.dispose()


def _workshop(db: Any, owner: Any) -> tuple[Any, int]:
    ws = f.kind_workshop(db, "construire-2030", owner, "acteurs")
    max_ = f.join(db, ws, "Max")
    actor = f.post_as(db, ws, max_.participant, "actor", name="Morlaix Communauté",
                      actor_type="collectivite").id
    with f.session(db) as s:
        set_phase(s, owner.id, ws.slug, "actions")
    return ws, actor


def _actions(db: Any, workshop_id: int) -> list[Contribution]:
    with f.session(db) as s:
        return list(s.scalars(select(Contribution).where(
            Contribution.workshop_id == workshop_id, Contribution.type == "action")))


def test_the_facilitator_turns_the_sites_into_actions(world):
    db, app, owner = world
    ws, actor = _workshop(db, owner)
    client = f.api_facilitator(app, "anne@example.org")
    page = client.get(f"/territoires/{ws.territory_kind}/{ws.territory_code}/plan", params=PLAN)
    assert page.status_code == 200, page.text[:300]
    form = BeautifulSoup(page.text, "html.parser").find(
        "form", action=f"/ateliers/{ws.slug}/trajectoire/depuis-le-plan")
    assert form is not None and "Créer 2 actions" in form.get_text()
    data = {i["name"]: i.get("value", "") for i in form.find_all("input") if i["name"] != "site"}
    sites = [i["value"] for i in form.find_all("input", attrs={"name": "site"})]
    response = client.post(form["action"], data={**data, "site": sites, "owner": str(actor),
                                                 "network": "france-services",
                                                 "instrument": "autre"},
                           follow_redirects=False)
    assert response.status_code == 303, BeautifulSoup(response.text, "html.parser").main
    actions = _actions(db, ws.id)
    assert len(actions) == 2
    for action, site in zip(actions, sites, strict=True):
        code, lat, lon, name, commune = site.split("|")
        assert action.payload["title"] == f"Ouvrir un lieu à {commune}"
        (effect,) = effects_of(action.payload)
        assert effect["type"] == "open-place" and effect["commune"] == code
        assert effect["lat"] == pytest.approx(float(lat)) and effect["name"] == name
        assert effect["network"] == "france-services" and effect["year"] == int(data["year"])
    trajectory = client.get(f"/ateliers/{ws.slug}/trajectoire")
    assert trajectory.status_code == 200 and "Ouvrir un lieu à" in trajectory.text


def test_a_refused_site_keeps_nothing_and_others_cannot(world):
    db, app, owner = world
    ws, actor = _workshop(db, owner)
    client = f.api_facilitator(app, "anne@example.org")
    token = client.headers["X-CSRF-Token"]
    form = {"csrf_token": token, "owner": str(actor), "network": "france-services",
            "instrument": "autre", "year": "2027",
            "site": ["29232|47.99|-4.10|Mairie de Quimper|Quimper",
                     "75056|48.85|2.35|Hôtel de Ville|Paris"]}  # Paris: not this territory
    response = client.post(f"/ateliers/{ws.slug}/trajectoire/depuis-le-plan", data=form,
                           follow_redirects=False)
    assert response.status_code in (400, 422), response.text[:300]
    assert "Effet chiffré" in response.text
    with f.session(db) as s:
        count = s.scalar(select(func.count()).select_from(Contribution).where(
            Contribution.workshop_id == ws.id, Contribution.type == "action"))
    assert count == 0
    from fastapi.testclient import TestClient

    refused = TestClient(app).post(f"/ateliers/{ws.slug}/trajectoire/depuis-le-plan",
                                   data={"site": form["site"]}, follow_redirects=False)
    assert refused.status_code in (303, 403)
    assert len(_actions(db, ws.id)) == 0
