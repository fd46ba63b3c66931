"""Version history, personal data and enrichment through the web app (in-process client).

One database and app per module (both SQLite and PostgreSQL); each test builds its own
workshop through the services. The enrichment test runs a real SMTP server on this
machine (aiosmtpd), receives the confirmation e-mail and follows its link.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import socket
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from tests.conftest import fresh_database_url
from tests.foresight import factories as f
from trajectoires.db import create_database, migrate
from trajectoires.foresight.contributions import Author, edit_contribution
from trajectoires.foresight.facilitation import update_settings
from trajectoires.foresight.moderation import set_visibility
from trajectoires.foresight.publication import publish_workshop
from trajectoires.foresight.voting import vote
from trajectoires.foresight.workshops import set_phase
from trajectoires.settings import Settings

pytestmark = pytest.mark.db


class Inbox:
    """aiosmtpd handler keeping every message received."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def world(tmp_path_factory, smtp):
    folder = tmp_path_factory.mktemp("history-web")
    with fresh_database_url(folder) as url:
        db = create_database(url)
        migrate(db)
        settings = Settings.from_env(
            {}, workspace=str(folder / "ws"), database_url=url, public_url="http://testserver",
            smtp_host="127.0.0.1", smtp_port=str(smtp[1]), smtp_sender="ateliers@example.org")
        app = f.make_app(settings.ensure_workspace(), db)
        owner = f.facilitator(db, "anne@example.org")
        yield db, app, owner
        db.engine.dispose()


def _csrf(client: TestClient, path: str) -> str:
    return f.csrf(client, path)


# -- history ---------------------------------------------------------------------------------
def test_history_page_and_api_show_who_changed_what(world):
    db, app, owner = world
    ws = f.imaginer(db, owner)
    lea = f.join(db, ws, "Léa").participant
    posted = f.contribute(db, lea, "headline", {"title": "Une maison numérique"})
    with f.session(db) as s:
        edit_contribution(s, posted.id, Author(participant_id=lea.id, workshop_id=ws.id),
                          {"title": "Deux maisons numériques"})
    visitor = TestClient(app)
    page = visitor.get(f"/ateliers/{ws.slug}/contributions/{posted.id}/historique")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Historique de la contribution</h1>" in html
    assert html.count('class="history-version"') == 2
    assert "Version 2 — Modification" in html and "Par <strong>Léa</strong>" in html
    assert "<del>Une maison numérique</del>" in html
    assert "<ins>Deux maisons numériques</ins>" in html
    versions = visitor.get(f"/api/v1/workshops/{ws.slug}/contributions/{posted.id}/versions")
    assert [(v["number"], v["action"], v["author"]) for v in versions.json()] == [
        (1, "created", "Léa"), (2, "edited", "Léa")]
    assert versions.json()[1]["changes"] == [
        {"field": "title", "before": "Une maison numérique", "after": "Deux maisons numériques"}]
    with f.session(db) as s:
        set_visibility(s, owner.id, posted.id, hidden=True, reason="Hors sujet")
    assert visitor.get(f"/ateliers/{ws.slug}/contributions/{posted.id}/historique"
                       ).status_code == 404  # hidden: the facilitator's only
    boss = f.api_facilitator(app)
    hidden = boss.get(f"/api/v1/workshops/{ws.slug}/contributions/{posted.id}/versions").json()
    assert hidden[-1]["action"] == "hidden" and hidden[-1]["reason"] == "Hors sujet"
    assert "Raison du masquage" in boss.get(
        f"/ateliers/{ws.slug}/contributions/{posted.id}/historique").text


