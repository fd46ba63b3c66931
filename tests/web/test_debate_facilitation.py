"""What facilitators of a debate asked for (#13), through the pages: seed statements
written before the opening, the count of who joined and has not voted, the territory's page."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import re
import zipfile

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.foresight import factories as f
from trajectoires.db import Database

pytestmark = pytest.mark.db


@pytest.fixture
def host(app: FastAPI, database: Database) -> TestClient:
    f.facilitator(database)
    client = TestClient(app)
    assert f.login(client).status_code == 303
    return client


def _draft(client: TestClient) -> str:
    token = f.csrf(client, "/ateliers/nouveau")
    response = client.post("/ateliers/nouveau", data={
        "territory": "29", "title": "Le numérique en 2030", "question": "Que voulons-nous ?",
        "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"].split("/")[2]


def _seed(client: TestClient, slug: str, text: str):
    token = f.csrf(client, f"/ateliers/{slug}/animer")
    return client.post(f"/ateliers/{slug}/propositions-de-depart",
                       data={"text": text, "csrf_token": token}, follow_redirects=False)


def test_seed_statements_before_the_opening(app: FastAPI, host: TestClient) -> None:
    slug = _draft(host)
    page = host.get(f"/ateliers/{slug}/animer").text
    assert 'id="seed-form"' in page and "avant d'ouvrir l'atelier" in page
    assert _seed(host, slug, "Une permanence numérique dans chaque mairie").status_code == 303
    assert _seed(host, slug, "Des ateliers pour les seniors").status_code == 303

    again = _seed(host, slug, "une PERMANENCE numérique, dans chaque mairie !")
    assert again.status_code == 409
    error = re.search(r'id="seed-error"[^>]*>([^<]+)<', again.text).group(1)
    assert "Une permanence numérique dans chaque mairie" in error
    assert "une PERMANENCE numérique, dans chaque mairie !</textarea>" in again.text

    token = f.csrf(host, f"/ateliers/{slug}/animer")
    host.post(f"/ateliers/{slug}/phase", data={"phase": "open", "csrf_token": token})
    code = re.search(r'id="join-code"[^>]*>([A-Z0-9]{6})<',
                     host.get(f"/ateliers/{slug}/animer").text).group(1)
    alice = f.join_via_web(app, code, "Alice")
    listed = alice.get(f"/api/v1/workshops/{slug}/statements").json()
    assert [(s["text"], s["author"]) for s in listed] == [
        ("Une permanence numérique dans chaque mairie", "Animation"),
        ("Des ateliers pour les seniors", "Animation")]
    voted = alice.post(f"/api/v1/workshops/{slug}/statements/{listed[0]['id']}/vote",
                       json={"value": 1})
    assert voted.status_code == 200, voted.text
    board = alice.get(f"/ateliers/{slug}").text
    assert board.count('class="statement-author">Animation<') == 2

    exported = zipfile.ZipFile(io.BytesIO(host.get(f"/ateliers/{slug}/export/polis.zip").content))
    comments = list(csv.DictReader(io.StringIO(exported.read("comments.csv").decode("utf-8-sig"))))
    assert sorted((c["comment-body"], c["author-id"], c["agrees"]) for c in comments) == [
        ("Des ateliers pour les seniors", "", "0"),
        ("Une permanence numérique dans chaque mairie", "", "1")]


def test_no_seed_once_closed(host: TestClient) -> None:
    slug = _draft(host)
    token = f.csrf(host, f"/ateliers/{slug}/animer")
    host.post(f"/ateliers/{slug}/phase", data={"phase": "closed", "csrf_token": token})
    assert 'id="seed-form"' not in host.get(f"/ateliers/{slug}/animer").text
    refused = _seed(host, slug, "Trop tard")
    assert refused.status_code == 409
    message = re.search(r'id="page-error"[^>]*>([^<]+)<', refused.text).group(1)
    assert "clos" in message


def _turnout(client: TestClient, slug: str, vue: str = "animation") -> str:
    body = client.get(f"/ateliers/{slug}/fragments?vue={vue}&regions=session").json()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", body["session"]["html"])).split())


def test_the_facilitator_sees_who_joined_and_has_not_voted(
    app: FastAPI, host: TestClient, database: Database
) -> None:
    slug = f.create_via_web(host)
    page = host.get(f"/ateliers/{slug}/animer").text
    assert "0 participant a rejoint l'atelier." in _turnout(host, slug)
    code = re.search(r'id="join-code"[^>]*>([A-Z0-9]{6})<', page).group(1)
    alice = f.join_via_web(app, code, "Alice")
    bob = f.join_via_web(app, code, "Bob")
    f.join_via_web(app, code, "Chloé")
    posted = alice.post(f"/api/v1/workshops/{slug}/statements", json={"text": "Un tiers-lieu"})
    assert "3 participants ont rejoint l'atelier ; 3 n'ont pas encore voté." in _turnout(host, slug)
    bob.post(f"/api/v1/workshops/{slug}/statements/{posted.json()['id']}/vote", json={"value": 0})
    assert "3 participants ont rejoint l'atelier ; 2 n'ont pas encore voté." in _turnout(host, slug)
    assert "ont rejoint" not in _turnout(bob, slug, "participant")


def test_pages_link_to_the_territory(app: FastAPI, host: TestClient) -> None:
    slug = f.create_via_web(host)
    link = re.compile(r'id="territory-link" href="/territoires/departement/29">Finistère \(29\)<')
    assert link.search(host.get(f"/ateliers/{slug}/animer").text)
    assert link.search(TestClient(app).get(f"/ateliers/{slug}").text)


# -- edit, duplicate, delete ------------------------------------------------------------------
def _post(client: TestClient, slug: str, path: str, data: dict | None = None):
    token = f.csrf(client, f"/ateliers/{slug}/animer")
    return client.post(f"/ateliers/{slug}/{path}", data={**(data or {}), "csrf_token": token},
                       follow_redirects=False)


def test_edit_a_workshop(host: TestClient) -> None:
    slug = f.create_via_web(host)
    page = host.get(f"/ateliers/{slug}/modifier")
    assert 'value="Le numérique en 2030"' in page.text
    bad = _post(host, slug, "modifier", {"title": " ", "question": "Q ?", "territory": "29"})
    assert bad.status_code == 422 and 'id="form-error"' in bad.text
    assert 'value="Q ?"' not in bad.text and "Q ?</textarea>" in bad.text
    done = _post(host, slug, "modifier", {"title": "Le numérique à Brest",
                                          "question": "Quelle ville en 2030 ?",
                                          "territory": "29019"})
    assert done.status_code == 303
    page = host.get(f"/ateliers/{slug}/animer").text
    assert "<h1>Le numérique à Brest</h1>" in page and "Quelle ville en 2030 ?" in page
    assert 'href="/territoires/commune/29019">Brest (29019)<' in page


def test_duplicate_copies_the_facilitator_work_not_the_participants(
    app: FastAPI, host: TestClient
) -> None:
    slug = _draft(host)
    _seed(host, slug, "Un tiers-lieu par canton")
    _post(host, slug, "phase", {"phase": "open"})
    code = re.search(r'id="join-code"[^>]*>([A-Z0-9]{6})<',
                     host.get(f"/ateliers/{slug}/animer").text).group(1)
    alice = f.join_via_web(app, code, "Alice")
    alice.post(f"/api/v1/workshops/{slug}/statements", json={"text": "Une idée d'Alice"})

    copied = _post(host, slug, "dupliquer")
    assert copied.status_code == 303
    copy = copied.headers["location"].split("/")[2]
    assert copy != slug
    page = host.get(f"/ateliers/{copy}/animer").text
    assert "<h1>Le numérique en 2030 (copie)</h1>" in page
    assert 'id="join-draft"' in page  # in preparation
    assert "Un tiers-lieu par canton" in page and "Une idée d'Alice" not in page
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())
    assert "0 participant a rejoint" in text


def test_delete_asks_then_erases_everything(app: FastAPI, host: TestClient) -> None:
    slug = f.create_via_web(host)
    code = re.search(r'id="join-code"[^>]*>([A-Z0-9]{6})<',
                     host.get(f"/ateliers/{slug}/animer").text).group(1)
    alice = f.join_via_web(app, code, "Alice")
    alice.post(f"/api/v1/workshops/{slug}/statements", json={"text": "Une idée d'Alice"})
    confirm = host.get(f"/ateliers/{slug}/supprimer").text
    summary = " ".join(re.sub(r"<[^>]+>", "", confirm.split('id="delete-summary">')[1]
                              .split("</p>")[0]).split())
    assert "1 participant, 1 contribution et 0 vote" in summary
    gone = _post(host, slug, "supprimer")
    assert (gone.status_code, gone.headers["location"]) == (303, "/ateliers")
    listing = host.get("/ateliers").text
    assert "L'atelier « Le numérique en 2030 » a été supprimé." in html.unescape(listing)
    assert host.get(f"/ateliers/{slug}").status_code == 404
    assert alice.get(f"/api/v1/workshops/{slug}/statements").status_code == 404


def test_a_published_workshop_is_neither_edited_nor_deleted(host: TestClient) -> None:
    slug = f.create_via_web(host)
    _post(host, slug, "phase", {"phase": "closed"})
    published = _post(host, slug, "animer/publication",
                      {"action": "publier", "licence": "etalab-2.0"})
    assert published.status_code == 303
    assert 'id="delete-refused"' in host.get(f"/ateliers/{slug}/supprimer").text
    refused = _post(host, slug, "supprimer")
    assert refused.status_code == 409 and "Dépubliez-le d'abord" in html.unescape(refused.text)
    edited = _post(host, slug, "modifier", {"title": "Autre", "question": "Q ?",
                                            "territory": "29"})
    assert edited.status_code == 409
    assert host.get(f"/archives/{slug}").status_code == 200


# -- one statement at a time, without JavaScript ----------------------------------------------
def test_one_statement_at_a_time_without_javascript(app: FastAPI, database: Database) -> None:
    debate = f.debate_with_blocs(database, per_bloc=1, n_statements=2)
    slug = debate.workshop.slug
    chloe = f.join_via_web(app, debate.workshop.join_code, "Chloé")
    page = chloe.get(f"/ateliers/{slug}").text
    card = page.split('id="next-vote"')[1].split("</section>")[0]
    assert "Proposition numéro 0</p>" in card and "2 propositions sans votre vote." in card
    item = page.split(f'id="statement-{debate.statements[0]}"')[1].split("</li>")[0]
    assert re.search(r'class="counts"\s+hidden', item)  # no results before her vote

    token = chloe.headers["X-CSRF-Token"]
    voted = chloe.post(f"/ateliers/{slug}/votes", data={
        "statement_id": debate.statements[0], "value": "1", "suivante": "1",
        "csrf_token": token}, follow_redirects=False)
    assert voted.headers["location"] == f"/ateliers/{slug}#next-vote"
    page = chloe.get(f"/ateliers/{slug}").text
    card = page.split('id="next-vote"')[1].split("</section>")[0]
    assert "Proposition numéro 1</p>" in card and "1 proposition sans votre vote." in card
    item = page.split(f'id="statement-{debate.statements[0]}"')[1].split("</li>")[0]
    assert re.search(r'<p class="counts">', item)
    assert 'data-count="agree">3<' in item  # the two blocs' voters and hers
    visitor = TestClient(app).get(f"/ateliers/{slug}").text
    assert 'id="next-vote"' not in visitor and 'class="counts" hidden' not in visitor


def test_one_pass_reads_passe(app: FastAPI, database: Database) -> None:
    """« 1 passent » on the board: the verb follows the number (« 0 passe », « 2 passent »)."""
    from trajectoires.foresight.voting import vote

    debate = f.debate_with_blocs(database, per_bloc=1, n_statements=1)
    slug, statement = debate.workshop.slug, debate.statements[0]

    def passes() -> str:
        item = TestClient(app).get(f"/ateliers/{slug}").text.split(
            f'id="statement-{statement}"')[1].split("</li>")[0]
        return re.search(r"\d+ pass\w*", " ".join(re.sub(r"<[^>]+>", "", item).split())).group()

    assert passes() == "0 passe"
    for name in ("Yves", "Zoé"):
        with f.session(database) as s:
            vote(s, f.join(database, debate.workshop, name).participant, statement, 0)
        if name == "Yves":
            assert passes() == "1 passe"
    assert passes() == "2 passent"


async def _edit_while_watched(app: FastAPI, client: TestClient, slug: str, workshop_id: int,
                              changes: dict) -> list:
    """On the app's loop: the facilitator edits the workshop; return the events received."""
    hub = app.state.live
    with hub.subscribe(workshop_id) as subscription:
        done = await asyncio.to_thread(_post, client, slug, "modifier", changes)
        assert done.status_code == 303
        events = [await asyncio.wait_for(subscription.queue.get(), 10)]
        while events[-1].kind != "details":  # the opening's status may come first (batched)
            events.append(await asyncio.wait_for(subscription.queue.get(), 10))
    return events


