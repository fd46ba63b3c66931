"""Join links, QR codes and the projection view; the settings; Secure cookies; drafts."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest
import segno
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.foresight import factories as f
from trajectoires.cli import app as cli
from trajectoires.commands.server import lan_urls
from trajectoires.db import Database
from trajectoires.settings import Settings, SettingsError
from trajectoires.web.workshops.links import qr_svg

LAN = ["http://192.168.1.20:8000", "http://10.0.0.5:8000"]
QR_SVG = re.compile(
    r'<svg role="img" aria-label="([^"]+)"[^>]*viewBox="0 0 (\d+) \d+".*?</svg>', re.S
)
PATH_STEP = re.compile(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?")


def _app(settings: Settings, database: Database, **changes: str) -> FastAPI:
    return f.make_app(dataclasses.replace(settings, **changes), database)


def _facilitator(app: FastAPI, database: Database, base_url: str = "http://testserver",
                 email: str = "anne@example.org") -> TestClient:
    f.facilitator(database, email)
    client = TestClient(app, base_url=base_url)
    assert f.login(client, email).status_code == 303
    return client


def _draft(client: TestClient) -> str:
    """Create a workshop without opening it; return its slug."""
    token = f.csrf(client, "/ateliers/nouveau")
    response = client.post(
        "/ateliers/nouveau",
        data={"territory": "29", "title": "Brouillon", "question": "Que voulons-nous ?",
              "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response.headers["location"].split("/")[2]


def _code(page: str) -> str:
    return re.search(r'id="join-code"[^>]*>([A-Z0-9]{6})<', page).group(1)


def _link(page: str) -> str:
    return html.unescape(re.search(r'id="join-link"[^>]*href="([^"]+)"', page).group(1))


def qr_matrix(svg: str) -> list[list[bool]]:
    """Read segno's SVG path back into the module matrix (the 4-module border removed)."""
    match = QR_SVG.search(svg)
    size = int(match.group(2))
    cells = [[False] * size for _ in range(size)]
    path = re.search(r'class="qr-modules"[^>]* d="([^"]+)"', match.group(0)).group(1)
    x = y = 0.0
    for op, a, b in PATH_STEP.findall(path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x + float(a))):
                cells[int(y)][column] = True
            x += float(a)
    return [row[4:-4] for row in cells[4:-4]]


def assert_qr_encodes(page: str, url: str) -> None:
    """The page's QR code is the one of ``url``, labelled with it in French."""
    match = QR_SVG.search(page)
    assert match, "no QR code with role=img and aria-label"
    assert html.unescape(match.group(1)) == f"Code QR du lien pour rejoindre l'atelier : {url}"
    expected = segno.make(url, error="m", boost_error=False).matrix
    assert qr_matrix(page) == [[bool(v) for v in row] for row in expected]
    assert "<title>Code QR du lien" in match.group(0)
    assert " style=" not in match.group(0)


# -- QR code and projection -----------------------------------------------------------------
def test_facilitation_page_shows_code_link_and_qr(
    settings: Settings, database: Database
) -> None:
    app = _app(settings, database)
    client = _facilitator(app, database)
    slug = f.create_via_web(client)
    page = client.get(f"/ateliers/{slug}/animer").text
    code = _code(page)
    assert _link(page) == f"http://testserver/rejoindre/{code}"
    assert_qr_encodes(page, f"http://testserver/rejoindre/{code}")
    assert f'href="/ateliers/{slug}/projection"' in page
    assert " style=" not in page and "<script>" not in page


