"""The JSON API of every kind: kinds, contributions, moderation, session, points, bad input.

Every refusal answers with its French message and stores nothing (the rows of the
workshop are compared before and after).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.models import Contribution, PriorityPoints, Workshop

API = "/api/v1/workshops"


@pytest.fixture
def imaginer(app, database):
    """An Imaginer 2030 in « Vision », its facilitator's client and a participant's."""
    owner = f.facilitator(database)
    ws = f.imaginer(database, owner)
    return {"ws": ws, "owner": owner, "anne": f.api_facilitator(app),
            "joined": (joined := f.join(database, ws, "Léa")),
            "lea": f.api_participant(app, joined)}


def stored(db: Database) -> tuple:
    """What a refused write must not change: contributions, points, workshops' state."""
    with f.session(db) as s:
        rows = s.execute(select(Contribution.id, Contribution.status, Contribution.payload)
                         .order_by(Contribution.id)).all()
        points = s.execute(select(PriorityPoints.contribution_id, PriorityPoints.points)
                           .order_by(PriorityPoints.contribution_id)).all()
        shops = s.execute(select(Workshop.id, Workshop.status, Workshop.locked, Workshop.settings)
                          .order_by(Workshop.id)).all()
    return [tuple(r) for r in rows], [tuple(p) for p in points], [tuple(w) for w in shops]


def refused(db: Database, send, status: int, *words: str) -> str:
    """Send a write that must be refused with ``status`` and a French message; nothing stored."""
    before = stored(db)
    response = send()
    assert response.status_code == status, response.text
    message = response.json()["detail"]
    for word in words:
        assert word in message, message
    assert stored(db) == before
    return message


def post(client, slug: str, type_key: str, **payload):
    return client.post(f"{API}/{slug}/contributions", json={"type": type_key, "payload": payload})


def headline(client, slug: str, title: str = "Le bourg a sa maison numérique") -> dict:
    response = post(client, slug, "headline", title=title, story="Nous sommes en 2030…")
    assert response.status_code == 201, response.text
    return response.json()


# -- kinds and OpenAPI ---------------------------------------------------------------------------
def test_workshop_kinds_lists_phases_types_fields(app) -> None:
    kinds = {k["key"]: k for k in f.api_visitor(app).get("/api/v1/workshop-kinds").json()}
    assert {"debate", "imaginer-2030", "construire-2030"} <= set(kinds)
    imaginer = kinds["imaginer-2030"]
    phases = {p["key"]: p for p in imaginer["phases"]}
    assert phases["rebours"]["contribution_types"] == ["milestone", "factor"]
    assert phases["priorites"]["points"] and "Répartissez" in phases["priorites"]["prompt"]
    types = {t["key"]: t for t in imaginer["contribution_types"]}
    target = {fd["name"]: fd for fd in types["target"]["fields"]}
    assert target["baseline_value"]["computed"] and not target["indicator"]["computed"]
    assert any(c["value"] == "ftth_taux" for c in target["indicator"]["choices"])
    milestone = {fd["name"]: fd for fd in types["milestone"]["fields"]}
    assert milestone["leads_to"]["kind"] == "refs" and milestone["leads_to"]["ref_types"] == [
        "headline"]
    assert types["headline"]["prioritizable"] and imaginer["settings"]["points"] == 10
    assert kinds["debate"]["exports"][0]["path"] == "polis.zip"
    assert kinds["debate"]["contribution_types"][0]["votable"]


def test_openapi_documents_every_contribution_type(app) -> None:
    schema = f.api_visitor(app).get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    for name in ("Imaginer2030HeadlinePayload", "Imaginer2030TargetPayload",
                 "Construire2030DependencyPayload", "DebateStatementPayload"):
        assert name in components, name
    target = components["Imaginer2030TargetPayload"]["properties"]
    assert "baseline_value" not in target  # computed: never an input
    assert "ftth_taux" in target["indicator"]["enum"]
    body = schema["paths"][f"{API}/{{slug}}/contributions"]["post"]["requestBody"]
    unions = body["content"]["application/json"]["schema"]["anyOf"]
    imaginer = next(u for u in unions if "imaginer-2030" in u["title"])
    assert imaginer["discriminator"]["mapping"]["milestone"].endswith("Imaginer2030MilestonePost")
    assert "/api/v1/workshop-kinds" in schema["paths"]
    for path in ("/state", "/ranking", "/phase", "/lock", "/timer", "/tables", "/tables/seat",
                 "/my-table", "/settings", "/contributions/{contribution_id}/points",
                 "/speakers", "/start-from"):
        assert f"{API}/{{slug}}{path}" in schema["paths"], path


