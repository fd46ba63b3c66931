"""Who may do what: every state-changing route of the workshops × five callers.

The callers: an anonymous visitor, a participant of the workshop, a participant of
another workshop, the workshop's facilitator and another facilitator. Each row of
:data:`ROUTES` names a route, the workshop it acts on (kind and phase) and the
expected answer for each caller, in that order: a status, or ``LOGIN`` (a form
redirects to the login page) or ``JOIN`` (a form redirects to the join page). Every
refusal is checked to change nothing in the database (every table compared).

Each case gets its own workshop (built through the services) in one database per
module; callers are browsers with a session, a CSRF token and, for participants,
their cookie. Throttling is off here (:mod:`tests.web.test_write_throttle` tests it).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import fresh_database_url
from tests.foresight import factories as f
from trajectoires.db import create_database, migrate
from trajectoires.db.base import Base
from trajectoires.foresight.contributions import Author, post_contribution
from trajectoires.foresight.facilitation import create_tables
from trajectoires.foresight.kinds._construire_effects import add_effect
from trajectoires.foresight.participation import post_statement
from trajectoires.foresight.voting import vote
from trajectoires.foresight.workshops import set_phase
from trajectoires.settings import Settings

pytestmark = pytest.mark.db

API = "/api/v1/workshops/{slug}"
TRAJECTORY = "/ateliers/{slug}/trajectoire"
LOGIN, JOIN = "login", "join"
CALLERS = ("anonymous", "participant", "other_participant", "facilitator", "other_facilitator")
OWNER_ONLY = (403, 403, 403, 200, 403)
PARTICIPANT_ONLY = (403, 200, 403, 403, 403)
OWNER_FORM = (LOGIN, LOGIN, LOGIN, 303, 403)
PARTICIPANT_FORM = (JOIN, 303, JOIN, JOIN, JOIN)
DRAFT_OWNER_ONLY = (404, 404, 404, 200, 404)
ENRICHER_FORM = (403, 303, 403, 403, 403)  # a visitor of the published workshop writes


@dataclass(frozen=True)
class Route:
    """A state-changing route, the workshop it needs and the answer expected per caller."""

    name: str
    method: str
    path: str
    kind: str
    phase: str
    expected: tuple[Any, ...]
    body: Callable[[dict], dict] | None = None
    form: bool = False
    files: Callable[[dict], dict] | None = None


EFFECT = {"type": "ftth", "communes": ["29232"], "share": 90, "year": 2028,
          "assumption": "Plan de déploiement de l'opérateur"}
EFFECT_FORM = {"type": "ftth", "communes": "29232", "share": "90", "year": "2028",
               "assumption": "Plan de déploiement de l'opérateur"}


def _headline(_s: dict) -> dict:
    return {"type": "headline", "payload": {"title": "Une maison numérique"}}


ROUTES = (
    # -- the generic JSON API -----------------------------------------------------------------
    Route("api post contribution", "POST", API + "/contributions", "imaginer-2030", "vision",
          (403, 201, 403, 201, 403), _headline),
    Route("api edit another's contribution", "PATCH", API + "/contributions/{c}",
          "imaginer-2030", "vision", OWNER_ONLY, lambda s: {"payload": {"title": "Changé"}}),
    Route("api edit own contribution", "PATCH", API + "/contributions/{mine}", "imaginer-2030",
          "vision", (403, 200, 403, 200, 403), lambda s: {"payload": {"title": "Changé"}}),
    Route("api hide", "POST", API + "/contributions/{c}/visibility", "imaginer-2030", "vision",
          OWNER_ONLY, lambda s: {"hidden": True, "reason": "Hors sujet"}),
    Route("api merge", "POST", API + "/contributions/{c}/merge", "imaginer-2030", "vision",
          OWNER_ONLY, lambda s: {"duplicates": [s["c2"]]}),
    Route("api phase", "POST", API + "/phase", "imaginer-2030", "vision", OWNER_ONLY,
          lambda s: {"phase": "rebours"}),
    Route("api lock", "POST", API + "/lock", "imaginer-2030", "vision", OWNER_ONLY,
          lambda s: {"locked": True}),
    Route("api timer", "POST", API + "/timer", "imaginer-2030", "vision", OWNER_ONLY,
          lambda s: {"minutes": 5, "label": "Vision"}),
    Route("api tables", "POST", API + "/tables", "imaginer-2030", "vision", OWNER_ONLY,
          lambda s: {"names": ["Table 9"]}),
    Route("api seat", "POST", API + "/tables/seat", "imaginer-2030", "vision", OWNER_ONLY,
          lambda s: {"participant_id": s["p"], "table_id": s["table"]}),
    Route("api settings", "PATCH", API + "/settings", "imaginer-2030", "vision", OWNER_ONLY,
          lambda s: {"points": 5}),
    Route("api my table", "POST", API + "/my-table", "imaginer-2030", "vision",
          PARTICIPANT_ONLY, lambda s: {"table_id": s["table"]}),
    Route("api points", "PUT", API + "/contributions/{c}/points", "imaginer-2030", "priorites",
          PARTICIPANT_ONLY, lambda s: {"points": 3}),
    Route("api speakers", "POST", API + "/speakers", "construire-2030", "acteurs", OWNER_ONLY,
          lambda s: {"participant_id": s["p"], "actor_id": s["c"]}),
    Route("api start from", "POST", API + "/start-from", "construire-2030", "acteurs",
          OWNER_ONLY, lambda s: {"source": s["source"]}),
    Route("api commit another's actor", "POST", API + "/contributions", "construire-2030",
          "engagements", (403, 403, 403, 201, 403),
          lambda s: {"type": "commitment", "payload": {"action": s["action"], "actor": s["c"],
                                                       "what": "Deux agents", "by": "2027-01"}}),
    # -- the trajectory of a Construire 2030 (issue #11): effects (owner's speaker, facilitator)
    Route("api trajectory switches", "POST", API + "/trajectory/switches", "construire-2030",
          "engagements", OWNER_ONLY, lambda s: {"enabled": {str(s["action"]): False}}),
    Route("api add effect", "POST", API + "/actions/{action}/effects", "construire-2030",
          "engagements", (403, 403, 403, 201, 403), lambda s: dict(EFFECT)),
    Route("api change effect", "PUT", API + "/actions/{action}/effects/{key}",
          "construire-2030", "engagements", OWNER_ONLY, lambda s: dict(EFFECT)),
    Route("api remove effect", "DELETE", API + "/actions/{action}/effects/{key}",
          "construire-2030", "engagements", OWNER_ONLY),
    # -- the debate's JSON API ----------------------------------------------------------------
    Route("api statement", "POST", API + "/statements", "debate", "open",
          (403, 201, 403, 403, 403), lambda s: {"text": "Une permanence numérique au marché"}),
    Route("api vote", "POST", API + "/statements/{c}/vote", "debate", "open", PARTICIPANT_ONLY,
          lambda s: {"value": 1}),
    # -- drafts: another facilitator's draft is unknown ---------------------------------------
    Route("api phase of a draft", "POST", API + "/phase", "imaginer-2030", "draft",
          DRAFT_OWNER_ONLY, lambda s: {"phase": "vision"}),
    Route("api post in a draft", "POST", API + "/contributions", "imaginer-2030", "draft",
          (404, 404, 404, 201, 404), _headline),
    Route("api lock a draft", "POST", API + "/lock", "imaginer-2030", "draft",
          DRAFT_OWNER_ONLY, lambda s: {"locked": True}),
    Route("form phase of a draft", "POST", "/ateliers/{slug}/phase", "imaginer-2030", "draft",
          (LOGIN, LOGIN, LOGIN, 303, 404), lambda s: {"phase": "vision"}, form=True),
    # -- the page forms -----------------------------------------------------------------------
    Route("form phase", "POST", "/ateliers/{slug}/phase", "imaginer-2030", "vision",
          OWNER_FORM, lambda s: {"phase": "rebours"}, form=True),
    Route("form hide statement", "POST", "/ateliers/{slug}/propositions/{c}/visibilite",
          "debate", "open", OWNER_FORM, lambda s: {"hidden": "1"}, form=True),
    Route("form statement", "POST", "/ateliers/{slug}/propositions", "debate", "open",
          PARTICIPANT_FORM, lambda s: {"text": "Des aidants numériques"}, form=True),
    Route("form seed statement", "POST", "/ateliers/{slug}/propositions-de-depart", "debate",
          "open", OWNER_FORM, lambda s: {"text": "Un bus numérique chaque semaine"}, form=True),
    Route("form seed statement in a draft", "POST", "/ateliers/{slug}/propositions-de-depart",
          "debate", "draft", (LOGIN, LOGIN, LOGIN, 303, 404),
          lambda s: {"text": "Un bus numérique chaque semaine"}, form=True),
    Route("form edit workshop", "POST", "/ateliers/{slug}/modifier", "debate", "open",
          OWNER_FORM, lambda s: {"title": "Autre titre", "question": "Et alors ?",
                                 "territory": "29"}, form=True),
    Route("form duplicate workshop", "POST", "/ateliers/{slug}/dupliquer", "debate", "open",
          OWNER_FORM, lambda s: {}, form=True),
    Route("form delete workshop", "POST", "/ateliers/{slug}/supprimer", "debate", "open",
          OWNER_FORM, lambda s: {}, form=True),
    Route("form delete a draft workshop", "POST", "/ateliers/{slug}/supprimer", "debate",
          "draft", (LOGIN, LOGIN, LOGIN, 303, 404), lambda s: {}, form=True),
    # -- facilitator accounts (#13): no administrator in this world, a wrong current password
    Route("form invite facilitator", "POST", "/administration/animateurs", "event", "",
          (LOGIN, LOGIN, LOGIN, 403, 403), lambda s: {"email": "nouveau@example.org"},
          form=True),
    Route("form change password", "POST", "/compte/mot-de-passe", "event", "",
          (LOGIN, LOGIN, LOGIN, 403, 403),
          lambda s: {"current": "pas le bon", "new": "0123456789", "again": "0123456789"},
          form=True),
    # official data from the web (#13): administrators only — none in this world
    Route("form import data", "POST", "/donnees/importer", "event", "",
          (LOGIN, LOGIN, LOGIN, 403, 403), lambda s: {"kind": "france-services"}, form=True,
          files=lambda s: {"file": ("liste-fs-20240801.csv", b"id_fs,lib_fs,insee_com,latitude,"
                                    b"longitude,type_fs,format_fs\n1,FS,29232,47.99,-4.1,"
                                    b"Principal,Fixe\n", "text/csv")}),
    # public account forms: no SMTP in this world, a link nobody signed — refused to all
    Route("form forgotten password", "POST", "/mot-de-passe-oublie", "event", "",
          (409,) * 5, lambda s: {"email": "anne@example.org"}, form=True),
    Route("form reset with a forged link", "POST", "/mot-de-passe/eyJmIjoxfQ.forged", "event",
          "", (403,) * 5, lambda s: {"new": "0123456789", "again": "0123456789"}, form=True),
    Route("form accept a forged invitation", "POST", "/invitation/eyJlIjoieEB5LnoifQ.forged",
          "event", "", (403,) * 5,
          lambda s: {"name": "X", "new": "0123456789", "again": "0123456789"}, form=True),
    Route("form vote", "POST", "/ateliers/{slug}/votes", "debate", "open", PARTICIPANT_FORM,
          lambda s: {"statement_id": s["c"], "value": "1"}, form=True),
    Route("form start from", "POST", "/ateliers/{slug}/construire/depart", "construire-2030",
          "acteurs", OWNER_FORM, lambda s: {"source": s["source"]}, form=True),
    Route("form trajectory switches", "POST", "/ateliers/{slug}/trajectoire/actions",
          "construire-2030", "engagements", OWNER_FORM, lambda s: {"listed": str(s["action"])},
          form=True),
    # the owner gets through to the engine's check, which refuses the site (no France Services
    # list in this world) and keeps nothing; tests/web/test_plan_to_actions.py has the 303
    Route("form plan to actions", "POST", TRAJECTORY + "/depuis-le-plan", "construire-2030",
          "engagements", (LOGIN, LOGIN, LOGIN, 422, 403), lambda s: {
              "site": "29232|47.996|-4.102|Mairie de Quimper|Quimper", "owner": str(s["c"]),
              "network": "france-services", "instrument": "autre", "year": "2027"}, form=True),
    Route("form add effect", "POST", TRAJECTORY + "/actions/{action}/effets/nouveau",
          "construire-2030", "engagements", (403, 403, 403, 303, 403), lambda s: EFFECT_FORM,
          form=True),
    Route("form change effect", "POST", TRAJECTORY + "/actions/{action}/effets/{key}",
          "construire-2030", "engagements", (403, 403, 403, 303, 403), lambda s: EFFECT_FORM,
          form=True),
    Route("form remove effect", "POST",
          TRAJECTORY + "/actions/{action}/effets/{key}/supprimer",
          "construire-2030", "engagements", (403, 403, 403, 303, 403), lambda s: {}, form=True),
    Route("form speakers", "POST", "/ateliers/{slug}/construire/porte-parole",
          "construire-2030", "acteurs", OWNER_FORM,
          lambda s: {"participant": s["p"], "actor": s["c"]}, form=True),
    Route("form post contribution", "POST", "/ateliers/{slug}/contributions/{type}",
          "imaginer-2030", "vision", PARTICIPANT_FORM, lambda s: {"title": "Un titre"},
          form=True),
    Route("form edit another's contribution", "POST",
          "/ateliers/{slug}/contributions/{c}/modifier", "imaginer-2030", "vision",
          (JOIN, 403, JOIN, JOIN, JOIN), lambda s: {"title": "Changé"}, form=True),
    Route("form edit own contribution", "POST", "/ateliers/{slug}/contributions/{mine}/modifier",
          "imaginer-2030", "vision", PARTICIPANT_FORM, lambda s: {"title": "Changé"}, form=True),
    Route("form points", "POST", "/ateliers/{slug}/points", "imaginer-2030", "priorites",
          PARTICIPANT_FORM, lambda s: {"contribution_id": s["c"], "points": "3"}, form=True),
    Route("form my table", "POST", "/ateliers/{slug}/table", "imaginer-2030", "vision",
          PARTICIPANT_FORM, lambda s: {"table_id": s["table"]}, form=True),
    Route("form timer", "POST", "/ateliers/{slug}/animer/minuteur", "imaginer-2030", "vision",
          OWNER_FORM, lambda s: {"minutes": "5", "label": "Vision"}, form=True),
    Route("form lock", "POST", "/ateliers/{slug}/animer/verrou", "imaginer-2030", "vision",
          OWNER_FORM, lambda s: {"locked": "1"}, form=True),
    Route("form tables", "POST", "/ateliers/{slug}/animer/tables", "imaginer-2030", "vision",
          OWNER_FORM, lambda s: {"names": "Table 9"}, form=True),
    Route("form seat", "POST", "/ateliers/{slug}/animer/placement", "imaginer-2030", "vision",
          OWNER_FORM, lambda s: {"participant_id": s["p"], "table_id": s["table"]}, form=True),
    Route("form settings", "POST", "/ateliers/{slug}/animer/options", "imaginer-2030", "vision",
          OWNER_FORM, lambda s: {"setting-points": "5"}, form=True),
    Route("form hide contribution", "POST",
          "/ateliers/{slug}/animer/contributions/{c}/visibilite", "imaginer-2030", "vision",
          OWNER_FORM, lambda s: {"hidden": "1", "reason": "Hors sujet"}, form=True),
    Route("form merge", "POST", "/ateliers/{slug}/animer/contributions/{c}/fusion",
          "imaginer-2030", "vision", OWNER_FORM, lambda s: {"keep_id": s["c2"]}, form=True),
    Route("form paper entry", "POST", "/ateliers/{slug}/animer/papier/{type}", "imaginer-2030",
          "vision", OWNER_FORM, lambda s: {"title": "Écrit sur papier", "table_id": s["table"]},
          form=True),
    # -- publication of a closed workshop (issue #9): its facilitator only --------------------
    Route("form publish", "POST", "/ateliers/{slug}/animer/publication", "imaginer-2030",
          "closed", OWNER_FORM, lambda s: {"licence": "odbl"}, form=True),
    Route("form unpublish", "POST", "/ateliers/{slug}/animer/publication", "imaginer-2030",
          "closed", OWNER_FORM, lambda s: {"action": "retirer"}, form=True),
    Route("api publish", "PUT", API + "/publication", "imaginer-2030", "closed", OWNER_ONLY,
          lambda s: {"licence": "cc-by-4.0"}),
    Route("api publish an open workshop", "PUT", API + "/publication", "imaginer-2030",
          "vision", (403, 403, 403, 409, 403), lambda s: {"licence": "cc-by-4.0"}),
    Route("api publish a draft", "PUT", API + "/publication", "imaginer-2030", "draft",
          (404, 404, 404, 409, 404), lambda s: {}),
    Route("api unpublish", "DELETE", API + "/publication", "imaginer-2030", "closed",
          OWNER_ONLY),
    # -- personal data, enrichment of a published workshop (issue #9) --------------------------
    Route("form erase my participation", "POST", "/ateliers/{slug}/mes-donnees/supprimer",
          "imaginer-2030", "vision", PARTICIPANT_FORM, lambda s: {"confirm": "oui"}, form=True),
    Route("form enrich: join as a visitor", "POST", "/archives/{slug}/enrichir/rejoindre",
          "archive", "imaginer-2030", (303, 303, 303, 303, 303),
          lambda s: {"pseudonym": "Nouvelle venue"}, form=True),
    Route("form enrich: add a contribution", "POST",
          "/archives/{slug}/enrichir/contributions/{type}", "archive", "imaginer-2030",
          ENRICHER_FORM, lambda s: {"title": "Ajouté après l'atelier"}, form=True),
    Route("form enrich: comment", "POST", "/archives/{slug}/enrichir/commentaires", "archive",
          "imaginer-2030", ENRICHER_FORM, lambda s: {"contribution_id": s["c"], "text": "Oui !"},
          form=True),
    Route("form enrich: vote", "POST", "/archives/{slug}/enrichir/votes", "archive", "debate",
          ENRICHER_FORM, lambda s: {"contribution_id": s["c"], "value": "1"}, form=True),
    Route("form moderate a comment", "POST",
          "/ateliers/{slug}/animer/commentaires/{comment_id}/visibilite", "archive",
          "imaginer-2030", OWNER_FORM, lambda s: {"hidden": "1", "reason": "Hors sujet"},
          form=True),
    # -- exports ------------------------------------------------------------------------------
    Route("export polis", "GET", "/ateliers/{slug}/export/polis.zip", "debate", "open",
          (LOGIN, LOGIN, LOGIN, 200, 403)),
    Route("export polis of a draft", "GET", "/ateliers/{slug}/export/polis.zip", "debate",
          "draft", (LOGIN, LOGIN, LOGIN, 409, 404)),  # the owner: nothing voted yet
    Route("export roadmap", "GET", "/ateliers/{slug}/export/feuille-de-route.svg",
          "construire-2030", "acteurs", (200, 200, 200, 200, 200)),
    Route("export roadmap of a draft", "GET", "/ateliers/{slug}/export/feuille-de-route.svg",
          "construire-2030", "draft", (404, 404, 404, 200, 404)),
    # -- events: any facilitator creates one; only its organiser changes it ----------------------
    Route("form new event", "POST", "/evenements/nouveau", "event", "", (LOGIN, LOGIN, LOGIN, 303,
          303), lambda s: EVENT_FORM, form=True),
    Route("form edit event", "POST", "/evenements/{slug}/modifier", "event", "", OWNER_FORM,
          lambda s: {**EVENT_FORM, "title": "Changé"}, form=True),
    Route("form delete event", "POST", "/evenements/{slug}/supprimer", "event", "", OWNER_FORM,
          lambda s: {}, form=True),
    Route("form add talk", "POST", "/evenements/{slug}/programme", "event", "", OWNER_FORM,
          lambda s: {"title": "Table ronde", "speaker": "Léa"}, form=True),
    Route("form edit talk", "POST", "/evenements/{slug}/programme/{item}/modifier", "event", "",
          OWNER_FORM, lambda s: {"title": "Changé"}, form=True),
    Route("form remove talk", "POST", "/evenements/{slug}/programme/{item}/supprimer", "event",
          "", OWNER_FORM, lambda s: {}, form=True),
    Route("form move talk", "POST", "/evenements/{slug}/programme/{item}/deplacer", "event", "",
          OWNER_FORM, lambda s: {"direction": "bas"}, form=True),
    Route("form upload file", "POST", "/evenements/{slug}/fichiers", "event", "", OWNER_FORM,
          lambda s: {"item_id": str(s["item"])}, form=True,
          files=lambda s: {"file": ("diapos.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}),
    Route("form remove file", "POST", "/evenements/{slug}/fichiers/{file}/supprimer", "event",
          "", OWNER_FORM, lambda s: {}, form=True),
    Route("form link workshop", "POST", "/evenements/{slug}/ateliers", "event", "", OWNER_FORM,
          lambda s: {"workshop": s["free"]}, form=True),
    Route("form unlink workshop", "POST", "/evenements/{slug}/ateliers/retirer", "event", "",
          OWNER_FORM, lambda s: {"workshop": s["linked"]}, form=True),
    Route("form publish event", "POST", "/evenements/{slug}/publier", "event", "draft",
          (LOGIN, LOGIN, LOGIN, 303, 404), lambda s: {}, form=True),  # others: no such draft
    Route("form unpublish event", "POST", "/evenements/{slug}/depublier", "event", "",
          OWNER_FORM, lambda s: {}, form=True),
    Route("form edit a draft event", "POST", "/evenements/{slug}/modifier", "event", "draft",
          (LOGIN, LOGIN, LOGIN, 303, 404), lambda s: {**EVENT_FORM, "title": "Changé"},
          form=True),
    # -- a draft event: its organiser alone finds anything of it -----------------------------------
    Route("draft event page", "GET", "/evenements/{slug}", "event", "draft", DRAFT_OWNER_ONLY),
    Route("draft event calendar", "GET", "/evenements/{slug}/calendrier.ics", "event", "draft",
          DRAFT_OWNER_ONLY),
    Route("draft event API", "GET", "/api/v1/events/{slug}", "event", "draft", DRAFT_OWNER_ONLY),
    Route("draft event open data", "GET", "/evenements/{slug}/donnees.zip", "event", "draft",
          (404, 404, 404, 404, 404)),
)
EVENT_FORM = {"territory": "29", "title": "Journée numérique", "starts_at": "2027-03-14T09:00",
              "ends_at": "2027-03-14T17:30"}


@dataclass
class World:
    """One database and app per module: two facilitators and the five callers' browsers."""

    db: Any
    owner: Any
    clients: dict[str, TestClient]
    other: Any = None
    counter: list[int] = field(default_factory=lambda: [0])


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("matrix")
    with fresh_database_url(folder) as url:
        db = create_database(url)
        migrate(db)
        settings = Settings.from_env({}, workspace=str(folder / "ws"), database_url=url,
                                     throttle_writes_per_minute="0",
                                     throttle_writes_per_address_per_minute="0")
        app = f.make_app(settings.ensure_workspace(), db)
        owner = f.facilitator(db, "anne@example.org")
        f.facilitator(db, "bruno@example.org")
        elsewhere = f.workshop(db, owner)
        clients = {"anonymous": f.api_visitor(app), "participant": f.api_visitor(app),
                   "other_participant": f.api_participant(app, f.join(db, elsewhere, "Zoé")),
                   "facilitator": f.api_facilitator(app, "anne@example.org"),
                   "other_facilitator": f.api_facilitator(app, "bruno@example.org")}
        yield World(db, owner, clients)
        db.engine.dispose()