def test_qr_decodes_to_the_link() -> None:
    import zxingcpp
    from PIL import Image

    url = "https://ateliers.example.org/rejoindre/K7MQ2X"
    matrix = qr_matrix(qr_svg(url, "Code QR"))
    image = Image.new("L", (len(matrix) + 8, len(matrix) + 8), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.putpixel((x + 4, y + 4), 0)
    image = image.resize((image.width * 8, image.height * 8), Image.NEAREST)
    assert zxingcpp.read_barcodes(image)[0].text == url


def test_projection_view_shows_only_code_link_and_qr(
    settings: Settings, database: Database
) -> None:
    app = _app(settings, database)
    client = _facilitator(app, database)
    slug = f.create_via_web(client)
    page = client.get(f"/ateliers/{slug}/projection")
    assert page.status_code == 200
    code = _code(page.text)
    assert_qr_encodes(page.text, f"http://testserver/rejoindre/{code}")
    assert '<html lang="fr">' in page.text
    assert "<h1 data-workshop-title>Le numérique en 2030</h1>" in page.text
    assert "Navigation principale" not in page.text  # no site header on the projector
    assert "Retour à l'animation" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_projection_is_for_the_facilitator_only(settings: Settings, database: Database) -> None:
    app = _app(settings, database)
    slug = f.create_via_web(_facilitator(app, database))
    anonymous = TestClient(app).get(f"/ateliers/{slug}/projection", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == f"/connexion?suivant=/ateliers/{slug}/projection"
    other = _facilitator(app, database, email="autre@example.org")
    assert other.get(f"/ateliers/{slug}/projection").status_code == 403


# -- which address goes into the link ---------------------------------------------------------
def test_public_url_is_used_and_the_host_header_is_not(
    settings: Settings, database: Database
) -> None:
    app = _app(settings, database, public_url="https://ateliers.example.org")
    app.state.lan_urls = LAN  # even started by `serve --host 0.0.0.0`, public_url wins
    client = _facilitator(app, database, base_url="https://ateliers.example.org")
    slug = f.create_via_web(client)
    page = client.get(f"/ateliers/{slug}/animer", headers={"Host": "evil.example"}).text
    code = _code(page)
    assert _link(page) == f"https://ateliers.example.org/rejoindre/{code}"
    assert_qr_encodes(page, f"https://ateliers.example.org/rejoindre/{code}")
    assert "evil.example" not in page and "192.168" not in page
    projected = client.get(f"/ateliers/{slug}/projection", headers={"Host": "evil.example"})
    assert "evil.example" not in projected.text


def test_local_network_addresses_replace_loopback(settings: Settings, database: Database) -> None:
    app = _app(settings, database)
    app.state.listen_host, app.state.lan_urls = "0.0.0.0", LAN  # noqa: S104
    client = _facilitator(app, database, base_url="http://127.0.0.1:8000")
    slug = f.create_via_web(client)
    page = client.get(f"/ateliers/{slug}/animer").text
    code = _code(page)
    assert _link(page) == f"http://192.168.1.20:8000/rejoindre/{code}"
    assert_qr_encodes(page, f"http://192.168.1.20:8000/rejoindre/{code}")
    assert f'href="http://10.0.0.5:8000/rejoindre/{code}"' in page  # the other interface
    assert "127.0.0.1" not in page.split('id="join-title"')[1].split("</section>")[0]
    # a facilitator who opened the app on one of the LAN addresses gets that one first
    lan_client = TestClient(app, base_url="http://10.0.0.5:8000")
    f.login(lan_client)
    assert _link(lan_client.get(f"/ateliers/{slug}/animer").text).startswith("http://10.0.0.5")


def test_loopback_only_says_phones_cannot_reach_it(settings: Settings, database: Database) -> None:
    app = _app(settings, database)
    app.state.listen_host, app.state.lan_urls = "127.0.0.1", []
    client = _facilitator(app, database, base_url="http://127.0.0.1:8000")
    slug = f.create_via_web(client)
    for path in (f"/ateliers/{slug}/animer", f"/ateliers/{slug}/projection"):
        page = client.get(path).text
        warning = page.split('id="join-warning"')[1].split("</div>")[0]
        assert "ne peuvent pas joindre cette adresse" in warning
        assert "trajectoires serve --host 0.0.0.0" in warning
        assert QR_SVG.search(page) is None and 'id="join-link"' not in page
        assert re.search(r'id="join-code"[^>]*>[A-Z0-9]{6}<', page)  # the code is still there


def test_no_local_address_found(settings: Settings, database: Database) -> None:
    app = _app(settings, database)
    app.state.listen_host, app.state.lan_urls = "0.0.0.0", []  # noqa: S104
    client = _facilitator(app, database, base_url="http://127.0.0.1:8000")
    page = client.get(f"/ateliers/{f.create_via_web(client)}/animer").text
    assert "Aucune adresse de réseau local" in page and QR_SVG.search(page) is None


def test_lan_urls_of_the_listening_address() -> None:
    assert lan_urls("127.0.0.1", 8000) == [] and lan_urls("localhost", 8000) == []
    assert lan_urls("192.168.1.20", 9000) == ["http://192.168.1.20:9000"]
    everywhere = lan_urls("0.0.0.0", 8000)  # noqa: S104
    assert all(url.startswith("http://") and url.endswith(":8000") for url in everywhere)
    assert not [url for url in everywhere if url.startswith(("http://127.", "http://169.254."))]


# -- the public_url and forwarded_allow_ips settings ------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [("https://ateliers.example.org/", "https://ateliers.example.org"),
     ("http://192.168.1.20:8000", "http://192.168.1.20:8000"),
     ("https://example.org/trajectoires", "https://example.org/trajectoires"),
     ("", None)],
)
def test_public_url_is_normalised(value: str, expected: str | None) -> None:
    assert Settings.from_env({"TRAJECTOIRES_PUBLIC_URL": value}).public_url == expected