def test_an_edit_reaches_open_pages_live(app: FastAPI, database: Database) -> None:
    """The new title and question go out as a ``details`` event; the pages show them."""
    from trajectoires.foresight.workshops import get_workshop

    f.facilitator(database)
    with TestClient(app) as client:
        assert f.login(client).status_code == 303
        slug = f.create_via_web(client)
        with database.sessionmaker() as session:
            workshop_id = get_workshop(session, slug).id
        events = client.portal.call(_edit_while_watched, app, client, slug, workshop_id, {
            "title": "Le numérique à Brest", "question": "Quelle ville en 2030 ?",
            "territory": "29"})
    assert (events[-1].kind, events[-1].data) == (
        "details", {"title": "Le numérique à Brest", "question": "Quelle ville en 2030 ?"})
    assert all(e.kind == "status" for e in events[:-1]) and len(events) <= 2
    script = client.get("/static/workshop-live.js").text  # what applies it on every page
    assert '"details"' in script and "[data-workshop-title]" in script
    for path in ("projection", "animer"):
        page = client.get(f"/ateliers/{slug}/{path}").text
        assert "workshop-live.js" in page
    page = client.get(f"/ateliers/{slug}/projection").text
    assert "<h1 data-workshop-title>Le numérique à Brest</h1>" in page