def _post(db, ws, who, type_key: str, **payload) -> int:
    with f.session(db) as s:
        return post_contribution(s, ws.id, who, type_key, payload).id


def _phase(db, owner, ws, phase: str):
    with f.session(db) as s:
        return set_phase(s, owner.id, ws.slug, phase)


def _imaginer(db, owner, phase: str) -> dict:
    ws = f.imaginer(db, owner, "draft" if phase == "draft" else "vision")
    if phase == "draft":
        return {"ws": ws}
    lea, max_ = f.join(db, ws, "Léa"), f.join(db, ws, "Max")
    author = Author(participant_id=max_.participant.id, workshop_id=ws.id)
    mine = Author(participant_id=lea.participant.id, workshop_id=ws.id)
    scene = {"ws": ws, "joined": lea, "p": lea.participant.id, "type": "headline",
             "c": _post(db, ws, author, "headline", title="Le bourg a sa maison numérique"),
             "c2": _post(db, ws, author, "headline", title="Une maison numérique au bourg"),
             "mine": _post(db, ws, mine, "headline", title="Des bornes partout")}
    with f.session(db) as s:
        scene["table"] = create_tables(s, owner.id, ws.id, ["Table 1"]).tables[0].id
    if phase != "vision":
        scene["ws"] = _phase(db, owner, ws, phase)
    return scene