@pytest.mark.parametrize(
    ("value", "problem"),
    [("ftp://example.org", "http:// ou https://"), ("example.org", "http:// ou https://"),
     ("https://", "nom d'hôte"), ("https://example.org/?a=1", "ni « ? » ni « # »"),
     ("https://example.org/#x", "ni « ? » ni « # »"), ("https://u:p@example.org", "identifiant"),
     ("https://example.org:port", "port")],
)
def test_bad_public_url_is_refused_in_french(value: str, problem: str) -> None:
    with pytest.raises(SettingsError, match="TRAJECTOIRES_PUBLIC_URL") as error:
        Settings.from_env({"TRAJECTOIRES_PUBLIC_URL": value})
    assert problem in str(error.value) and f"« {value} »" in str(error.value)


def test_forwarded_allow_ips_is_checked() -> None:
    value = " 127.0.0.1, 10.0.0.0/8 ,::1"
    assert Settings.from_env({"TRAJECTOIRES_FORWARDED_ALLOW_IPS": value}).forwarded_allow_ips == (
        "127.0.0.1,10.0.0.0/8,::1")
    assert Settings.from_env({}, forwarded_allow_ips="*").forwarded_allow_ips == "*"
    with pytest.raises(SettingsError, match="« proxy.local » n'est ni une adresse IP"):
        Settings.from_env({}, forwarded_allow_ips="127.0.0.1,proxy.local")


def test_serve_refuses_a_bad_setting_in_french(tmp_path) -> None:  # noqa: ANN001
    result = CliRunner().invoke(
        cli, ["serve", "--workspace", str(tmp_path)],
        env={"TRAJECTOIRES_PUBLIC_URL": "ftp://ateliers.example.org"},
    )
    assert result.exit_code == 2
    assert "adresse publique invalide" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(
        cli, ["serve", "--workspace", str(tmp_path), "--forwarded-allow-ips", "nimporte"],
    )
    assert result.exit_code == 2 and "ni une adresse IP" in result.output


# -- Secure cookies ---------------------------------------------------------------------------
def _join_cookies(app: FastAPI, database: Database, base_url: str) -> tuple[str, str]:
    """Set-Cookie headers of a facilitator's login and of a participant's join."""
    f.facilitator(database)
    client = TestClient(app, base_url=base_url)
    login = f.login(client)
    slug = f.create_via_web(client)
    code = _code(client.get(f"/ateliers/{slug}/animer").text)
    participant = TestClient(app, base_url=base_url)
    token = f.csrf(participant)
    joined = participant.post(
        "/rejoindre", data={"code": code, "pseudonym": "Alice", "csrf_token": token},
        follow_redirects=False,
    )
    assert joined.status_code == 303, joined.text
    return login.headers["set-cookie"].lower(), joined.headers["set-cookie"].lower()


