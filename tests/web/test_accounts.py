"""Facilitator accounts in the web (#13): change the password, reset it by a one-time link sent
by e-mail (a real SMTP server on this machine, aiosmtpd), and invitations by an administrator."""

from __future__ import annotations

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
from trajectoires.foresight.accounts import set_admin
from trajectoires.settings import Settings

pytestmark = pytest.mark.db
NEW = "un nouveau mot de passe"


class Inbox:
    """aiosmtpd handler keeping every message received."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="module")
def smtp():
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def world(tmp_path, smtp):
    with fresh_database_url(tmp_path) as url:
        db = create_database(url)
        migrate(db)
        settings = Settings.from_env(
            {}, workspace=str(tmp_path / "ws"), database_url=url, public_url="http://testserver",
            smtp_host="127.0.0.1", smtp_port=str(smtp[1]), smtp_sender="ateliers@example.org")
        app = f.make_app(settings.ensure_workspace(), db)
        f.facilitator(db, "anne@example.org")
        yield db, app, smtp[0]
        db.engine.dispose()


def _signed_in(app, email: str = "anne@example.org", password: str = f.PASSWORD) -> TestClient:
    client = TestClient(app)
    assert f.login(client, email, password).status_code == 303
    return client


def _post(client: TestClient, path: str, data: dict, page: str | None = None):
    token = f.csrf(client, page or path)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def _error(response) -> str:
    return re.search(r'id="account-error"[^>]*>([^<]+)<', response.text).group(1)


def test_change_password(world) -> None:
    _db, app, _inbox = world
    anne = _signed_in(app)
    other_browser = _signed_in(app)
    path = "/compte/mot-de-passe"
    wrong = _post(anne, path, {"current": "pas le bon", "new": NEW, "again": NEW})
    assert wrong.status_code == 403 and "actuel est incorrect" in _error(wrong)
    differ = _post(anne, path, {"current": f.PASSWORD, "new": NEW, "again": NEW + "!"})
    assert differ.status_code == 422 and "diffèrent" in _error(differ)
    short = _post(anne, path, {"current": f.PASSWORD, "new": "court", "again": "court"})
    assert short.status_code == 422 and "10 caractères" in _error(short)
    done = _post(anne, path, {"current": f.PASSWORD, "new": NEW, "again": NEW})
    assert done.headers["location"] == "/connexion?motdepasse=change"
    # every session of the account is closed, the old password no longer opens one
    assert other_browser.get("/ateliers/nouveau", follow_redirects=False).status_code == 303
    assert f.login(TestClient(app)).status_code != 303
    _signed_in(app, password=NEW)


def test_reset_by_a_one_time_link_sent_by_email(world) -> None:
    _db, app, inbox = world
    visitor = TestClient(app)
    assert 'href="/mot-de-passe-oublie"' in visitor.get("/connexion").text
    unknown = _post(visitor, "/mot-de-passe-oublie", {"email": "personne@example.org"})
    sent = _post(visitor, "/mot-de-passe-oublie", {"email": "Anne@example.org"})
    assert unknown.status_code == sent.status_code == 200  # the same answer: no account oracle
    assert 'id="account-done"' in unknown.text and 'id="account-done"' in sent.text
    mine = [m for m in inbox.messages if m["To"] == "Anne@example.org"]
    assert len(mine) == 1 and not [m for m in inbox.messages if "personne" in m["To"]]
    assert mine[0]["Subject"] == "Nouveau mot de passe — Trajectoires"
    link = re.search(r"http://testserver(/mot-de-passe/\S+)", mine[0].get_content()).group(1)

    form = visitor.get(link)
    assert form.status_code == 200 and 'id="reset-form"' in form.text
    done = _post(visitor, link, {"new": NEW, "again": NEW})
    assert done.headers["location"] == "/connexion?motdepasse=change"
    _signed_in(app, password=NEW)
    dead = visitor.get(link)
    assert dead.status_code == 403 and 'id="reset-form"' not in dead.text
    again = _post(visitor, link, {"new": "encore un autre", "again": "encore un autre"},
                  page="/mot-de-passe-oublie")
    assert again.status_code == 403 and "déjà servi" in _error(again)
    forged = _post(visitor, link[:-3] + "abc", {"new": NEW, "again": NEW},
                   page="/mot-de-passe-oublie")
    assert forged.status_code == 403


def test_an_administrator_invites_a_facilitator(world) -> None:
    db, app, inbox = world
    anne = _signed_in(app)
    page = "/administration/animateurs"
    assert anne.get(page).status_code == 403  # not an administrator yet
    assert _post(anne, page, {"email": "bruno@example.org"}, page="/compte").status_code == 403
    with f.session(db) as s:
        set_admin(s, "anne@example.org")
    assert 'id="invite-form"' in anne.get(page).text
    taken = _post(anne, page, {"email": "anne@example.org"})
    assert taken.status_code == 409 and "existe déjà" in _error(taken)

    invited = _post(anne, page, {"email": "bruno@example.org"})
    assert invited.status_code == 201
    link = re.search(r'id="invite-link"[^>]*href="http://testserver(/invitation/[^"]+)"',
                     invited.text).group(1)
    mail = [m for m in inbox.messages if m["To"] == "bruno@example.org"][-1]
    assert link in mail.get_content()

    bruno = TestClient(app)
    assert "bruno@example.org" in bruno.get(link).text
    differ = _post(bruno, link, {"name": "Bruno", "new": NEW, "again": "autre chose"})
    assert differ.status_code == 422
    created = _post(bruno, link, {"name": "Bruno", "new": NEW, "again": NEW})
    assert created.headers["location"] == "/connexion?compte=cree"
    _signed_in(app, "bruno@example.org", NEW)
    used = bruno.get(link)
    assert used.status_code == 403 and "déjà servi" in _error(used)
    assert "Bruno — bruno@example.org" in anne.get(page).text


def test_reset_requests_are_limited_per_address(world) -> None:
    _db, app, inbox = world
    visitor = TestClient(app)
    before = len(inbox.messages)
    answers = [_post(visitor, "/mot-de-passe-oublie", {"email": "anne@example.org"}).status_code
               for _ in range(6)]
    assert answers == [200] * 5 + [429]
    assert len(inbox.messages) - before == 5
    other = _post(visitor, "/mot-de-passe-oublie", {"email": "bruno@example.org"})
    assert other.status_code == 200