def _debate(db, owner, phase: str) -> dict:
    if phase == "draft":
        return {"ws": f.workshop(db, owner, "draft")}
    ws = f.workshop(db, owner)
    lea, max_ = f.join(db, ws, "Léa"), f.join(db, ws, "Max")
    with f.session(db) as s:
        statement = post_statement(s, max_.participant, "Un lieu de médiation par canton")
    with f.session(db) as s:  # a vote, so that the Pol.is export has something to export
        vote(s, f.join(db, ws, "Noé").participant, statement.id, 1)
    return {"ws": ws, "joined": lea, "p": lea.participant.id, "c": statement.id}


def _construire(db, owner, phase: str) -> dict:
    ws = f.kind_workshop(db, "construire-2030", owner, None if phase == "draft" else "acteurs")
    if phase == "draft":
        return {"ws": ws}
    source = f.imaginer(db, owner)
    _post(db, source, Author(facilitator_id=owner.id), "headline", title="Un campus ouvert")
    lea, max_ = f.join(db, ws, "Léa"), f.join(db, ws, "Max")
    author = Author(participant_id=max_.participant.id, workshop_id=ws.id)
    scene = {"ws": ws, "joined": lea, "p": lea.participant.id, "source": source.slug,
             "c": _post(db, ws, author, "actor", name="Mairie", actor_type="collectivite")}
    if phase == "engagements":
        _phase(db, owner, ws, "actions")
        scene["action"] = _post(db, ws, author, "action", title="Diagnostic", owner=scene["c"],
                                start="2027-01", end="2027-06", instrument="autre")
        with f.session(db) as s:
            scene["key"] = add_effect(s, Author(facilitator_id=owner.id), scene["action"],
                                      EFFECT).effects[-1]["key"]
        scene["ws"] = _phase(db, owner, ws, phase)
    return scene