def test_cookies_are_secure_behind_https(settings: Settings, database: Database) -> None:
    app = _app(settings, database, public_url="https://ateliers.example.org")
    session, participant = _join_cookies(app, database, "https://ateliers.example.org")
    assert session.startswith("trajectoires_session=") and "; secure" in session
    assert participant.startswith("trajectoires_participant_") and "; secure" in participant
    assert "httponly" in participant and "samesite=lax" in participant


@pytest.mark.parametrize("public_url", [None, "http://192.168.1.20:8000"])
def test_cookies_are_not_secure_over_http(
    settings: Settings, database: Database, public_url: str | None
) -> None:
    app = _app(settings, database, public_url=public_url)
    session, participant = _join_cookies(app, database, "http://testserver")
    assert "secure" not in session and "secure" not in participant


# -- drafts -----------------------------------------------------------------------------------
def test_draft_is_hidden_from_all_but_its_facilitator(
    settings: Settings, database: Database
) -> None:
    app = _app(settings, database)
    owner = _facilitator(app, database)
    slug = _draft(owner)
    owner_page = owner.get(f"/ateliers/{slug}/animer").text
    assert 'id="join-draft"' in owner_page and owner.get(f"/ateliers/{slug}").status_code == 200
    assert owner.get(f"/api/v1/workshops/{slug}").json()["status"] == "draft"

    anonymous = TestClient(app)
    unknown = anonymous.get("/ateliers/inconnu-000000")
    for path in (f"/ateliers/{slug}", f"/ateliers/{slug}/flux"):
        response = anonymous.get(path)
        assert (response.status_code, response.text) == (404, unknown.text)
    assert "Atelier introuvable." in unknown.text
    for path in ("", "/statements", "/opinions"):
        response = anonymous.get(f"/api/v1/workshops/{slug}{path}")
        assert response.status_code == 404 and response.json() == {"detail": "Atelier introuvable."}
    token = f.csrf(anonymous)
    response = anonymous.post(f"/api/v1/workshops/{slug}/statements", json={"text": "x"},
                              headers={"X-CSRF-Token": token})
    assert response.status_code == 404
    assert slug not in anonymous.get("/ateliers").text

    other = _facilitator(app, database, email="autre@example.org")
    for path in ("animer", "projection"):
        assert other.get(f"/ateliers/{slug}/{path}").status_code == 404
    token = f.csrf(other, "/ateliers/nouveau")
    response = other.post(f"/ateliers/{slug}/phase", data={"phase": "open", "csrf_token": token})
    assert response.status_code == 404


def test_draft_cannot_be_joined_until_opened(settings: Settings, database: Database) -> None:
    app = _app(settings, database)
    owner = _facilitator(app, database)
    slug = _draft(owner)
    code = _code(owner.get(f"/ateliers/{slug}/animer").text)
    participant = TestClient(app)
    early = participant.get(f"/rejoindre/{code}").text
    assert 'id="join-not-open"' in early and "pas encore ouvert" in early
    token = f.csrf(participant)
    refused = participant.post(
        "/rejoindre", data={"code": code, "pseudonym": "Alice", "csrf_token": token},
        follow_redirects=False,
    )
    assert refused.status_code == 409
    assert f"L'atelier {code} n'est pas encore ouvert" in html.unescape(refused.text)
    assert 'role="alert"' in refused.text and "set-cookie" not in refused.headers

    owner.post(f"/ateliers/{slug}/phase", data={"phase": "open", "csrf_token": token_of(owner)})
    assert "join-not-open" not in participant.get(f"/rejoindre/{code}").text
    joined = participant.post(
        "/rejoindre", data={"code": code, "pseudonym": "Alice", "csrf_token": token},
        follow_redirects=False,
    )
    assert joined.status_code == 303


def token_of(client: TestClient) -> str:
    """The CSRF token of ``client``'s session."""
    return f.csrf(client, "/ateliers/nouveau")
