"""Factories of the foresight tests: facilitators, workshops, participants (one place)."""

from __future__ import annotations

import functools
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from trajectoires.db import Database
from trajectoires.foresight import facilitators, participation, workshops
from trajectoires.settings import Settings
from trajectoires.territory import FIXTURE_DIR, load_reference
from trajectoires.web import create_app
from trajectoires.web.territory.deps import install_reference


@dataclass(frozen=True)
class Unit:
    """A territory unit as the territory reference returns it (kind, code, name)."""

    kind: str
    code: str
    name: str


FINISTERE = Unit("departement", "29", "Finistère")
PASSWORD = "mot-de-passe-solide"


def session(db: Database) -> Session:
    return db.sessionmaker()


def facilitator(db: Database, email: str = "anne@example.org") -> facilitators.FacilitatorView:
    with session(db) as s:
        return facilitators.create_facilitator(s, email, "Anne Animatrice", PASSWORD)


def workshop(
    db: Database, owner: facilitators.FacilitatorView | None = None, status: str = "open"
) -> workshops.WorkshopView:
    owner = owner or facilitator(db)
    with session(db) as s:
        created = workshops.create_workshop(
            s, owner.id, FINISTERE, "Le numérique en 2030", "Que voulons-nous pour 2030 ?"
        )
        if status != created.status:
            created = workshops.set_phase(s, owner.id, created.slug, status)
        return created


def join(db: Database, ws: workshops.WorkshopView, pseudonym: str) -> participation.Joined:
    with session(db) as s:
        return participation.join_workshop(s, ws.join_code, pseudonym)


def post(db: Database, who: participation.ParticipantView, text: str):
    with session(db) as s:
        return participation.post_statement(s, who, text)


# -- web -----------------------------------------------------------------------------------
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@functools.cache
def reference():
    """The real territory reference, built from the territory package's small fixture."""
    return load_reference(Path(tempfile.mkdtemp(prefix="trajectoires-ref-")), data_dir=FIXTURE_DIR)


def make_app(settings: Settings, db: Database) -> FastAPI:
    """The application, with the territory reference built from the small fixture."""
    app = create_app(settings, db)
    install_reference(app, reference())
    return app