# -- reading and writing ---------------------------------------------------------------------------
def test_post_edit_read_and_moderate(imaginer, app, database) -> None:
    slug, lea, anne = imaginer["ws"].slug, imaginer["lea"], imaginer["anne"]
    mine = headline(lea, slug)
    assert mine["mine"] and mine["author"] == "Léa" and mine["status"] == "visible"
    for moment in (mine["created_at"], mine["updated_at"]):  # naive on SQLite before
        assert moment.endswith(("Z", "+00:00")), moment
    edited = lea.patch(f"{API}/{slug}/contributions/{mine['id']}",
                       json={"payload": {"story": "Nous sommes en octobre 2030."}})
    assert edited.status_code == 200, edited.text
    assert edited.json()["payload"]["title"] == mine["payload"]["title"]
    paper = anne.post(f"{API}/{slug}/contributions", json={
        "type": "headline", "payload": {"title": "Table 2 : des bornes partout"},
        "on_paper": True})
    assert paper.status_code == 201 and paper.json()["author"] == "Animation"
    hidden = anne.post(f"{API}/{slug}/contributions/{mine['id']}/visibility",
                       json={"hidden": True, "reason": "Doublon"})
    assert hidden.json()["status"] == "hidden" and hidden.json()["reason"] == "Doublon"
    visitor = f.api_visitor(app)
    assert [c["id"] for c in visitor.get(f"{API}/{slug}/contributions").json()] == [
        paper.json()["id"]]
    assert visitor.get(f"{API}/{slug}/contributions/{mine['id']}").status_code == 404
    everything = anne.get(f"{API}/{slug}/contributions", params={"type": "headline"}).json()
    assert [(c["status"], c["reason"]) for c in everything] == [("hidden", "Doublon"),
                                                                ("visible", None)]
    other = headline(lea, slug, "Un tiers-lieu par canton")
    merged = anne.post(f"{API}/{slug}/contributions/{paper.json()['id']}/merge",
                       json={"duplicates": [other["id"]]})
    assert merged.status_code == 200 and merged.json()["merged"] == [other["id"]]
    assert anne.get(f"{API}/{slug}/contributions/{other['id']}").json()["status"] == "merged"


def test_session_state_tables_timer_lock_settings(imaginer, app) -> None:
    slug, lea, anne = imaginer["ws"].slug, imaginer["lea"], imaginer["anne"]
    state = anne.post(f"{API}/{slug}/tables", json={"names": ["Table 1", "Table 2"]}).json()
    first = state["tables"][0]["id"]
    assert lea.post(f"{API}/{slug}/my-table", json={"table_id": first}).json()["tables"][0][
        "participants"] == 1
    seated = anne.post(f"{API}/{slug}/tables/seat", json={
        "participant_id": imaginer["joined"].participant.id, "table_id": None}).json()
    assert [t["participants"] for t in seated["tables"]] == [0, 0]
    timer = anne.post(f"{API}/{slug}/timer", json={"minutes": 5, "label": "Vision"}).json()
    assert timer["timer_label"] == "Vision" and 290 <= timer["remaining_seconds"] <= 300
    assert anne.post(f"{API}/{slug}/lock", json={"locked": True}).json()["locked"]
    changed = anne.patch(f"{API}/{slug}/settings", json={"points": 5})
    assert changed.status_code == 200 and changed.json()["settings"]["points"] == 5
    phase = anne.post(f"{API}/{slug}/phase", json={"phase": "rebours"}).json()
    assert phase["status"] == "rebours" and phase["phase_label"] == "Chemin à rebours"
    public = f.api_visitor(app).get(f"{API}/{slug}/state").json()
    assert public["locked"] and public["status"] == "rebours"


