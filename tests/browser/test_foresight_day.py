"""The foresight day in a real Chromium: a facilitator on a laptop and three participants on
phones, each in their own browser context, run an Imaginer 2030 at two tables through its
phases, then a Construire 2030 that starts from it and ends with a roadmap. Everything goes
through the pages (clicks and typing); what one person posts appears live on the others'."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser import _day as day
from tests.browser._day import LIVE
from trajectoires.db import Database
from trajectoires.foresight.facilitators import create_facilitator

EMAIL = "animation@example.org"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass
class People:
    host: Page
    alice: Page
    bruno: Page
    chloe: Page

    @property
    def participants(self) -> tuple[Page, Page, Page]:
        return self.alice, self.bruno, self.chloe


@pytest.fixture
def people(browser: Browser, database: Database, live_server: str) -> Iterator[People]:
    with database.sessionmaker() as session:
        create_facilitator(session, EMAIL, "Animatrice", day.PASSWORD)
    contexts: list[BrowserContext] = []

    def page(viewport: dict[str, int]) -> Page:
        context = browser.new_context(viewport=viewport, locale="fr-FR")
        context.set_default_timeout(LIVE)
        contexts.append(context)
        return context.new_page()

    expect.set_options(timeout=LIVE)
    try:
        yield People(page(DESKTOP), page(PHONE), page(PHONE), page(PHONE))
    finally:
        expect.set_options(timeout=None)
        for context in contexts:
            context.close()


def test_imaginer_then_construire_2030(live_server: str, people: People) -> None:
    base, host = live_server, people.host
    day.sign_in(host, base, EMAIL)
    imaginer = _imaginer(base, people)
    _construire(base, people, imaginer)


H1 = "Le bourg a sa maison numérique"
H2 = "Chaque commune a son tiers-lieu"
M1 = "La fibre arrive dans chaque bourg"
M2 = "Un tiers-lieu ouvre à Carhaix"
FTTH = "Part des locaux raccordables à la fibre (FttH)"


def _imaginer(base: str, people: People) -> str:
    host = people.host
    slug = day.create_workshop(host, base, "Imaginer 2030", "Le Finistère en 2030",
                               Horizon="2030-10", **{"Points par participant": "5"})
    host.get_by_label("Nouvelles tables (un nom par ligne)").fill("Table 1\nTable 2")
    host.get_by_role("button", name="Créer les tables").click()
    expect(host.get_by_role("listitem").filter(has_text="Table 2 (0)")).to_be_visible()
    day.open_workshop(host, "Vision")
    host.get_by_label("Minuteur (minutes)").fill("10")
    host.get_by_label("Libellé du minuteur").fill("Écriture des titres")
    host.get_by_role("button", name="Démarrer le minuteur").click()
    _seat(base, people, day.join_code(host))
    _vision(people)
    _backcasting(people)
    _targets(people)
    _priorities(people)
    day.close_workshop(host, people.participants)
    return slug


def _seat(base: str, people: People, code: str) -> None:
    """Three participants join by code; two sit at table 1, one at table 2."""
    alice, bruno, chloe = people.participants
    day.join(alice, base, code, "Alice", "Mairie de Brest", "Élu·e")
    day.join(bruno, base, code, "Bruno", "Médiathèque", "Agent d'une collectivité ou de l'État")
    day.join(chloe, base, code, "Chloé", "Collectif Tiers-lieux", "Association")
    for page in people.participants:
        expect(page.get_by_role("timer")).to_contain_text("Écriture des titres")
        expect(page.get_by_role("timer")).to_contain_text(re.compile(r"\d+ min \d\d s"))
    day.choose_table(alice, "Table 1")
    day.choose_table(bruno, "Table 1")
    day.choose_table(chloe, "Table 2")


def _vision(people: People) -> None:
    """Each table posts a headline from the future; everyone else sees it appear."""
    host, alice, bruno, chloe = people.host, *people.participants
    day.post(alice, "Titre du futur", {
        "Titre": H1, "Récit": "Nous sommes en octobre 2030. La maison numérique du bourg…"})
    day.post(chloe, "Titre du futur", {"Titre": H2})
    for page, title in ((bruno, H1), (chloe, H1), (host, H1), (alice, H2), (bruno, H2),
                        (host, H2)):
        expect(day.item(page, "headline", title)).to_be_visible()
    for page in (alice, bruno):  # the headline wall too
        expect(page.locator("#imaginer-wall")).to_contain_text(H2)


def _backcasting(people: People) -> None:
    """Milestones and drivers, a milestone entered on paper, a contribution hidden."""
    host, alice, bruno, chloe = people.host, *people.participants
    day.next_phase(host, "Chemin à rebours", people.participants)
    seating = host.get_by_role("region", name="Tables")
    expect(seating).to_contain_text("Table 1 (2) : Alice, Bruno")
    expect(seating).to_contain_text("Table 2 (1) : Chloé")
    day.post(bruno, "Jalon", {"Jalon": M1, "Date": day.months_from_now(12),
                              "Mène au titre": [H1], "Catégorie": "Technologique"})
    # the milestone appears live among the choices of Chloé's form before she writes in it
    expect(day.new_form(chloe, "Moteur ou frein").get_by_label(M1)).to_be_visible()
    day.post(chloe, "Moteur ou frein", {
        "Moteur ou frein": "Les élus soutiennent les tiers-lieux", "Rôle": "Moteur",
        "Catégorie PESTLE": "Politique", "Jalons concernés": [M1]})
    day.post(alice, "Moteur ou frein", {
        "Moteur ou frein": "Le débit reste trop faible", "Rôle": "Frein",
        "Catégorie PESTLE": "Technologique"})
    paper = day.paper_form(host, "Jalon")
    day.fill(paper, {"Table": "Table 2", "Jalon": M2, "Date": day.months_from_now(30),
                     "Mène au titre": [H2], "Catégorie": "Culturel"})
    paper.get_by_role("button", name="Enregistrer la saisie").click()
    for page in people.participants:
        expect(day.item(page, "milestone", M2)).to_contain_text("Table 2 — saisi sur papier")
        expect(day.item(page, "milestone", M1)).to_contain_text("Bruno")
    for page in (bruno, chloe):
        expect(day.item(page, "factor", "Le débit reste trop faible")).to_be_visible()
    frein = day.item(host, "factor", "Le débit reste trop faible")
    frein.get_by_label("Raison du masquage").fill("Hors du sujet de la table")
    frein.get_by_role("button", name="Masquer").click()
    expect(day.item(host, "factor", "Le débit reste trop faible")).to_contain_text(
        "Masqué : Hors du sujet de la table")
    for page in (bruno, chloe):
        expect(day.item(page, "factor", "Les élus soutiennent les tiers-lieux")).to_be_visible()
        expect(day.item(page, "factor", "Le débit reste trop faible")).to_have_count(0)
    for page in people.participants:
        timeline = page.locator("#imaginer-timeline")
        drawing = timeline.get_by_role("img", name=re.compile("^Chemin à rebours jusqu'à octobre"))
        expect(drawing).to_contain_text(H1)
        expect(drawing).to_contain_text(M2)
        words = timeline.get_by_role("list", name="Les jalons, de l'horizon à aujourd'hui")
        expect(words).to_contain_text(M1)
        expect(words).to_contain_text(f"Mène à : « {H2} »")


def _targets(people: People) -> None:
    """A target on a catalogue indicator, seen by everyone with its baseline."""
    host, alice, bruno, chloe = people.host, *people.participants
    day.next_phase(host, "Cibles", people.participants)
    day.post(alice, "Cible", {"Indicateur": FTTH, "Valeur visée": "100",
                              "Pourquoi": "Personne sans le très haut débit"})
    for page in (bruno, chloe, host):
        row = page.locator("#imaginer-targets").get_by_role("row", name=re.compile(re.escape(FTTH)))
        expect(row).to_contain_text("Personne sans le très haut débit")


def _priorities(people: People) -> None:
    """Points spread over the headlines, milestones and targets; the ranking live."""
    host, alice, bruno, chloe = people.host, *people.participants
    day.next_phase(host, "Priorités", people.participants)
    day.give_points(alice, "headline", H1, 3, left=2)
    ranking = bruno.locator("#imaginer-ranking")
    expect(ranking.get_by_role("listitem").first).to_contain_text(H1)
    expect(ranking.get_by_role("listitem").first).to_contain_text("3 points")
    day.give_points(chloe, "headline", H2, 4, left=1)
    expect(alice.locator("#imaginer-ranking").get_by_role("listitem").first).to_contain_text(
        H2)
    day.give_points(bruno, "milestone", M1, 2, left=3)
    day.give_points(bruno, "headline", H1, 2, left=1)
    for page in (alice, chloe):
        first = page.locator("#imaginer-ranking").get_by_role("listitem").first
        expect(first).to_contain_text(H1)
        expect(first).to_contain_text("5 points")
    target = chloe.locator("#liste-target").get_by_role("listitem").first
    target.get_by_label("Vos points").fill("3")
    target.get_by_role("button", name="Attribuer").click()
    expect(target.get_by_role("alert")).to_have_text(
        "Vous disposez de 5 points en tout : il vous en reste 1 à répartir.")
    expect(chloe.locator("#points-left strong")).to_have_text("1")  # nothing was spent
    expect(chloe.locator("#points-left")).to_contain_text("sur 5 à répartir")


MAISON = "Ouvrir la maison numérique"
ATELIERS = "Animer des ateliers numériques"
FORMER = "Former les agents au numérique"
ACTORS = {"Alice": "Mairie de Brest", "Bruno": "Médiathèque du Relecq",
          "Chloé": "Collectif Tiers-lieux"}


def _construire(base: str, people: People, imaginer: str) -> None:
    host = people.host
    imaginer_option = "Le Finistère en 2030 — Finistère (Clos)"
    slug = day.create_workshop(host, base, "Construire 2030", "Construire le Finistère 2030",
                               **{"Partir d'un atelier Imaginer 2030": imaginer_option})
    copied = host.locator("#construire-depart-fait")
    expect(copied).to_contain_text("« Le Finistère en 2030 » ont été repris")
    expect(copied.get_by_role("link", name="Le Finistère en 2030")).to_have_attribute(
        "href", f"/ateliers/{imaginer}")
    for type_key, title in (("headline", H1), ("milestone", M2), ("target", FTTH)):
        expect(day.listed(host, type_key)).to_contain_text(title)
    day.open_workshop(host, "Acteurs")
    code = day.join_code(host)
    for page, (name, organisation) in zip(people.participants, ACTORS.items(), strict=True):
        day.join(page, base, code, name, organisation, "Association")
    _actors(people)
    _actions(people)
    _commitments(people)
    _roadmap(people, f"{base}/ateliers/{slug}/projection")


def _actors(people: People) -> None:
    """Each participant presents the actor they speak for, with its means."""
    alice, bruno, chloe = people.participants
    day.post(alice, "Acteur", {"Nom": ACTORS["Alice"], "Type d'acteur": "Collectivité",
                               "Personnes mobilisables": "3", "Budget (€)": "50000"})
    day.post(bruno, "Acteur", {"Nom": ACTORS["Bruno"], "Type d'acteur": "Collectivité",
                               "Lieux": "1", "Compétences": "Médiation numérique"})
    day.post(chloe, "Acteur", {"Nom": ACTORS["Chloé"], "Type d'acteur": "Association",
                               "Personnes mobilisables": "12"})
    for page in people.participants:
        for actor in ACTORS.values():
            expect(day.item(page, "actor", actor)).to_be_visible()


def _actions(people: People) -> None:
    """Actions owned by the actors, with dates, an instrument, what they serve."""
    host, alice, bruno, chloe = people.host, *people.participants
    day.next_phase(host, "Actions", people.participants)
    for page, actor in zip(people.participants, ACTORS.values(), strict=True):
        expect(page.get_by_role("row", name=re.compile(f"^{re.escape(actor)}"))).to_contain_text(
            "Vous parlez pour cet acteur")
        expect(day.item(page, "milestone", M1)).to_be_visible()  # from the Imaginer 2030
    expect(host.get_by_role("row", name=re.compile(f"^{ACTORS['Alice']}"))).to_contain_text(
        "Porte-parole : Alice")
    day.post(alice, "Action", {
        "Action": MAISON, "Porteur": ACTORS["Alice"], "Partenaires": [ACTORS["Chloé"]],
        "Début": day.months_from_now(3), "Fin": day.months_from_now(18),
        "Instrument de gouvernance": "Commande publique", "Sert": [M1, FTTH]})
    day.post(bruno, "Action", {
        "Action": FORMER, "Porteur": ACTORS["Bruno"], "Début": day.months_from_now(2),
        "Fin": day.months_from_now(12), "Instrument de gouvernance": "Mutualisation de ressources"})
    day.post(chloe, "Action", {
        "Action": ATELIERS, "Porteur": ACTORS["Chloé"], "Début": day.months_from_now(20),
        "Fin": day.months_from_now(40), "Instrument de gouvernance": "Preuve de concept",
        "Sert": [H2]})
    for page in people.participants:
        for title in (MAISON, FORMER, ATELIERS):
            expect(day.item(page, "action", title)).to_be_visible()


def _commitments(people: People) -> None:
    """A participant commits the actor they speak for, not another one."""
    host, alice = people.host, people.alice
    day.next_phase(host, "Engagements", people.participants)
    day.post(alice, "Engagement", {
        "Action": MAISON, "Acteur engagé": ACTORS["Alice"],
        "Engagement": "Financer le local et deux postes", "Échéance": day.months_from_now(6)})
    for page in (people.bruno, people.chloe, host):
        expect(day.item(page, "commitment", "Financer le local et deux postes")).to_be_visible()
    form = day.new_form(alice, "Engagement")
    day.fill(form, {"Action": ATELIERS, "Acteur engagé": ACTORS["Chloé"],
                    "Engagement": "Prêter la salle", "Échéance": day.months_from_now(8)})
    form.get_by_role("button", name="Publier").click()
    expect(form.get_by_role("alert")).to_have_text(
        f"Seule une personne qui parle pour « {ACTORS['Chloé']} », ou l'animation, "
        "peut engager cet acteur.")
    expect(day.listed(people.chloe, "commitment")).not_to_contain_text("Prêter la salle")


def _roadmap(people: People, projection_url: str) -> None:
    """Dependencies between actions, a cycle refused; the roadmap drawn for everyone."""
    host, alice, bruno, chloe = people.host, *people.participants
    day.next_phase(host, "Feuille de route", people.participants)
    day.post(bruno, "Dépendance", {"Action préalable": FORMER, "Action qui en dépend": MAISON})
    day.post(alice, "Dépendance", {"Action préalable": MAISON, "Action qui en dépend": ATELIERS})
    form = day.new_form(chloe, "Dépendance")
    expect(day.listed(chloe, "dependency")).to_contain_text(MAISON)
    day.fill(form, {"Action préalable": ATELIERS, "Action qui en dépend": FORMER})
    form.get_by_role("button", name="Publier").click()
    refusal = form.get_by_role("alert")
    expect(refusal).to_contain_text("Cycle de dépendances")
    for title in (MAISON, ATELIERS, FORMER):
        expect(refusal).to_contain_text(title)
    projection = host.context.new_page()
    projection.goto(projection_url)
    for page in (projection, *people.participants):
        drawing = page.get_by_role("img", name=re.compile("^Feuille de route"))
        expect(drawing).to_have_accessible_name(re.compile("3 actions.* et 2 dépendances"))
        expect(drawing.locator("g.couloir")).to_have_count(3)
        expect(drawing.locator("g.action")).to_have_count(3)
        expect(drawing.locator("g.jalon")).to_have_count(2)  # the Imaginer 2030's milestones
        expect(drawing.locator("path.dependance")).to_have_count(2)
        expect(drawing).to_contain_text(ACTORS["Chloé"])
    projection.close()
