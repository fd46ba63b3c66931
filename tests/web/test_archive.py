"""The open archive on the web: publishing a closed workshop, its public page and compte rendu
(HTML on A4, PDF), the search page and API, the territory page's list; never unpublished."""

from __future__ import annotations

import html
import io
import re
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from tests.conftest import fresh_database_url
from tests.foresight import factories as f
from trajectoires.db import create_database, migrate
from trajectoires.foresight.participation import join_workshop
from trajectoires.foresight.workshops import set_phase
from trajectoires.settings import Settings

pytestmark = pytest.mark.db

QUESTION = "Comment sommes-nous arrivés là ?"


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _phase(db, ws, key):
    with f.session(db) as s:
        return set_phase(s, ws.facilitator_id, ws.slug, key)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One database and app: a closed Imaginer 2030 with contributions, an open one, a debate."""
    folder = tmp_path_factory.mktemp("archive")
    with fresh_database_url(folder) as url:
        db = create_database(url)
        migrate(db)
        settings = Settings.from_env({}, workspace=str(folder / "ws"), database_url=url,
                                     throttle_writes_per_minute="0",
                                     throttle_writes_per_address_per_minute="0")
        app = f.make_app(settings.ensure_workspace(), db)
        owner = f.facilitator(db, "anne@example.org")
        f.facilitator(db, "bruno@example.org")
        ws = f.imaginer(db, owner)
        with f.session(db) as s:
            lea = join_workshop(s, ws.join_code, "Léa Secrète", role="elu").participant
        with f.session(db) as s:
            yann = join_workshop(s, ws.join_code, "Yann Caché", role="habitant").participant
        with f.session(db) as s:
            join_workshop(s, ws.join_code, "Zoé", role="habitant")
        h1 = f.contribute(db, lea, "headline", {"title": "Chaque école du bourg est connectée",
                                                "story": "Nous sommes en octobre, les écoles…"})
        f.contribute(db, yann, "headline", {"title": "Plus de zone blanche en Finistère"})
        _phase(db, ws, "rebours")
        f.contribute(db, lea, "milestone", {"title": "Le schéma des usages est voté",
                                            "date": f.months_from_now(3), "leads_to": [h1.id]})
        ws = _phase(db, ws, "closed")
        still_open = f.imaginer(db, owner)
        clients = SimpleNamespace(owner=f.api_facilitator(app, "anne@example.org"),
                                  other=f.api_facilitator(app, "bruno@example.org"),
                                  visitor=f.api_visitor(app))
        yield SimpleNamespace(db=db, app=app, ws=ws, open=still_open, c=clients)
        db.engine.dispose()


def _publish(client: TestClient, slug: str, **data) -> object:
    token = client.headers["X-CSRF-Token"]
    return client.post(f"/ateliers/{slug}/animer/publication",
                       data={"csrf_token": token, **data}, follow_redirects=False)


def test_unpublished_workshop_is_nowhere(world) -> None:
    visitor = world.c.visitor
    assert visitor.get(f"/archives/{world.ws.slug}").status_code == 404
    assert visitor.get(f"/archives/{world.ws.slug}/compte-rendu.pdf").status_code == 404
    assert visitor.get(f"/api/v1/archives/{world.ws.slug}").status_code == 404
    assert "école" not in text_of(visitor.get("/archives?q=école").text).split("Chercher")[-1]


def test_only_the_facilitator_publishes_only_a_closed_workshop(world) -> None:
    assert _publish(world.c.other, world.ws.slug).status_code == 403
    assert _publish(world.c.visitor, world.ws.slug).headers["location"].startswith("/connexion")
    refused = world.c.owner.put(f"/api/v1/workshops/{world.open.slug}/publication", json={})
    assert refused.status_code == 409 and "clos" in refused.json()["detail"]
    bad = world.c.owner.put(f"/api/v1/workshops/{world.ws.slug}/publication",
                            json={"licence": "wtfpl"})
    assert bad.status_code == 422 and "Licence inconnue" in bad.json()["detail"]
    assert world.c.visitor.get(f"/archives/{world.ws.slug}").status_code == 404


@pytest.fixture(scope="module")
def published(world):
    page = world.c.owner.get(f"/ateliers/{world.ws.slug}/animer").text
    assert 'id="publication"' in page and "Licence Ouverte 2.0" in page
    response = _publish(world.c.owner, world.ws.slug, licence="cc-by-4.0")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/ateliers/{world.ws.slug}/animer#publication"
    return world


def test_archive_page_shows_productions_never_names(published) -> None:
    response = published.c.visitor.get(f"/archives/{published.ws.slug}")
    assert response.status_code == 200
    page = text_of(response.text)
    assert QUESTION in page
    assert "Chaque école du bourg est connectée" in page
    assert "Le schéma des usages est voté" in page and "Mène au titre" in page
    assert "3 participants" in page and "Élu·e : 1" in page and "Habitant·e : 2" in page
    assert "Creative Commons Attribution 4.0" in page
    for name in ("Léa", "Yann", "Zoé", "Anne"):
        assert name not in page
    assert 'id="frise-archive-titre"' in response.text  # the kind's timeline drawing


def test_compte_rendu_prints_on_a4(published) -> None:
    response = published.c.visitor.get(f"/archives/{published.ws.slug}/compte-rendu")
    assert response.status_code == 200
    assert "/static/archive.css" in response.text
    css = published.c.visitor.get("/static/archive.css").text
    assert "size: A4" in css and "@media print" in css
    assert "Le territoire en données" in text_of(response.text)


def test_compte_rendu_pdf_is_a4_with_the_question(published) -> None:
    pypdf = pytest.importorskip("pypdf")
    response = published.c.visitor.get(f"/archives/{published.ws.slug}/compte-rendu.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1  # A4 in points
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert QUESTION in text and "Chaque école du bourg est connectée" in text
    assert "Léa" not in text


def test_search_page_finds_by_french_stem_and_filters(published) -> None:
    visitor = published.c.visitor
    found = visitor.get("/archives", params={"q": "ecoles connecte"})
    assert found.status_code == 200
    assert f'href="/archives/{published.ws.slug}"' in found.text
    assert "<mark>école</mark>" in found.text or "<mark>écoles</mark>" in found.text
    in_29 = visitor.get("/archives", params={"q": "école", "territoire": "Finistère"})
    assert f'href="/archives/{published.ws.slug}"' in in_29.text
    elsewhere = visitor.get("/archives", params={"q": "école", "territoire": "departement:75"})
    assert "Aucun résultat" in elsewhere.text
    debates = visitor.get("/archives", params={"q": "école", "type": "debate"})
    assert "Aucun résultat" in debates.text
    year = published.ws.created_at.year
    assert published.ws.slug in visitor.get("/archives", params={"annee": str(year)}).text
    bad = visitor.get("/archives", params={"annee": "20x6"})
    assert bad.status_code == 422 and "Année invalide" in bad.text


def test_search_api(published) -> None:
    visitor = published.c.visitor
    body = visitor.get("/api/v1/search", params={"q": "zone blanche",
                                                 "territory": "departement:29"}).json()
    assert body["total"] == 1 and body["results"][0]["url"] == f"/archives/{published.ws.slug}"
    assert body["results"][0]["territory"]["code"] == "29"
    assert visitor.get("/api/v1/search", params={"type": "nope"}).status_code == 422
    archive = visitor.get(f"/api/v1/archives/{published.ws.slug}").json()
    assert archive["licence"] == "cc-by-4.0" and archive["participants"] == 3
    assert "Léa Secrète" not in str(archive)


def test_territory_page_lists_the_published_workshop(published) -> None:
    page = published.c.visitor.get("/territoires/departement/29").text
    assert f'href="/archives/{published.ws.slug}"' in page
    commune = published.c.visitor.get("/territoires/commune/29232")  # below: not its workshop
    assert commune.status_code == 200 and 'id="productions-aucune"' in commune.text


def test_unpublish_takes_it_out_everywhere(published) -> None:
    owner, visitor = published.c.owner, published.c.visitor
    response = owner.delete(f"/api/v1/workshops/{published.ws.slug}/publication")
    assert response.status_code == 200 and response.json()["published"] is False
    assert visitor.get(f"/archives/{published.ws.slug}").status_code == 404
    assert visitor.get("/api/v1/search", params={"q": "école"}).json()["total"] == 0
    again = owner.put(f"/api/v1/workshops/{published.ws.slug}/publication",
                      json={"licence": "odbl"})
    assert again.status_code == 200 and again.json()["licence_label"].startswith("Open Database")
    assert visitor.get("/api/v1/search", params={"q": "école"}).json()["total"] == 1


def test_reopened_workshop_leaves_the_archive_until_closed(published) -> None:
    visitor, ws = published.c.visitor, published.ws
    _phase(published.db, ws, "priorites")
    assert visitor.get(f"/archives/{ws.slug}").status_code == 404
    assert visitor.get("/api/v1/search", params={"q": "zone blanche"}).json()["total"] == 0
    _phase(published.db, ws, "closed")
    assert visitor.get(f"/archives/{ws.slug}").status_code == 200
    assert visitor.get("/api/v1/search", params={"q": "zone blanche"}).json()["total"] == 1


def test_enrichment_after_publication_is_marked_and_found(published) -> None:
    from trajectoires.foresight.enrichment import add_contribution, join_as_visitor

    with f.session(published.db) as s:
        visitor = join_as_visitor(s, published.ws.id, "Passante")
    with f.session(published.db) as s:
        add_contribution(s, visitor.participant, "headline", {"title": "Un cybercafé solidaire"})
    page = text_of(published.c.visitor.get(f"/archives/{published.ws.slug}").text)
    assert "Un cybercafé solidaire (ajouté après l'atelier)" in page
    assert "3 participants" in page and "Passante" not in page  # visitors did not take part
    found = published.c.visitor.get("/api/v1/search", params={"q": "cybercafés"}).json()
    assert found["total"] == 1
