"""The combined fragment endpoint the live pages use: ``GET /ateliers/{slug}/fragments``.

Several regions in one request (the shared ones and the kind's), only those whose digest
changed (204 when none did), the page's digests, the phase and the lock in the headers,
the facilitator's view refused to others, and unknown regions refused in French.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight import facilitation
from trajectoires.foresight.priorities import allocate_points
from trajectoires.foresight.workshops import set_phase

JSON = {"Accept": "application/json"}


class Construire:
    """A Construire 2030 in its « actions » phase: an actor (Mairie), an action, a timer."""

    def __init__(self, db: Database) -> None:
        self.owner = f.facilitator(db)
        ws = f.kind_workshop(db, "construire-2030", self.owner, "acteurs")
        self.anne = f.join(db, ws, "Anne")
        self.mairie = f.post_as(db, ws, self.anne.participant, "actor", name="Mairie",
                                actor_type="collectivite", people=3)
        with f.session(db) as s:
            self.ws = set_phase(s, self.owner.id, ws.slug, "actions")
        f.post_as(db, self.ws, self.anne.participant, "action", title="Diagnostic",
                  owner=self.mairie.id, start="2027-01", end="2027-09",
                  instrument="commande-publique")
        with f.session(db) as s:
            facilitation.set_timer(s, self.owner.id, self.ws.id, 10, "Écriture")

    def url(self, regions: str, vue: str = "participant") -> str:
        return f"/ateliers/{self.ws.slug}/fragments?vue={vue}&regions={regions}"


@pytest.fixture
def construire(database: Database) -> Construire:
    return Construire(database)


def page_digests(html: str) -> dict[str, str]:
    regions = BeautifulSoup(html, "html.parser").select("[data-region][data-digest]")
    return {r["data-region"]: r["data-digest"] for r in regions}


def with_digests(fragments: dict) -> str:
    return ",".join(f"{name}:{body['digest']}" for name, body in fragments.items())


def test_one_request_brings_the_shared_and_the_kinds_regions(app, database, construire) -> None:
    anne = f.api_participant(app, construire.anne)
    names = "session,contributions.action,form.action,construire.roadmap,construire.actors"
    response = anne.get(construire.url(names), headers=JSON)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-workshop-status"] == "actions"
    assert response.headers["x-workshop-locked"] == "false"
    fragments = response.json()
    assert list(fragments) == names.split(",")
    assert "Écriture" in fragments["session"]["html"]
    assert "Diagnostic" in fragments["contributions.action"]["html"]
    assert "Proposé par vous" in fragments["contributions.action"]["html"]
    assert 'id="form-nouveau-action"' in fragments["form.action"]["html"]
    assert "<svg" in fragments["construire.roadmap"]["html"]
    assert "Diagnostic" in fragments["construire.roadmap"]["html"]
    assert "Mairie" in fragments["construire.actors"]["html"]
    assert all(re.fullmatch(r"[0-9a-f]{16}", body["digest"]) for body in fragments.values())
    assert "<html" not in fragments["construire.roadmap"]["html"]


def test_the_kinds_regions_carry_the_digests_of_the_page(app, database, construire) -> None:
    anne = f.api_participant(app, construire.anne)
    digests = page_digests(anne.get(f"/ateliers/{construire.ws.slug}").text)
    assert set(digests) == {"construire.roadmap", "construire.actors", "construire.commitments"}
    sent = ",".join(f"{name}:{digest}" for name, digest in digests.items())
    unchanged = anne.get(construire.url(sent), headers=JSON)
    assert unchanged.status_code == 204 and unchanged.content == b""
    assert unchanged.headers["x-workshop-status"] == "actions"


def test_only_the_regions_that_changed_come_back(app, database, construire) -> None:
    anne = f.api_participant(app, construire.anne)
    names = "contributions.action,construire.roadmap,construire.actors,session"
    first = anne.get(construire.url(names), headers=JSON).json()
    assert anne.get(construire.url(with_digests(first)), headers=JSON).status_code == 204

    yann = f.join(database, construire.ws, "Yann").participant
    f.post_as(database, construire.ws, yann, "action", title="Tiers-lieu numérique",
              owner=construire.mairie.id, start="2027-06", end="2028-03",
              instrument="mutualisation-de-ressources")
    changed = anne.get(construire.url(with_digests(first)), headers=JSON)
    assert changed.status_code == 200
    assert set(changed.json()) == {"contributions.action", "construire.roadmap"}
    assert "Tiers-lieu numérique" in changed.json()["construire.roadmap"]["html"]
    # a region without a digest always comes back, even unchanged
    assert set(anne.get(construire.url("construire.actors:,session"), headers=JSON).json()) == {
        "construire.actors", "session"}


def test_the_lock_and_the_phase_are_in_the_headers(app, database, construire) -> None:
    visitor = TestClient(app)
    with f.session(database) as s:
        facilitation.set_locked(s, construire.owner.id, construire.ws.id, locked=True)
    locked = visitor.get(construire.url("session"), headers=JSON)
    assert locked.headers["x-workshop-locked"] == "true"
    assert "Contributions verrouillées" in locked.json()["session"]["html"]
    with f.session(database) as s:
        set_phase(s, construire.owner.id, construire.ws.slug, "engagements")
    digest = locked.json()["session"]["digest"]
    moved = visitor.get(construire.url(f"session:{digest}"), headers=JSON)
    assert moved.status_code == 204 and moved.headers["x-workshop-status"] == "engagements"


def test_a_visitor_sees_the_participant_view_without_being_anyone(app, construire) -> None:
    fragments = TestClient(app).get(construire.url("contributions.action,construire.actors"),
                                    headers=JSON).json()
    assert "Diagnostic" in fragments["contributions.action"]["html"]
    assert "Proposé par vous" not in fragments["contributions.action"]["html"]
    assert "Vous parlez pour cet acteur" not in fragments["construire.actors"]["html"]


def test_the_facilitators_view_is_theirs_only(app, database, construire) -> None:
    anne = f.api_participant(app, construire.anne)
    url = construire.url("contributions.action,form.action", vue="animation")
    assert anne.get(url, headers=JSON).status_code == 403
    assert TestClient(app).get(url, headers=JSON).status_code == 403
    bob = TestClient(app)
    f.facilitator(database, "bob@example.org")
    assert f.login(bob, "bob@example.org").status_code == 303
    assert bob.get(url, headers=JSON).status_code == 403

    host = TestClient(app)
    assert f.login(host).status_code == 303
    fragments = host.get(url, headers=JSON).json()
    assert "Masquer" in fragments["contributions.action"]["html"]  # moderation
    assert 'id="form-papier-action"' in fragments["form.action"]["html"]
    roadmap = host.get(construire.url("construire.roadmap", vue="animation"), headers=JSON)
    assert "<details" in roadmap.json()["construire.roadmap"]["html"]


def test_a_draft_is_not_found_by_others(app, database) -> None:
    bob = f.facilitator(database, "bob@example.org")
    draft = f.kind_workshop(database, "construire-2030", bob, "draft")
    url = f"/ateliers/{draft.slug}/fragments?regions=session"
    assert TestClient(app).get(url, headers=JSON).status_code == 404
    anne = TestClient(app)
    f.facilitator(database)
    assert f.login(anne).status_code == 303
    assert anne.get(url + "&vue=animation", headers=JSON).status_code == 404


@pytest.mark.parametrize(("regions", "named"), [
    ("session,nimporte", "nimporte"),
    ("imaginer.wall", "imaginer.wall"),  # another kind's region
    ("contributions.statement", "contributions.statement"),  # no such type here
    ("form.vote", "form.vote"),
])
def test_an_unknown_region_is_refused_in_french(app, construire, regions, named) -> None:
    response = TestClient(app).get(construire.url(regions), headers=JSON)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith(f"Partie de page inconnue : « {named} »")
    assert "construire.roadmap" in detail and "contributions.action" in detail


@pytest.mark.parametrize("regions", ["session;drop", "SESSION", "session:zz", ",".join(
    f"contributions.t{i}" for i in range(41))])
def test_a_malformed_list_is_refused_in_french(app, construire, regions) -> None:
    response = TestClient(app).get(construire.url(regions), headers=JSON)
    assert response.status_code == 422
    assert "Liste de parties de page invalide" in response.json()["detail"]


def test_the_page_without_javascript_is_told_in_french(app, construire) -> None:
    page = TestClient(app).get(construire.url("nimporte"), headers={"Accept": "text/html"})
    assert page.status_code == 422 and "Partie de page inconnue" in page.text


def test_imaginer_sections_share_the_endpoint(app, database) -> None:
    ws = f.imaginer(database, status="vision")
    lea = f.join(database, ws, "Léa")
    headline = f.contribute(database, lea.participant, "headline", {"title": "Le bourg câblé"})
    with f.session(database) as s:
        ws = set_phase(s, ws.facilitator_id, ws.slug, "priorites")
    client = f.api_participant(app, lea)
    page = BeautifulSoup(client.get(f"/ateliers/{ws.slug}").text, "html.parser")
    digests = {b["data-imaginer-view"]: b["data-imaginer-digest"]
               for b in page.select("[data-imaginer-view]")}
    assert "ranking" in digests
    sent = ",".join(f"imaginer.{view}:{digest}" for view, digest in digests.items())
    url = f"/ateliers/{ws.slug}/fragments?regions={sent}"
    assert client.get(url, headers=JSON).status_code == 204
    with f.session(database) as s:
        allocate_points(s, ws.id, lea.participant.id, headline.id, 3)
    changed = client.get(url, headers=JSON).json()
    assert set(changed) == {"imaginer.ranking"}
    assert "il vous en reste <strong>7</strong>" in changed["imaginer.ranking"]["html"]