def csrf(client: TestClient, path: str = "/rejoindre") -> str:
    """Load ``path`` and return the session's CSRF token from its form or meta tag."""
    html = client.get(path).text
    match = CSRF_INPUT.search(html) or CSRF_META.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: TestClient, email: str = "anne@example.org", password: str = PASSWORD):
    token = csrf(client, "/connexion")
    return client.post(
        "/connexion",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def create_via_web(client: TestClient, territory: str = "29") -> str:
    """Create a workshop through the form and open it; return its slug."""
    token = csrf(client, "/ateliers/nouveau")
    response = client.post(
        "/ateliers/nouveau",
        data={"territory": territory, "title": "Le numérique en 2030",
              "question": "Que voulons-nous ?", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    slug = response.headers["location"].split("/")[2]
    client.post(f"/ateliers/{slug}/phase", data={"phase": "open", "csrf_token": token})
    return slug


def join_via_web(app: FastAPI, code: str, pseudonym: str) -> TestClient:
    """A new browser (client) that joined the workshop; its CSRF token in ``.csrf``."""
    client = TestClient(app)
    token = csrf(client)
    response = client.post(
        "/rejoindre", data={"code": code, "pseudonym": pseudonym, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    client.headers["X-CSRF-Token"] = token
    return client


# -- opinion groups -------------------------------------------------------------------------
@dataclass(frozen=True)
class Debate:
    """A workshop with two opposed blocs of participants (see :func:`debate_with_blocs`)."""

    workshop: workshops.WorkshopView
    author: participation.ParticipantView
    blocs: tuple[tuple[participation.ParticipantView, ...], ...]
    statements: tuple[int, ...]


def bloc_vote(bloc: int, index: int) -> int:
    """Vote of bloc 0 / 1 on the ``index``-th statement: the blocs disagree on every odd one;
    statement 0 is agreed by all (a consensus)."""
    if index == 0:
        return 1
    return 1 if (index % 2 == 0) == (bloc == 0) else -1


def debate_with_blocs(
    db: Database, per_bloc: int = 8, n_statements: int = 8, owner=None
) -> Debate:
    """Create a debate through the services: one author posts, two blocs vote opposite."""
    from trajectoires.foresight import voting

    ws = workshop(db, owner)
    author = join(db, ws, "Autrice").participant
    ids = tuple(post(db, author, f"Proposition numéro {i}").id for i in range(n_statements))
    blocs = []
    for b in range(2):
        people = tuple(join(db, ws, f"Bloc{b}-{i}").participant for i in range(per_bloc))
        for person in people:
            for index, sid in enumerate(ids):
                with session(db) as s:
                    voting.vote(s, person, sid, bloc_vote(b, index))
        blocs.append(people)
    return Debate(ws, author, tuple(blocs), ids)


# -- Construire 2030 ---------------------------------------------------------------------------
MORLAIX = Unit("epci", "242900645", "Morlaix Communauté")


def kind_workshop(db: Database, kind: str, owner=None, status: str | None = None,
                  territory: Unit = FINISTERE, **settings) -> workshops.WorkshopView:
    """A workshop of ``kind`` (its first phase, or ``status``) with these settings."""
    owner = owner or facilitator(db)
    with session(db) as s:
        created = workshops.create_workshop(
            s, owner.id, territory, f"Atelier {kind}", "Comment y arriver ?", kind=kind,
            settings=settings or None,
        )
        if status is not None and status != created.status:
            created = workshops.set_phase(s, owner.id, created.slug, status)
        return created


def post_as(db: Database, ws: workshops.WorkshopView, who, type_key: str, **payload):
    """Post a contribution as ``who``: a participant view, or a facilitator view (by its id)."""
    from trajectoires.foresight.contributions import Author, post_contribution

    if isinstance(who, participation.ParticipantView):
        author = Author(participant_id=who.id, workshop_id=who.workshop_id)
    else:
        author = Author(facilitator_id=who.id)
    with session(db) as s:
        return post_contribution(s, ws.id, author, type_key, payload)


# -- Imaginer 2030 --------------------------------------------------------------------------
def months_from_now(months: int) -> str:
    """The month ``months`` after the current one, as ``YYYY-MM`` (negative: before)."""
    from datetime import date

    today = date.today()
    index = today.year * 12 + today.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def imaginer(
    db: Database, owner: facilitators.FacilitatorView | None = None, status: str = "vision",
    settings: dict | None = None,
) -> workshops.WorkshopView:
    """An Imaginer 2030 workshop in the phase ``status``, its horizon in October four years on."""
    from datetime import date

    owner = owner or facilitator(db)
    options = {"horizon": f"{date.today().year + 4}-10", **(settings or {})}
    with session(db) as s:
        created = workshops.create_workshop(
            s, owner.id, FINISTERE, "Imaginer le Finistère", "Comment sommes-nous arrivés là ?",
            kind="imaginer-2030", settings=options,
        )
        if status != created.status:
            created = workshops.set_phase(s, owner.id, created.slug, status)
        return created


def contribute(db: Database, who: participation.ParticipantView, type_key: str, payload: dict,
               lookups=None):
    """Post a contribution as the participant ``who`` (with ``lookups`` if given)."""
    from trajectoires.foresight.contributions import Author, Lookups, post_contribution

    author = Author(participant_id=who.id, workshop_id=who.workshop_id)
    with session(db) as s:
        return post_contribution(s, who.workshop_id, author, type_key, payload,
                                 lookups=lookups or Lookups())


# -- JSON API clients ------------------------------------------------------------------------
def api_visitor(app: FastAPI) -> TestClient:
    """A browser with a session and its CSRF token in the ``X-CSRF-Token`` header."""
    client = TestClient(app)
    client.headers["X-CSRF-Token"] = csrf(client)
    return client


def api_participant(app: FastAPI, joined: participation.Joined) -> TestClient:
    """A browser holding the participant cookie of ``joined`` (from :func:`join`)."""
    client = api_visitor(app)
    client.cookies.set(f"trajectoires_participant_{joined.workshop.id}", joined.token)
    return client


def api_facilitator(app: FastAPI, email: str = "anne@example.org") -> TestClient:
    """A browser where the facilitator ``email`` logged in (create them first)."""
    client = TestClient(app)
    assert login(client, email).status_code == 303
    client.headers["X-CSRF-Token"] = csrf(client)
    return client
