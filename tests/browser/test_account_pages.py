"""The facilitator account pages (#13) in Chromium at a phone's width: axe-core clean, no page
wider than the screen, an invitation followed from the link to the first login."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.browser._day import sign_in
from tests.browser.axe import assert_accessible
from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.accounts import set_admin

PHONE = {"width": 390, "height": 844}
NEW = "un nouveau mot de passe"


def _fits(page, label: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], label
    assert_accessible(page, label)


def test_account_pages_on_a_phone(live_server: str, browser: Browser, database: Database) -> None:
    owner = f.facilitator(database)
    with f.session(database) as s:
        set_admin(s, owner.email)
    admin = browser.new_context(viewport=PHONE)
    guest = browser.new_context(viewport=PHONE)
    try:
        page = admin.new_page()
        sign_in(page, live_server, owner.email)
        page.goto(live_server + "/compte/mot-de-passe")
        page.get_by_label("Mot de passe actuel").fill("pas le bon")
        page.get_by_label("Nouveau mot de passe").fill(NEW)
        page.get_by_label("Le même, encore une fois").fill(NEW)
        page.get_by_role("button", name="Changer le mot de passe").click()
        expect(page.locator("#account-error")).to_contain_text("incorrect")
        _fits(page, "password change refused")

        page.goto(live_server + "/administration/animateurs")
        page.get_by_label("Adresse e-mail de l'animateur à inviter").fill("bruno@example.org")
        page.get_by_role("button", name="Inviter").click()
        expect(page.locator("#invite-link")).to_be_visible()
        _fits(page, "invitation made")
        link = page.locator("#invite-link").get_attribute("href")

        bruno = guest.new_page()
        bruno.goto(link)
        expect(bruno.locator("#invited-email")).to_have_text("bruno@example.org")
        _fits(bruno, "invitation form")
        bruno.get_by_label("Nom affiché").fill("Bruno")
        bruno.get_by_label("Mot de passe", exact=True).fill(NEW)
        bruno.get_by_label("Le même, encore une fois").fill(NEW)
        bruno.get_by_role("button", name="Créer mon compte").click()
        expect(bruno.locator("#login-notice")).to_contain_text("Compte créé")
        _fits(bruno, "login after the invitation")
        bruno.get_by_label("Adresse e-mail").fill("bruno@example.org")
        bruno.get_by_label("Mot de passe").fill(NEW)
        bruno.get_by_role("button", name=re.compile("connecter", re.I)).click()
        expect(bruno).to_have_url(re.compile(r"/ateliers$"))

        bruno.goto(live_server + "/mot-de-passe-oublie")
        expect(bruno.locator("#no-mail")).to_be_visible()  # no SMTP on this test server
        _fits(bruno, "forgotten password without e-mail")
    finally:
        admin.close()
        guest.close()