async def _join_while_watched(app: FastAPI, code: str, workshop_id: int) -> list:
    """On the app's loop: someone joins; return the events up to the ``joined`` one."""
    hub = app.state.live
    with hub.subscribe(workshop_id) as subscription:
        await asyncio.to_thread(f.join_via_web, app, code, "Alice")
        events = [await asyncio.wait_for(subscription.queue.get(), 10)]
        while events[-1].kind != "joined":
            events.append(await asyncio.wait_for(subscription.queue.get(), 10))
    return events


def test_a_join_refreshes_the_count_live(app: FastAPI, database: Database) -> None:
    """Joining without voting publishes ``joined`` (no pseudonym); the count follows."""
    from trajectoires.foresight.workshops import get_workshop

    f.facilitator(database)
    with TestClient(app) as client:
        assert f.login(client).status_code == 303
        slug = f.create_via_web(client)
        with database.sessionmaker() as session:
            workshop = get_workshop(session, slug)
        events = client.portal.call(_join_while_watched, app, workshop.join_code, workshop.id)
        assert (events[-1].kind, events[-1].data) == ("joined", {})
        assert all(e.kind == "status" for e in events[:-1]) and len(events) <= 2
        assert "1 participant a rejoint l'atelier ; 1 n'a pas encore voté." in _turnout(
            client, slug)
    script = client.get("/static/workshop-live.js").text  # refreshes the session region
    assert re.search(r'kind === "joined"\) \{\s*if \(role === "facilitator"\)', script)
    assert "\"joined\"" in client.get("/static/workshop.js").text  # passed on for the debate
