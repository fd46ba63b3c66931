"""Throttling of writes, switched on with tight limits: per participant and per address.

Limits of 3 writes per participant and 5 per address in any 60 seconds: the 4th write
of a participant, or the 6th of an address, gets 429 with the French message and
``Retry-After``; a refused write stores nothing.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.models import Contribution, PriorityPoints, Vote
from trajectoires.settings import Settings

API = "/api/v1/workshops"
PER_PARTICIPANT, PER_ADDRESS = 3, 5


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    tight = replace(settings, throttle_writes_per_minute=PER_PARTICIPANT,
                    throttle_writes_per_address_per_minute=PER_ADDRESS)
    return f.make_app(tight, database)


def count(db: Database, model) -> int:
    with f.session(db) as s:
        return s.scalar(select(func.count()).select_from(model))


def assert_throttled(response) -> None:
    assert response.status_code == 429, response.text
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert response.json()["detail"] == (
        "Trop de contributions ou de votes en peu de temps. "
        f"Réessayez dans {wait} secondes.")


def headline(client: TestClient, slug: str, title: str):
    return client.post(f"{API}/{slug}/contributions",
                       json={"type": "headline", "payload": {"title": title}})


def test_participant_then_address_limit(app, database) -> None:
    ws = f.imaginer(database)
    lea = f.api_participant(app, f.join(database, ws, "Léa"))
    max_ = f.api_participant(app, f.join(database, ws, "Max"))
    for i in range(PER_PARTICIPANT):
        assert headline(lea, ws.slug, f"Titre {i}").status_code == 201
    assert_throttled(headline(lea, ws.slug, "Un de trop"))
    assert count(database, Contribution) == PER_PARTICIPANT
    # Max shares Léa's address (a hall's Wi-Fi): he still writes, up to the address limit.
    assert headline(max_, ws.slug, "Titre de Max").status_code == 201
    assert headline(max_, ws.slug, "Autre titre de Max").status_code == 201
    assert_throttled(headline(max_, ws.slug, "Sixième de l'adresse"))
    assert count(database, Contribution) == PER_ADDRESS
    # From another address, a participant under their own limit writes again.
    elsewhere = TestClient(app, client=("192.0.2.7", 50000))
    elsewhere.cookies = max_.cookies  # Max's phone, now on its mobile network
    elsewhere.headers["X-CSRF-Token"] = max_.headers["X-CSRF-Token"]
    assert headline(elsewhere, ws.slug, "Depuis la 4G").status_code == 201


def test_edits_and_points_are_counted(app, database) -> None:
    owner = f.facilitator(database)
    ws = f.imaginer(database, owner)
    ids = [f.post_as(database, ws, owner, "headline", title=f"Titre {i}").id for i in range(3)]
    with f.session(database) as s:
        from trajectoires.foresight.workshops import set_phase
        set_phase(s, owner.id, ws.slug, "priorites")
    lea = f.api_participant(app, f.join(database, ws, "Léa"))
    for contribution_id in ids:
        response = lea.put(f"{API}/{ws.slug}/contributions/{contribution_id}/points",
                           json={"points": 2})
        assert response.status_code == 200, response.text
    assert_throttled(lea.put(f"{API}/{ws.slug}/contributions/{ids[0]}/points",
                             json={"points": 5}))
    with f.session(database) as s:
        assert s.get(PriorityPoints, (lea_id(database, ws), ids[0])).points == 2


def lea_id(db: Database, ws) -> int:
    from trajectoires.foresight.models import Participant

    with f.session(db) as s:
        return s.scalar(select(Participant.id).where(Participant.workshop_id == ws.id,
                                                     Participant.pseudonym == "Léa"))


def test_debate_statements_and_votes_are_throttled(app, database) -> None:
    ws = f.workshop(database)
    author = f.join(database, ws, "Autrice").participant
    statement = f.post(database, author, "Un lieu de médiation par canton").id
    lea = f.api_participant(app, f.join(database, ws, "Léa"))
    vote = f"{API}/{ws.slug}/statements/{statement}/vote"
    assert lea.post(vote, json={"value": 1}).status_code == 200
    assert lea.post(vote, json={"value": -1}).status_code == 200
    assert lea.post(f"{API}/{ws.slug}/statements", json={"text": "Des aidants"}).status_code \
        == 201
    assert_throttled(lea.post(vote, json={"value": 0}))
    assert_throttled(lea.post(f"{API}/{ws.slug}/statements", json={"text": "Encore"}))
    with f.session(database) as s:
        assert [v.value for v in s.scalars(select(Vote))] == [-1]
    assert count(database, Contribution) == 2


def test_facilitator_actions_are_not_throttled(app, database) -> None:
    ws = f.imaginer(database, f.facilitator(database))
    anne = f.api_facilitator(app)
    for locked in (True, False, True, False, True, False):
        assert anne.post(f"{API}/{ws.slug}/lock", json={"locked": locked}).status_code == 200


def test_zero_disables_the_limits(settings, database) -> None:
    app = f.make_app(replace(settings, throttle_writes_per_minute=0,
                             throttle_writes_per_address_per_minute=0), database)
    ws = f.imaginer(database)
    lea = f.api_participant(app, f.join(database, ws, "Léa"))
    for i in range(PER_ADDRESS + 2):
        assert headline(lea, ws.slug, f"Titre {i}").status_code == 201


def test_page_forms_are_throttled_too(app, database) -> None:
    ws = f.imaginer(database)
    lea = f.api_participant(app, f.join(database, ws, "Léa"))
    token = lea.headers["X-CSRF-Token"]
    for i in range(PER_PARTICIPANT):
        response = lea.post(f"/ateliers/{ws.slug}/contributions/headline",
                            data={"title": f"Titre {i}", "csrf_token": token},
                            follow_redirects=False)
        assert response.status_code == 303, response.text[:300]
    page = lea.post(f"/ateliers/{ws.slug}/contributions/headline",
                    data={"title": "Un de trop", "csrf_token": token},
                    headers={"Accept": "text/html", "X-CSRF-Token": ""}, follow_redirects=False)
    assert page.status_code == 429 and "Retry-After" in page.headers
    assert "Trop de contributions ou de votes en peu de temps" in page.text
    assert count(database, Contribution) == PER_PARTICIPANT
