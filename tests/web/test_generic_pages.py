"""The shared workshop pages for every kind: creation, joining, generated forms, facilitation.

Through the in-process client, as a browser without JavaScript would use them (forms posted,
redirects followed), and once as ``fetch`` does (``Accept: application/json``).
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.kinds import get_kind
from trajectoires.foresight.models import Contribution, Participant, Workshop

IMAGINER, CONSTRUIRE = "imaginer-2030", "construire-2030"


@pytest.fixture
def host(app: FastAPI, database: Database) -> TestClient:
    """The facilitator's browser, logged in."""
    f.facilitator(database)
    client = TestClient(app)
    assert f.login(client).status_code == 303
    return client


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def token_of(client: TestClient, path: str) -> str:
    return f.csrf(client, path)


def create(host: TestClient, kind: str, title: str = "Atelier", **settings) -> str:
    data = {"kind": kind, "territory": "29", "title": title, "question": "Comment ?",
            "csrf_token": token_of(host, "/ateliers/nouveau"),
            **{f"setting-{k}": v for k, v in settings.items()}}
    response = host.post("/ateliers/nouveau", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"].split("/")[2]


def go(host: TestClient, slug: str, phase: str) -> None:
    token = token_of(host, f"/ateliers/{slug}/animer")
    response = host.post(f"/ateliers/{slug}/phase", data={"phase": phase, "csrf_token": token},
                         follow_redirects=False)
    assert response.status_code == 303


def workshop_row(db: Database, slug: str) -> Workshop:
    with f.session(db) as s:
        return s.query(Workshop).filter_by(slug=slug).one()


def rows(db: Database, slug: str, type_key: str | None = None) -> list[Contribution]:
    ws = workshop_row(db, slug)
    with f.session(db) as s:
        query = s.query(Contribution).filter_by(workshop_id=ws.id)
        if type_key:
            query = query.filter_by(type=type_key)
        return query.order_by(Contribution.id).all()


def join(app: FastAPI, db: Database, slug: str, name: str) -> TestClient:
    client = f.join_via_web(app, workshop_row(db, slug).join_code, name)
    client.csrf = client.headers.pop("X-CSRF-Token")
    return client


def post(client: TestClient, path: str, **data) -> object:
    return client.post(path, data={**data, "csrf_token": client.csrf}, follow_redirects=False)


def assert_no_inline_code(html: str) -> None:
    page = soup(html)
    assert not page.find("style") and not page.find(style=True)
    assert all(script.get("src") for script in page.find_all("script"))
    assert not re.search(r"\son[a-z]+=", html)


# -- creating and joining ----------------------------------------------------------------------
def test_new_workshop_form_offers_every_kind_and_its_settings(host: TestClient) -> None:
    html = host.get("/ateliers/nouveau").text
    page = soup(html)
    for key in ("debate", IMAGINER, CONSTRUIRE):
        kind = get_kind(key)
        radio = page.find("input", id=f"kind-{key}")
        assert radio["name"] == "kind" and page.find("label", attrs={"for": f"kind-{key}"})
        assert kind.label in html
    assert page.find("input", id="setting-horizon")["type"] == "month"
    assert page.find("input", id="setting-points")["value"] == "10"
    assert page.find("input", id="setting-premoderation")["type"] == "checkbox"
    assert page.find("select", id="setting-source_workshop")
    assert_no_inline_code(html)


def test_create_imaginer_then_construire_starting_from_it(app, host, database) -> None:
    slug = create(host, IMAGINER, "Imaginer le Finistère", horizon="2031-06", points="7",
                  premoderation="1")
    ws = workshop_row(database, slug)
    assert (ws.kind, ws.settings) == (IMAGINER, {"horizon": "2031-06", "points": 7,
                                                 "premoderation": True})
    assert ws.status == "draft"
    go(host, slug, "vision")
    host_token = token_of(host, f"/ateliers/{slug}/animer")
    host.post(f"/ateliers/{slug}/animer/options",
              data={"setting-horizon": "2031-06", "setting-points": "7", "csrf_token": host_token})
    assert workshop_row(database, slug).settings["premoderation"] is False  # unticked
    lea = join(app, database, slug, "Léa")
    post(lea, f"/ateliers/{slug}/contributions/headline", title="Le bourg a sa maison numérique")
    source_options = soup(host.get("/ateliers/nouveau").text).find("select",
                                                                   id="setting-source_workshop")
    assert slug in [o["value"] for o in source_options.find_all("option")]
    built = create(host, CONSTRUIRE, "Construire", source_workshop=slug)
    copied = rows(database, built, "headline")
    assert [c.text for c in copied] == ["Le bourg a sa maison numérique"]
    assert workshop_row(database, built).settings["source_workshop"] == slug


def test_create_refused_keeps_what_was_typed(host: TestClient, database) -> None:
    data = {"kind": IMAGINER, "territory": "29", "title": "Mon atelier", "question": "Q ?",
            "setting-horizon": "1999-01", "csrf_token": token_of(host, "/ateliers/nouveau")}
    response = host.post("/ateliers/nouveau", data=data)
    assert response.status_code == 422
    page = soup(response.text)
    assert page.find(id="form-error").get_text().strip()
    assert page.find("input", id="title")["value"] == "Mon atelier"
    assert page.find("input", id="kind-imaginer-2030").has_attr("checked")
    assert page.find("input", id="setting-horizon")["value"] == "1999-01"
    with f.session(database) as s:
        assert s.query(Workshop).count() == 0


def test_join_with_organisation_and_role(app, host, database) -> None:
    slug = create(host, IMAGINER)
    go(host, slug, "vision")
    code = workshop_row(database, slug).join_code
    visitor = TestClient(app)
    page = soup(visitor.get(f"/rejoindre/{code}").text)
    assert page.find("label", attrs={"for": "organisation"})
    assert [o["value"] for o in page.find("select", id="role").find_all("option")][1] == "elu"
    # a code given as a query (typed from a poster, or another tool's link) fills the form too
    by_query = soup(visitor.get("/rejoindre", params={"code": f" {code.lower()} "}).text)
    assert by_query.find("input", id="join-code-input")["value"] == code
    token = token_of(visitor, "/rejoindre")
    refused = visitor.post("/rejoindre", data={"code": code, "pseudonym": "Léa", "role": "roi",
                                               "organisation": "Mairie", "csrf_token": token})
    assert refused.status_code == 422
    assert soup(refused.text).find("input", id="organisation")["value"] == "Mairie"
    joined = visitor.post("/rejoindre", data={"code": code, "pseudonym": "Léa", "role": "elu",
                                              "organisation": "Mairie", "csrf_token": token},
                          follow_redirects=False)
    assert joined.status_code == 303
    with f.session(database) as s:
        person = s.query(Participant).one()
        assert (person.organisation, person.role) == ("Mairie", "elu")


# -- the generated forms -------------------------------------------------------------------------
def labels_of(ctype_key: str, kind: str) -> list[str]:
    ctype = get_kind(kind).contribution_type(ctype_key)
    return [spec.label for spec in ctype.fields if not spec.computed]


def test_imaginer_through_its_generated_forms(app, host, database) -> None:
    slug = create(host, IMAGINER)
    go(host, slug, "vision")
    lea, yann = join(app, database, slug, "Léa"), join(app, database, slug, "Yann")
    html = lea.get(f"/ateliers/{slug}").text
    for label in labels_of("headline", IMAGINER):
        assert label in html
    assert "Nous sommes en octobre 2030. Quels titres" in html  # the phase's prompt
    assert_no_inline_code(html)

    too_long = "x" * 141
    refused = post(lea, f"/ateliers/{slug}/contributions/headline", title=too_long,
                   story="Mon récit")
    assert refused.status_code == 422
    form = soup(refused.text).find("form", id="form-nouveau-headline")
    assert "dépasse 140 caractères" in form.find(attrs={"data-form-error": True}).get_text()
    assert form.find("input", attrs={"name": "title"})["value"] == too_long
    assert form.find("input", attrs={"name": "title"})["aria-invalid"] == "true"
    assert form.find("textarea", attrs={"name": "story"}).get_text() == "Mon récit"
    assert rows(database, slug) == []

    done = post(lea, f"/ateliers/{slug}/contributions/headline", title="Plus de zone blanche")
    assert done.status_code == 303 and "#contribution-" in done.headers["location"]
    headline = rows(database, slug, "headline")[0]
    post(yann, f"/ateliers/{slug}/contributions/headline", title="Le bourg a sa maison")

    go(host, slug, "rebours")
    page = soup(lea.get(f"/ateliers/{slug}").text)
    leads_to = page.find("fieldset", id="nouveau-milestone-leads_to")
    assert "Plus de zone blanche" in leads_to.get_text()
    assert page.find("input", id="nouveau-milestone-date")["type"] == "month"
    assert [o["value"] for o in page.find("select", id="nouveau-milestone-category")
            .find_all("option")][1:] == ["technologique", "culturel", "comportemental"]
    assert post(lea, f"/ateliers/{slug}/contributions/milestone", title="Le schéma est voté",
                date=f.months_from_now(2), leads_to=[str(headline.id)],
                category="culturel").status_code == 303
    milestone = rows(database, slug, "milestone")[0]
    assert milestone.payload["leads_to"] == [headline.id]
    assert post(lea, f"/ateliers/{slug}/contributions/factor", title="Crédits de l'État",
                role="moteur", pestle="économique",
                milestones=[str(milestone.id)]).status_code == 303
    listed = lea.get(f"/ateliers/{slug}").text
    assert "Culturel" in listed and "« Plus de zone blanche »" in listed

    edit = post(lea, f"/ateliers/{slug}/contributions/{milestone.id}/modifier",
                title="Le schéma est adopté", date=f.months_from_now(3),
                leads_to=[str(headline.id)], category="culturel")
    assert edit.status_code == 303
    assert rows(database, slug, "milestone")[0].text == "Le schéma est adopté"
    other = post(yann, f"/ateliers/{slug}/contributions/{milestone.id}/modifier", title="Non",
                 date=f.months_from_now(3), leads_to=[str(headline.id)])
    assert other.status_code == 403

    go(host, slug, "cibles")
    assert post(lea, f"/ateliers/{slug}/contributions/target", indicator="ftth_taux",
                target_value="98,5", why="Personne à l'écart").status_code == 303
    assert rows(database, slug, "target")[0].payload["target_value"] == 98.5

    go(host, slug, "priorites")
    page = soup(lea.get(f"/ateliers/{slug}").text)
    assert "10 à répartir" in page.find(id="points-left").get_text(" ", strip=True)
    assert page.find("input", id=f"points-{headline.id}")["max"] == "10"
    assert post(lea, f"/ateliers/{slug}/points", contribution_id=str(headline.id),
                points="4").status_code == 303
    assert "Il vous reste 6 points" in soup(lea.get(f"/ateliers/{slug}").text) \
        .find(id="points-left").get_text(" ", strip=True)
    over = post(lea, f"/ateliers/{slug}/points", contribution_id=str(milestone.id), points="9")
    assert over.status_code == 422 and "points" in soup(over.text).find(id="page-error").get_text()


def test_construire_through_its_generated_forms(app, host, database) -> None:
    slug = create(host, CONSTRUIRE)
    go(host, slug, "acteurs")
    anne = join(app, database, slug, "Anne")
    html = unescape(anne.get(f"/ateliers/{slug}").text)
    for label in labels_of("actor", CONSTRUIRE):
        assert label in html
    assert post(anne, f"/ateliers/{slug}/contributions/actor", name="Mairie",
                actor_type="collectivite", people="3", budget_eur="12 000").status_code == 303
    assert post(anne, f"/ateliers/{slug}/contributions/actor", name="Campus",
                actor_type="campus-ecole").status_code == 303
    mairie, campus = (a.id for a in rows(database, slug, "actor"))
    go(host, slug, "actions")
    page = soup(anne.get(f"/ateliers/{slug}").text)
    assert "Mairie" in page.find("select", id="nouveau-action-owner").get_text()
    assert page.find("fieldset", id="nouveau-action-partners")
    for title, start, end in (("Diagnostic", "2027-01", "2027-06"),
                              ("Tiers-lieu", "2027-07", "2028-06")):
        response = post(anne, f"/ateliers/{slug}/contributions/action", title=title,
                        owner=str(mairie), partners=[str(campus)], start=start, end=end,
                        instrument="commande-publique")
        assert response.status_code == 303, response.text
    first, second = (a.id for a in rows(database, slug, "action"))
    assert rows(database, slug, "action")[0].payload["partners"] == [campus]
    go(host, slug, "engagements")
    assert post(anne, f"/ateliers/{slug}/contributions/commitment", action=str(first),
                actor=str(mairie), what="Deux agents", by="2027-03").status_code == 303
    go(host, slug, "feuille-de-route")
    assert post(anne, f"/ateliers/{slug}/contributions/dependency", before=str(first),
                after=str(second)).status_code == 303
    cycle = post(anne, f"/ateliers/{slug}/contributions/dependency", before=str(second),
                 after=str(first))
    assert cycle.status_code == 422
    assert "Tiers-lieu" in soup(cycle.text).find(id="nouveau-dependency-erreur").get_text()
    assert len(rows(database, slug, "dependency")) == 1


def test_fetch_gets_json(app, host, database) -> None:
    slug = create(host, IMAGINER)
    go(host, slug, "vision")
    lea = join(app, database, slug, "Léa")
    headers = {"Accept": "application/json"}
    created = lea.post(f"/ateliers/{slug}/contributions/headline", headers=headers,
                       data={"title": "Un titre", "csrf_token": lea.csrf})
    assert created.status_code == 201 and created.json()["type"] == "headline"
    refused = lea.post(f"/ateliers/{slug}/contributions/headline", headers=headers,
                       data={"title": "", "csrf_token": lea.csrf})
    assert refused.status_code == 422 and "est vide" in refused.json()["detail"]
    fragment = lea.get(f"/ateliers/{slug}/fragments/contributions?type=headline")
    assert "Un titre" in fragment.text and "Proposé par vous" in fragment.text
    assert lea.get(f"/ateliers/{slug}/fragments/contributions?type=headline&vue=animation"
                   ).status_code == 403
    assert "Titre" in lea.get(f"/ateliers/{slug}/fragments/formulaire?type=headline").text


# -- facilitation ------------------------------------------------------------------------------
def test_facilitator_runs_the_session(app, host, database) -> None:
    slug = create(host, IMAGINER)
    go(host, slug, "vision")
    lea, yann = join(app, database, slug, "Léa"), join(app, database, slug, "Yann")
    token = token_of(host, f"/ateliers/{slug}/animer")

    def act(path: str, **data) -> object:
        response = host.post(f"/ateliers/{slug}/animer/{path}", data={**data, "csrf_token": token},
                             follow_redirects=False)
        assert response.status_code == 303, response.text
        return response

    act("tables", names="Table 1\nLes Monts d'Arrée")
    tables = {t.name: t.id for t in workshop_tables(database, slug)}
    people = {p.pseudonym: p.id for p in participants(database, slug)}
    act("placement", participant_id=str(people["Yann"]), table_id=str(tables["Table 1"]))
    html = host.get(f"/ateliers/{slug}/animer").text
    assert "Table 1</strong> (1) : Yann" in html
    post(lea, f"/ateliers/{slug}/table", table_id=str(tables["Les Monts d'Arrée"]))
    assert "Vous êtes à la table <strong>Les Monts d'Arrée</strong>" in unescape(lea.get(
        f"/ateliers/{slug}").text)

    act("minuteur", minutes="5", label="Écriture des titres")
    timer = soup(lea.get(f"/ateliers/{slug}").text).find(id="timer")
    assert timer["role"] == "timer" and "Écriture des titres" in timer.get_text()
    assert "5 min" in timer.get_text()
    assert soup(lea.get(f"/ateliers/{slug}").text).find(id="timer-announcer")["aria-live"] == \
        "polite"
    act("minuteur", action="stop")
    assert soup(lea.get(f"/ateliers/{slug}").text).find(id="timer") is None

    act("verrou", locked="1")
    page = soup(lea.get(f"/ateliers/{slug}").text)
    assert "verrouillées" in page.find(id="lock-notice").get_text()
    assert post(lea, f"/ateliers/{slug}/contributions/headline", title="Bloqué").status_code == 409
    act("verrou", locked="0")

    paper = act("papier/headline", title="Un titre du papier", table_id=str(tables["Table 1"]))
    assert "#contribution-" in paper.headers["location"]
    entered = rows(database, slug, "headline")[0]
    assert entered.on_paper and entered.table_id == tables["Table 1"]
    assert "Table 1 — saisi sur papier" in lea.get(f"/ateliers/{slug}").text
    refused = host.post(f"/ateliers/{slug}/animer/papier/headline",
                        data={"title": "", "story": "Gardé", "csrf_token": token})
    assert refused.status_code == 422
    kept = soup(refused.text).find("form", id="form-papier-headline")
    assert kept.find("textarea", attrs={"name": "story"}).get_text() == "Gardé"

    post(lea, f"/ateliers/{slug}/contributions/headline", title="Plus de zone blanche")
    post(yann, f"/ateliers/{slug}/contributions/headline", title="Plus de zones blanches")
    _, kept_one, duplicate = (c.id for c in rows(database, slug, "headline"))
    act(f"contributions/{kept_one}/visibilite", hidden="1", reason="Hors sujet")
    assert "Plus de zone blanche" not in lea.get(f"/ateliers/{slug}").text.split(
        'id="contributions-titre"')[1]
    assert "Masqué : Hors sujet" in host.get(f"/ateliers/{slug}/animer").text
    act(f"contributions/{kept_one}/visibilite", hidden="0")
    act(f"contributions/{duplicate}/fusion", keep_id=str(kept_one))
    merged = next(c for c in rows(database, slug) if c.id == duplicate)
    assert (merged.status, merged.merged_into_id) == ("merged", kept_one)
    assert "Plus de zones blanches" not in lea.get(f"/ateliers/{slug}").text
    facilitation = host.get(f"/ateliers/{slug}/animer").text
    assert "Fusionné dans « Plus de zone blanche »" in facilitation
    assert_no_inline_code(facilitation)


def test_premoderation_and_pages_of_each_kind(app, host, database) -> None:
    slug = create(host, IMAGINER, premoderation="1")
    go(host, slug, "vision")
    lea, yann = join(app, database, slug, "Léa"), join(app, database, slug, "Yann")
    post(lea, f"/ateliers/{slug}/contributions/headline", title="En attente")
    assert "En attente de validation" in lea.get(f"/ateliers/{slug}").text
    assert "En attente" not in yann.get(f"/ateliers/{slug}").text.split('id="contributions')[1]
    pending = rows(database, slug)[0].id
    token = token_of(host, f"/ateliers/{slug}/animer")
    assert "Valider" in host.get(f"/ateliers/{slug}/animer").text
    host.post(f"/ateliers/{slug}/animer/contributions/{pending}/visibilite",
              data={"hidden": "0", "csrf_token": token})
    assert rows(database, slug)[0].status == "visible"
    for kind in (IMAGINER, CONSTRUIRE, "debate"):
        other = create(host, kind, f"Atelier {kind}")
        go(host, other, get_kind(kind).phases[1].key)
        facilitation = host.get(f"/ateliers/{other}/animer").text
        assert "Phase suivante" in facilitation or kind == "debate"
        assert 'id="timer-form"' in facilitation and 'id="tables"' in facilitation
        for export in get_kind(kind).exports:
            assert f"/ateliers/{other}/export/{export.path}" in facilitation
        projection = host.get(f"/ateliers/{other}/projection").text
        assert get_kind(kind).phases[1].label in projection and 'id="join-code"' in projection
        for html in (facilitation, projection):
            assert_no_inline_code(html)


def workshop_tables(db: Database, slug: str):
    from trajectoires.foresight.models import WorkshopTable

    ws = workshop_row(db, slug)
    with f.session(db) as s:
        return s.query(WorkshopTable).filter_by(workshop_id=ws.id).all()


def participants(db: Database, slug: str):
    ws = workshop_row(db, slug)
    with f.session(db) as s:
        return s.query(Participant).filter_by(workshop_id=ws.id).all()