def _event(db, owner, phase: str) -> dict:
    """An event with a talk, its PDF, a linked workshop (whose participant is "participant").

    ``phase`` "draft": the event is not published yet.
    """
    from trajectoires.foresight.events import EventInput, ItemInput, add_talk, create_event
    from trajectoires.foresight.events import link_workshop as link
    from trajectoires.foresight.events.files import attach_file

    linked, free = f.imaginer(db, owner), f.imaginer(db, owner)
    with f.session(db) as s:
        event = create_event(s, owner.id, f.FINISTERE, EventInput(
            "Journée", "2027-03-14T09:00", "2027-03-14T17:30"), draft=phase == "draft")
    with f.session(db) as s:
        item = add_talk(s, owner.id, event.slug, ItemInput("Ouverture"))
    with f.session(db) as s:
        link(s, owner.id, event.slug, linked.slug)
    with f.session(db) as s:
        folder = Path(tempfile.mkdtemp(prefix="matrix-files-"))
        pdf = attach_file(s, owner.id, event.slug, name="note.pdf", folder=folder,
                          data=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), max_bytes=1024)
    return {"ws": event, "joined": f.join(db, linked, "Léa"), "item": item.id, "file": pdf.id,
            "linked": linked.slug, "free": free.slug}


def _archive(db, owner, kind: str) -> dict:
    """A published workshop (``kind``: its kind) where "participant" is a visitor who commented."""
    from types import SimpleNamespace

    from trajectoires.foresight.enrichment import add_comment, join_as_visitor
    from trajectoires.foresight.publication import publish_workshop

    scene = _imaginer(db, owner, "vision") if kind == "imaginer-2030" else _debate(db, owner,
                                                                                    "open")
    ws = _phase(db, owner, scene["ws"], "closed")
    with f.session(db) as s:
        publish_workshop(s, owner.id, ws.slug)
    with f.session(db) as s:
        visitor = join_as_visitor(s, ws.id, "Visiteuse")
    with f.session(db) as s:
        comment = add_comment(s, visitor.participant, scene["c"], "Et ailleurs ?")
    return {**scene, "ws": ws, "joined": SimpleNamespace(workshop=ws, token=visitor.token),
            "comment_id": comment.id}


