"""What the people of the foresight day do in their browsers (test_foresight_day.py).

Each helper is one gesture through the pages (labels, buttons, links), never the API:
the facilitator signs in, creates a workshop, moves between phases; a participant joins
with a code, chooses a table, fills a generated contribution form.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.foresight import factories as f

PASSWORD = f.PASSWORD  # the factories' facilitator password, for every browser test
LIVE = 15_000
"""Milliseconds a live update may take on a busy machine (events are debounced 1.5 s)."""


def months_from_now(months: int) -> str:
    """The month ``months`` after the current one, as ``YYYY-MM``."""
    today = date.today()
    index = today.year * 12 + today.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def sign_in(page: Page, base: str, email: str) -> None:
    """Sign in on /connexion as the facilitator ``email``."""
    page.goto(base + "/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/connexion"))


def create_workshop(page: Page, base: str, kind: str, title: str, **options: str) -> str:
    """Create a workshop of ``kind`` (its visible label) at /ateliers/nouveau; return its slug.

    ``options`` maps a visible option label to a value: a text, a month, or the label of
    the option of a list (« Partir d'un atelier Imaginer 2030 »).
    """
    page.goto(base + "/ateliers/nouveau")
    page.get_by_role("radio", name=kind, exact=True).check()
    page.get_by_label("Territoire").fill("29")
    page.get_by_label("Titre", exact=True).fill(title)
    page.get_by_label("Question posée").fill("Comment sommes-nous arrivés là ?")
    for label, value in options.items():
        field = page.get_by_label(label, exact=True)
        if field.evaluate("el => el.tagName") == "SELECT":
            choose(field, value)
        else:
            field.fill(value)
    page.get_by_role("button", name="Créer l'atelier").click()
    expect(page).to_have_url(re.compile(r"/ateliers/[^/]+/animer$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return page.url.rsplit("/", 2)[-2]


def join_code(host: Page) -> str:
    """The join code shown on the facilitation page."""
    return host.locator("#join-code").inner_text().strip()


def next_phase(host: Page, label: str, participants: tuple[Page, ...]) -> None:
    """Move to the next phase, ``label``; the participants' pages follow by themselves."""
    host.get_by_role("button", name=f"Phase suivante : {label}").click()
    expect(host.get_by_role("heading", name=f"Phase : {label}")).to_be_visible()
    for page in participants:
        expect(page.locator("#workshop-phase")).to_have_text(label)


def close_workshop(host: Page, participants: tuple[Page, ...]) -> None:
    """Close the workshop; the participants' pages say so."""
    host.get_by_role("button", name="Clore l'atelier").click()
    expect(host.get_by_role("heading", name="Phase : Clos")).to_be_visible()
    for page in participants:
        expect(page.locator("#workshop-phase")).to_have_text("Clos")
        note = page.locator("#phase-closed-note")  # it said « Ouvert » until a reload
        if note.count():
            expect(note).to_be_visible()
            expect(note).to_contain_text("« Clos »")


def open_workshop(host: Page, first_phase: str) -> None:
    """Open a draft workshop: it moves to its first phase."""
    host.get_by_role("button", name="Ouvrir l'atelier").click()
    expect(host.get_by_role("heading", name=f"Phase : {first_phase}")).to_be_visible()


def join(page: Page, base: str, code: str, pseudonym: str, organisation: str,
         role: str) -> None:
    """Join by code at /rejoindre with a pseudonym, an organisation and a role."""
    page.goto(base + "/rejoindre")
    page.get_by_label("Code de l'atelier").fill(code)
    page.get_by_label("Pseudonyme").fill(pseudonym)
    page.get_by_label("Organisation").fill(organisation)
    page.get_by_label("Vous venez en tant que").select_option(label=role)
    page.get_by_role("button", name="Rejoindre").click()
    expect(page.locator("#my-pseudonym")).to_have_text(pseudonym)
    expect(page.locator("#live-status")).to_contain_text("active", timeout=LIVE)


def choose_table(page: Page, table: str) -> None:
    """Sit at ``table`` with the participant page's table chooser."""
    chooser = page.get_by_label("Changer de table")
    chooser.focus()  # as a finger on the list: the live session region keeps what is chosen
    choose(chooser, re.compile(f"^{re.escape(table)} "))
    page.get_by_role("button", name="Choisir").click()
    expect(page.locator("#my-table")).to_contain_text(f"Vous êtes à la table {table}.")


def choose(select: Locator, label: str | re.Pattern[str]) -> None:
    """Choose the option of ``select`` whose label is ``label`` (or matches the pattern)."""
    if isinstance(label, str):
        label = re.compile(f"^{re.escape(label)}$")
    select.select_option(value=select.locator("option", has_text=label).get_attribute("value"))


def new_form(page: Page, type_label: str) -> Locator:
    """The form posting a new contribution of the type named ``type_label`` (its heading)."""
    box = page.locator("div.contribution-form-box").filter(
        has=page.get_by_role("heading", name=type_label, exact=True))
    return box.locator("form")


def paper_form(host: Page, type_label: str) -> Locator:
    """The facilitator's paper-entry form of a contribution type (opened)."""
    section = host.get_by_role("region", name="Saisir des contributions faites sur papier")
    details = section.locator("details").filter(
        has=host.locator("summary", has_text=re.compile(f"^{re.escape(type_label)}$")))
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details.locator("form")


def fill(form: Locator, fields: dict[str, str | list[str]]) -> None:
    """Fill a generated form: a label → a text, a month, a choice's label, or boxes to tick."""
    for label, value in fields.items():
        if isinstance(value, list):
            group = form.get_by_role("group", name=re.compile(f"^{re.escape(label)}"))
            for box in value:
                group.get_by_label(box).check()
            continue
        field = form.get_by_label(re.compile(f"^{re.escape(label)}( \\(obligatoire\\))?$"))
        if field.evaluate("el => el.tagName") == "SELECT":
            choose(field, value)
        else:
            field.fill(value)


def post(page: Page, type_label: str, fields: dict[str, str | list[str]]) -> None:
    """Post a new contribution with the generated form; fail with what the page says if the
    server refuses it."""
    form = new_form(page, type_label)
    fill(form, fields)
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        form.get_by_role("button", name="Publier").click()
    error = form.locator("[data-form-error]")
    if not sent.value.ok:
        expect(error).not_to_be_empty()
        pytest.fail(f"« {type_label} » refused ({sent.value.status}): {error.inner_text()}")
    expect(error).to_be_empty()


def listed(page: Page, type_key: str) -> Locator:
    """The live list of the contributions of one type (« Titres du futur », « Jalons »…)."""
    return page.locator(f"#liste-{type_key}")


def item(page: Page, type_key: str, title: str) -> Locator:
    """The item of the contribution titled ``title`` in the list of its type."""
    return listed(page, type_key).get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=title, exact=True))


def give_points(page: Page, type_key: str, title: str, points: int, *, left: int) -> None:
    """Put ``points`` on a contribution; the page then says how many are ``left``."""
    target = item(page, type_key, title)
    target.get_by_label("Vos points").fill(str(points))
    target.get_by_role("button", name="Attribuer").click()
    expect(page.locator("#points-left strong")).to_have_text(str(left))


def join_by_link(page: Page, base: str, code: str, pseudonym: str) -> None:
    """Join with the join link and a pseudonym only; wait for the live stream."""
    page.goto(f"{base}/rejoindre/{code}")
    page.get_by_label("Pseudonyme").fill(pseudonym)
    page.get_by_role("button", name="Rejoindre").click()
    expect(page.locator("#live-status")).to_contain_text("active")