def test_points_and_ranking(imaginer, app, database) -> None:
    slug, lea, anne = imaginer["ws"].slug, imaginer["lea"], imaginer["anne"]
    ids = [headline(anne, slug, f"Titre {i}")["id"] for i in range(2)]
    anne.post(f"{API}/{slug}/phase", json={"phase": "priorites"})
    given = lea.put(f"{API}/{slug}/contributions/{ids[1]}/points", json={"points": 7})
    assert given.json() == {"contribution_id": ids[1], "points": 7, "budget": 10, "spent": 7,
                            "left": 3}
    ranked = f.api_visitor(app).get(f"{API}/{slug}/ranking").json()
    assert [(r["contribution_id"], r["points"], r["voters"]) for r in ranked] == [(ids[1], 7, 1)]
    refused(database, lambda: lea.put(f"{API}/{slug}/contributions/{ids[0]}/points",
                                      json={"points": 4}),
            422, "10 points en tout", "il vous en reste 3")
    refused(database, lambda: lea.put(f"{API}/{slug}/contributions/{ids[0]}/points",
                                      json={"points": -1}), 422)


# -- bad input: a French message, nothing stored ---------------------------------------------------
def test_milestone_outside_today_and_horizon_is_refused(imaginer, database) -> None:
    slug, lea, anne = imaginer["ws"].slug, imaginer["lea"], imaginer["anne"]
    target = headline(lea, slug)["id"]
    anne.post(f"{API}/{slug}/phase", json={"phase": "rebours"})
    year = int(imaginer["ws"].settings["horizon"][:4])
    refused(database, lambda: post(lea, slug, "milestone", title="Trop tard", date=f"{year}-12",
                                   leads_to=[target]),
            422, "est après l'horizon de l'atelier", f"(octobre {year})")
    refused(database, lambda: post(lea, slug, "milestone", title="Déjà passé",
                                   date=f.months_from_now(-2), leads_to=[target]),
            422, "est déjà passé")
    refused(database, lambda: post(lea, slug, "milestone", title="Sans titre lié",
                                   date=f.months_from_now(6), leads_to=[99999]), 422)
    ok = post(lea, slug, "milestone", title="Un tiers-lieu ouvre", date=f.months_from_now(6),
              leads_to=[target])
    assert ok.status_code == 201, ok.text


def test_target_on_unknown_indicator_is_refused(imaginer, database) -> None:
    slug, lea, anne = imaginer["ws"].slug, imaginer["lea"], imaginer["anne"]
    anne.post(f"{API}/{slug}/phase", json={"phase": "cibles"})
    refused(database, lambda: post(lea, slug, "target", indicator="taux_de_bonheur",
                                   target_value=80),
            422, "« taux_de_bonheur » n'est pas un indicateur du catalogue")
    ok = post(lea, slug, "target", indicator="ftth_taux", target_value=95)
    assert ok.status_code == 201, ok.text
    assert "baseline_value" in ok.json()["payload"]


def test_locked_and_closed_phases_refuse_contributions(imaginer, database) -> None:
    slug, lea, anne = imaginer["ws"].slug, imaginer["lea"], imaginer["anne"]
    mine = headline(lea, slug)["id"]
    refused(database, lambda: post(lea, slug, "milestone", title="Pas encore",
                                   date=f.months_from_now(3), leads_to=[mine]),
            409, "n'accepte pas de contribution « Jalon » en ce moment (Vision)")
    anne.post(f"{API}/{slug}/lock", json={"locked": True})
    refused(database, lambda: post(lea, slug, "headline", title="Verrouillé"),
            409, "verrouillé les contributions")
    refused(database, lambda: lea.patch(f"{API}/{slug}/contributions/{mine}",
                                        json={"payload": {"title": "Changé"}}),
            409, "verrouillé")
    anne.post(f"{API}/{slug}/phase", json={"phase": "closed"})
    refused(database, lambda: post(lea, slug, "headline", title="Trop tard"),
            409, "L'atelier est clos")
    refused(database, lambda: post(anne, slug, "headline", title="Même l'animation"),
            409, "L'atelier est clos")