# -- personal data ---------------------------------------------------------------------------
def test_download_then_delete_a_participation(world):
    db, app, owner = world
    ws = f.workshop(db, owner)
    noe = f.join_via_web(app, ws.join_code, "Noé-Unique")
    zoe = f.join(db, ws, "Zoé-Autre").participant
    extra = f.join(db, ws, "Yann").participant
    page = noe.get(f"/ateliers/{ws.slug}")
    assert f'href="/ateliers/{ws.slug}/mes-donnees"' in page.text
    token = _csrf(noe, f"/ateliers/{ws.slug}/mes-donnees")
    assert "aucune contribution ;" in noe.get(f"/ateliers/{ws.slug}/mes-donnees").text
    posted = noe.post(f"/ateliers/{ws.slug}/propositions",
                      data={"text": "Un atelier numérique au marché", "csrf_token": token},
                      follow_redirects=False)
    assert posted.status_code == 303
    theirs = f.post(db, zoe, "Un bus numérique itinérant")
    noe.post(f"/ateliers/{ws.slug}/votes", data={"statement_id": theirs.id, "value": "-1",
                                                 "csrf_token": token})
    mine_id = noe.get(f"/api/v1/workshops/{ws.slug}/statements").json()[0]["id"]
    mine = " ".join(noe.get(f"/ateliers/{ws.slug}/mes-donnees").text.split())
    assert "1 contribution, avec l'historique de ses versions ;" in mine  # « leurs » before
    for person in (zoe, extra):
        with f.session(db) as s:
            vote(s, person, mine_id, 1)
    download = noe.get(f"/ateliers/{ws.slug}/mes-donnees.json")
    assert download.headers["content-disposition"].startswith("attachment")
    data = json.loads(download.text)
    assert data["pseudonym"] == "Noé-Unique"
    assert [c["text"] for c in data["contributions"]] == ["Un atelier numérique au marché"]
    assert [(v["contribution_id"], v["value"]) for v in data["votes"]] == [(theirs.id, -1)]
    assert "Zoé-Autre" not in download.text and "Yann" not in download.text
    assert TestClient(app).get(f"/ateliers/{ws.slug}/mes-donnees.json").status_code == 403

    counts_before = noe.get(f"/api/v1/workshops/{ws.slug}/statements").json()
    refused = noe.post(f"/ateliers/{ws.slug}/mes-donnees/supprimer",
                       data={"csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 422 and "Cochez la case de confirmation" in refused.text
    done = noe.post(f"/ateliers/{ws.slug}/mes-donnees/supprimer",
                    data={"csrf_token": token, "confirm": "oui"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/donnees-supprimees")
    assert "Votre participation a été supprimée" in noe.get(done.headers["location"]).text
    assert "Ce navigateur n'a pas rejoint" in htmllib.unescape(
        noe.get(f"/ateliers/{ws.slug}/mes-donnees").text)

    boss = f.api_facilitator(app)
    pages = [TestClient(app).get(f"/ateliers/{ws.slug}").text,
             boss.get(f"/ateliers/{ws.slug}/animer").text,
             boss.get(f"/api/v1/workshops/{ws.slug}/statements").text,
             boss.get(f"/api/v1/workshops/{ws.slug}/contributions").text,
             boss.get(f"/ateliers/{ws.slug}/contributions/{mine_id}/historique").text,
             boss.get(f"/api/v1/workshops/{ws.slug}/contributions/{mine_id}/versions").text]
    for text in pages:
        assert "Noé-Unique" not in text
    assert "Participant·e anonyme" in pages[0] and "Participant·e anonyme" in pages[4]
    export = boss.get(f"/ateliers/{ws.slug}/export/polis.zip")
    assert export.status_code == 200 and b"No\xc3\xa9-Unique" not in export.content
    after = TestClient(app).get(f"/api/v1/workshops/{ws.slug}/statements").json()
    assert [(s["id"], s["counts"]) for s in after] == [
        (s["id"], s["counts"]) for s in counts_before]
    assert sum(s["counts"]["agree"] for s in after) == 2


def test_facilitator_account_deletion(world):
    db, app, _owner = world
    account = f.facilitator(db, "bruno@example.org")
    bruno = f.api_facilitator(app, "bruno@example.org")
    running = f.workshop(db, account)
    page = bruno.get("/compte")
    assert page.status_code == 200 and "bruno@example.org" in page.text
    assert "Atelier en cours" in page.text
    data = bruno.get("/compte/donnees.json").json()
    assert [w["slug"] for w in data["workshops"]] == [running.slug]
    token = _csrf(bruno, "/compte")
    wrong = bruno.post("/compte/supprimer", data={"csrf_token": token, "password": "non",
                                                  "confirm": "oui"})
    assert wrong.status_code == 403 and "Mot de passe incorrect" in wrong.text
    busy = bruno.post("/compte/supprimer", data={"csrf_token": token, "password": f.PASSWORD,
                                                 "confirm": "oui"})
    assert busy.status_code == 409 and "est en cours" in busy.text
    bruno.post(f"/ateliers/{running.slug}/phase", data={"phase": "closed", "csrf_token": token})
    done = bruno.post("/compte/supprimer", data={"csrf_token": token, "password": f.PASSWORD,
                                                 "confirm": "oui"}, follow_redirects=False)
    assert done.status_code == 303
    assert bruno.get("/compte", follow_redirects=False).headers["location"].startswith(
        "/connexion")
    assert f.login(TestClient(app), "bruno@example.org").status_code != 303
    assert TestClient(app).get(f"/ateliers/{running.slug}").status_code == 200  # kept


# -- enrichment ------------------------------------------------------------------------------
def _published(db, owner, **settings):
    ws = f.imaginer(db, owner, settings=settings or None)
    lea = f.join(db, ws, "Léa").participant
    headline = f.contribute(db, lea, "headline", {"title": "Le bourg a sa maison numérique"})
    with f.session(db) as s:
        set_phase(s, owner.id, ws.slug, "closed")
    with f.session(db) as s:
        publish_workshop(s, owner.id, ws.slug)
    return ws, headline


def test_a_visitor_confirms_their_email_then_enriches(world, smtp):
    db, app, owner = world
    inbox, _port = smtp
    ws, headline = _published(db, owner, enrichment_email=True)
    visitor = TestClient(app)
    page = visitor.get(f"/archives/{ws.slug}/enrichir")
    assert page.status_code == 200 and 'name="email"' in page.text
    token = _csrf(visitor, f"/archives/{ws.slug}/enrichir")
    missing = visitor.post(f"/archives/{ws.slug}/enrichir/rejoindre",
                           data={"pseudonym": "Visiteuse", "csrf_token": token})
    assert missing.status_code == 422 and "adresse e-mail" in missing.text
    joined = visitor.post(f"/archives/{ws.slug}/enrichir/rejoindre",
                          data={"pseudonym": "Visiteuse", "email": "vi@example.org",
                                "csrf_token": token}, follow_redirects=False)
    assert joined.status_code == 303
    early = visitor.post(f"/archives/{ws.slug}/enrichir/commentaires",
                         data={"contribution_id": headline.id, "text": "Trop tôt",
                               "csrf_token": token})
    assert early.status_code == 403
    assert "Confirmez d'abord votre adresse" in htmllib.unescape(early.text)
    message = inbox.messages[-1]
    assert message["To"] == "vi@example.org" and message["From"] == "ateliers@example.org"
    link = re.search(r"http://testserver(/enrichir/confirmer/\S+)", message.get_content())
    confirmed = TestClient(app).get(link.group(1), follow_redirects=False)  # the mail's browser
    assert confirmed.headers["location"] == f"/archives/{ws.slug}/enrichir?confirmee=1"
    assert TestClient(app).get(link.group(1)).status_code == 404  # the link works once
    commented = visitor.post(f"/archives/{ws.slug}/enrichir/commentaires",
                             data={"contribution_id": headline.id, "text": "Et à Morlaix ?",
                                   "csrf_token": token}, follow_redirects=False)
    assert commented.status_code == 303
    added = visitor.post(f"/archives/{ws.slug}/enrichir/contributions/headline",
                         data={"title": "Une fibre dans chaque hameau", "csrf_token": token},
                         follow_redirects=False)
    assert added.status_code == 303
    html = TestClient(app).get(f"/archives/{ws.slug}/enrichir").text
    assert "Et à Morlaix ?" in html and "Une fibre dans chaque hameau" in html
    assert "Ajouté après l'atelier" in htmllib.unescape(html) and "vi@example.org" not in html
    api = TestClient(app).get(f"/api/v1/workshops/{ws.slug}/contributions").json()
    assert [c["after_session"] for c in api] == [False, True]


def test_unreachable_smtp_keeps_no_visitor(world):
    db, app, owner = world
    ws, _headline = _published(db, owner, enrichment_email=True)
    settings = app.state.settings
    broken = type(settings)(**{**settings.__dict__, "smtp_port": _free_port()})
    app.state.settings = broken
    try:
        visitor = TestClient(app)
        token = _csrf(visitor, f"/archives/{ws.slug}/enrichir")
        refused = visitor.post(f"/archives/{ws.slug}/enrichir/rejoindre",
                               data={"pseudonym": "Perdu", "email": "p@example.org",
                                     "csrf_token": token})
    finally:
        app.state.settings = settings
    assert refused.status_code == 409
    assert "n'a pas pu être envoyé" in htmllib.unescape(refused.text)
    again = TestClient(app)
    token = _csrf(again, f"/archives/{ws.slug}/enrichir")
    retry = again.post(f"/archives/{ws.slug}/enrichir/rejoindre",
                       data={"pseudonym": "Perdu", "email": "p@example.org",
                             "csrf_token": token}, follow_redirects=False)
    assert retry.status_code == 303  # the pseudonym was not kept


def test_the_facilitator_moderates_comments_and_unpublished_is_not_enrichable(world):
    db, app, owner = world
    ws, headline = _published(db, owner)
    with f.session(db) as s:
        update_settings(s, owner.id, ws.id, {"premoderation": True})
    visitor = TestClient(app)
    token = _csrf(visitor, f"/archives/{ws.slug}/enrichir")
    visitor.post(f"/archives/{ws.slug}/enrichir/rejoindre",
                 data={"pseudonym": "Passant", "csrf_token": token})
    visitor.post(f"/archives/{ws.slug}/enrichir/commentaires",
                 data={"contribution_id": headline.id, "text": "Une idée à valider",
                       "csrf_token": token})
    assert "Une idée à valider" not in TestClient(app).get(f"/archives/{ws.slug}/enrichir").text
    boss = f.api_facilitator(app)
    html = boss.get(f"/archives/{ws.slug}/enrichir").text
    comment_id = re.search(r'id="commentaire-(\d+)"', html).group(1)
    shown = boss.post(f"/ateliers/{ws.slug}/animer/commentaires/{comment_id}/visibilite",
                      data={"hidden": "0", "csrf_token": boss.headers["X-CSRF-Token"]},
                      follow_redirects=False)
    assert shown.status_code == 303
    assert "Une idée à valider" in TestClient(app).get(f"/archives/{ws.slug}/enrichir").text
    draft = f.imaginer(db, owner)
    assert TestClient(app).get(f"/archives/{draft.slug}/enrichir").status_code == 404


def test_an_erased_visitor_is_gone_from_the_archive_its_exports_and_api(world):
    import io
    import zipfile

    db, app, owner = world
    ws, headline = _published(db, owner)
    visitor = TestClient(app)
    token = _csrf(visitor, f"/ateliers/{ws.slug}")
    assert "commentez, votez et ajoutez" in visitor.get(f"/ateliers/{ws.slug}").text
    visitor.post(f"/archives/{ws.slug}/enrichir/rejoindre",
                 data={"pseudonym": "Gwenola-Partie", "organisation": "Asso Kerlouan",
                       "csrf_token": token})
    visitor.post(f"/archives/{ws.slug}/enrichir/commentaires",
                 data={"contribution_id": headline.id, "text": "Un tiers-lieu aussi",
                       "csrf_token": token})
    visitor.post(f"/archives/{ws.slug}/enrichir/contributions/headline",
                 data={"title": "Des ateliers numériques au port", "csrf_token": token})
    assert "Gwenola-Partie" in TestClient(app).get(f"/archives/{ws.slug}/enrichir").text
    added = [c for c in TestClient(app).get(f"/api/v1/workshops/{ws.slug}/contributions").json()
             if c["after_session"]][0]
    done = visitor.post(f"/ateliers/{ws.slug}/mes-donnees/supprimer",
                        data={"csrf_token": token, "confirm": "oui"}, follow_redirects=False)
    assert done.status_code == 303
    reader = TestClient(app)
    texts = {path: reader.get(path) for path in (
        f"/archives/{ws.slug}", f"/archives/{ws.slug}/enrichir",
        f"/archives/{ws.slug}/compte-rendu", f"/api/v1/archives/{ws.slug}",
        f"/api/v1/workshops/{ws.slug}/contributions",
        f"/ateliers/{ws.slug}/contributions/{added['id']}/historique",
        f"/api/v1/workshops/{ws.slug}/contributions/{added['id']}/versions")}
    for path, response in texts.items():
        assert response.status_code == 200, path
        assert "Gwenola-Partie" not in response.text and "Kerlouan" not in response.text, path
    assert "Participant·e anonyme" in texts[f"/archives/{ws.slug}/enrichir"].text
    assert "Un tiers-lieu aussi" in texts[f"/archives/{ws.slug}/enrichir"].text
    archive = reader.get(f"/archives/{ws.slug}/donnees.zip")
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        for name in opened.namelist():
            content = opened.read(name)
            assert b"Gwenola-Partie" not in content, name
            assert b"Kerlouan" not in content, name


def test_enrichment_writes_are_throttled_like_the_session(world):
    from trajectoires.web.workshops.throttle import build_write_throttle

    db, app, owner = world
    ws, headline = _published(db, owner)
    visitor = TestClient(app)
    token = _csrf(visitor, f"/archives/{ws.slug}/enrichir")
    visitor.post(f"/archives/{ws.slug}/enrichir/rejoindre",
                 data={"pseudonym": "Pressé", "csrf_token": token})
    saved = app.state.write_throttle
    strict = app.state.settings.__class__.from_env(
        {}, workspace=str(app.state.settings.workspace), throttle_writes_per_minute="2")
    app.state.write_throttle = build_write_throttle(strict)
    try:
        answers = [visitor.post(f"/archives/{ws.slug}/enrichir/commentaires",
                                data={"contribution_id": headline.id, "text": f"Idée {i}",
                                      "csrf_token": token}, follow_redirects=False)
                   for i in range(3)]
    finally:
        app.state.write_throttle = saved
    assert [a.status_code for a in answers] == [303, 303, 429]
    assert "Réessayez dans" in answers[2].text and answers[2].headers["retry-after"]
    page = TestClient(app).get(f"/archives/{ws.slug}/enrichir").text
    assert "Idée 1" in page and "Idée 2" not in page