SCENES = {"imaginer-2030": _imaginer, "debate": _debate, "construire-2030": _construire,
          "event": _event, "archive": _archive}


def snapshot(db) -> dict[str, list]:
    """Every row of every table, sorted: what a refusal must leave as it was."""
    with f.session(db) as s:
        return {table.name: sorted(map(repr, s.execute(select(table)).all()))
                for table in Base.metadata.sorted_tables}


def _send(client: TestClient, route: Route, scene: dict) -> Any:
    ids = {k: v for k, v in scene.items() if isinstance(v, int | str)}
    path = route.path.format(slug=scene["ws"].slug, **ids)
    body = route.body(scene) if route.body else None
    if route.method == "GET":
        return client.get(path, follow_redirects=False)
    if route.form:
        data = {**body, "csrf_token": client.headers["X-CSRF-Token"]}
        files = route.files(scene) if route.files else None
        return client.request(route.method, path, data=data, files=files,
                              follow_redirects=False)
    return client.request(route.method, path, json=body, follow_redirects=False)


def _answer(response) -> Any:
    """The response as the matrix writes it: a status, or where a form redirected."""
    location = response.headers.get("location", "")
    if response.status_code == 303 and location.startswith("/connexion"):
        return LOGIN
    if response.status_code == 303 and location.startswith("/rejoindre"):
        return JOIN
    return response.status_code


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name.replace(" ", "-"))
def test_route_by_caller(world: World, route: Route, caller: str) -> None:
    scene = SCENES[route.kind](world.db, world.owner, route.phase)  # archive: phase = kind
    client = world.clients[caller]
    if caller == "participant" and "joined" in scene:
        joined = scene["joined"]
        client.cookies.set(f"trajectoires_participant_{joined.workshop.id}", joined.token)
    expected = route.expected[CALLERS.index(caller)]
    before = snapshot(world.db)
    response = _send(client, route, scene)
    assert _answer(response) == expected, (route.name, caller, response.text[:300])
    refusal = expected in (LOGIN, JOIN) or (isinstance(expected, int) and expected >= 400)
    if refusal:
        assert snapshot(world.db) == before, f"{route.name}: refused for {caller}, yet changed"
        if route.path.startswith("/api/"):
            assert response.json()["detail"], response.text  # a French message