def test_over_long_text_unknown_type_and_field_are_refused(imaginer, database) -> None:
    slug, lea = imaginer["ws"].slug, imaginer["lea"]
    refused(database, lambda: post(lea, slug, "headline", title="x" * 141),
            422, "« Titre » dépasse 140 caractères (141 reçus)")
    refused(database, lambda: post(lea, slug, "headline", title="Un titre", story="y" * 1501),
            422, "« Récit » dépasse 1500 caractères")
    refused(database, lambda: post(lea, slug, "manifeste", title="Un titre"),
            422, "Type de contribution inconnu : « manifeste »", "headline")
    refused(database, lambda: post(lea, slug, "headline", title="Un titre", humeur="joyeuse"),
            422, "Champs inconnus pour ce type de contribution : humeur")
    refused(database, lambda: lea.get(f"{API}/{slug}/contributions",
                                      params={"type": "manifeste"}), 422, "inconnu")
    refused(database, lambda: lea.post(f"{API}/{slug}/contributions",
                                       json={"type": "headline", "payload": "texte"}), 422)


def test_dependency_cycle_is_refused_with_the_actions_named(app, database) -> None:
    owner = f.facilitator(database)
    ws = f.kind_workshop(database, "construire-2030", owner, "acteurs")
    anne, slug = f.api_facilitator(app), ws.slug
    actor = post(anne, slug, "actor", name="Mairie", actor_type="collectivite").json()["id"]
    anne.post(f"{API}/{slug}/phase", json={"phase": "actions"})
    ids = [post(anne, slug, "action", title=title, owner=actor, start="2026-01", end="2027-01",
                instrument="preuve-de-concept").json()["id"] for title in ("Diagnostic", "Portail")]
    anne.post(f"{API}/{slug}/phase", json={"phase": "feuille-de-route"})
    joined = f.join(database, ws, "Léa")
    lea = f.api_participant(app, joined)
    assert post(lea, slug, "dependency", before=ids[0], after=ids[1]).status_code == 201
    refused(database, lambda: post(lea, slug, "dependency", before=ids[1], after=ids[0]),
            422, "Cycle de dépendances", "Diagnostic", "Portail")
    refused(database, lambda: post(lea, slug, "action", title="Hors phase", owner=actor,
                                   start="2026-01", end="2026-02", instrument="autre"),
            409, "en ce moment (Feuille de route)")


def test_construire_speakers_and_start_from(app, database) -> None:
    owner = f.facilitator(database)
    source = f.imaginer(database, owner)
    with f.session(database) as s:
        from trajectoires.foresight.contributions import Author, post_contribution
        post_contribution(s, source.id, Author(facilitator_id=owner.id), "headline",
                          {"title": "Une maison numérique"})
    ws = f.kind_workshop(database, "construire-2030", owner, "acteurs")
    anne = f.api_facilitator(app)
    started = anne.post(f"{API}/{ws.slug}/start-from", json={"source": source.slug})
    assert started.status_code == 200, started.text
    assert started.json()["counts"]["headline"] == 1
    refused(database, lambda: anne.post(f"{API}/{ws.slug}/start-from",
                                        json={"source": source.slug}), 409, "déjà")
    actor = post(anne, ws.slug, "actor", name="Campus", actor_type="campus-ecole").json()["id"]
    joined = f.join(database, ws, "Léa")
    speaker = anne.post(f"{API}/{ws.slug}/speakers",
                        json={"participant_id": joined.participant.id, "actor_id": actor})
    assert speaker.json() == {"participant_id": joined.participant.id, "pseudonym": "Léa",
                              "actor_id": actor}
    with f.session(database) as s:
        assert s.scalar(select(func.count()).select_from(Contribution)
                        .where(Contribution.workshop_id == ws.id)) == 2