def _workshop_writes(app) -> set[tuple[str, str]]:
    """(method, path) of every route of a workshop that writes (or exports)."""
    found = set()
    for route in iter_route_contexts(app.routes):  # through included routers
        methods = set(getattr(route, "methods", None) or ())
        path = route.path or ""
        if "{slug}" not in path:
            continue
        for method in methods & {"POST", "PUT", "PATCH", "DELETE"}:
            found.add((method, path))
        if "GET" in methods and "/export/" in path:
            found.add(("GET", path))
    return found


def _shape(path: str) -> str:
    """A route's path with its id parameters named alike (rows use ``{c}``, ``{mine}``)."""
    for name in ("contribution_id", "statement_id", "c", "mine", "action_id", "action",
                 "item_id", "item", "file_id", "file"):
        path = path.replace("{" + name + "}", "{id}")
    path = path.replace("{type_key}", "{type}")
    return path.replace("/api/v1/workshops/{slug}", API)


def test_every_state_changing_route_is_in_the_matrix(world: World) -> None:
    app = world.clients["anonymous"].app
    covered = {(r.method, _shape(r.path)) for r in ROUTES}
    missing = sorted((m, p) for m, p in _workshop_writes(app) if (m, _shape(p)) not in covered)
    assert not missing, f"routes without a row in ROUTES: {missing}"
