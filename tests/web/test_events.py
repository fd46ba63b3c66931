"""Event pages in the in-process client: forms, public page, files, iCalendar, API, territory.

One app per module (its database fresh): the upload cap is set to 1 KiB, so the files of
the tests stay tiny.
"""

from __future__ import annotations

import re

import icalendar
import pytest
from fastapi.testclient import TestClient

from tests.conftest import fresh_database_url
from tests.foresight import factories as f
from trajectoires.db import create_database, migrate
from trajectoires.settings import Settings

pytestmark = pytest.mark.db

PDF = b"%PDF-1.4\n%%EOF\n"
EVENT = {"territory": "29", "title": "Journée des transitions", "starts_at": "2027-03-14T09:00",
         "ends_at": "2027-03-14T17:30", "place": "Quimper", "organisers": "Département",
         "partners": "Réseau des médiateurs", "links": "Cadrage | https://example.org/c.pdf"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("events-web")
    with fresh_database_url(folder) as url:
        db = create_database(url)
        migrate(db)
        settings = Settings.from_env({}, workspace=str(folder / "ws"), database_url=url,
                                     event_file_max_kib="1")
        app = f.make_app(settings.ensure_workspace(), db)
        owner = f.facilitator(db)
        f.facilitator(db, "bruno@example.org")
        anne = TestClient(app)
        assert f.login(anne).status_code == 303
        anne.csrf = f.csrf(anne, "/evenements/nouveau")
        yield app, db, owner, anne
        db.engine.dispose()


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": client.csrf, **data}, follow_redirects=False)


def _new_event(client, *, publish: bool = True, **fields) -> str:
    """Create an event through the form (a draft), then publish it unless told not to."""
    response = _post(client, "/evenements/nouveau", **{**EVENT, **fields})
    assert response.status_code == 303, response.text
    slug = response.headers["location"].split("/")[2]
    if publish:
        assert _post(client, f"/evenements/{slug}/publier").status_code == 303
    return slug


def test_a_day_built_through_the_forms(world) -> None:
    app, db, owner, anne = world
    slug = _new_event(anne, publish=False)
    ws = f.imaginer(db, owner)
    assert _post(anne, f"/evenements/{slug}/programme", title="Ouverture", speaker="Léa",
                 organisation="Mairie", starts_at="2027-03-14T09:30").status_code == 303
    assert _post(anne, f"/evenements/{slug}/ateliers", workshop=ws.slug,
                 starts_at="2027-03-14T10:00").status_code == 303
    upload = anne.post(f"/evenements/{slug}/fichiers", data={"csrf_token": anne.csrf},
                       files={"file": ("Cadrage.pdf", PDF, "application/pdf")},
                       follow_redirects=False)
    assert upload.status_code == 303
    assert TestClient(app).get(f"/evenements/{slug}").status_code == 404  # a draft
    assert slug not in TestClient(app).get("/evenements").text
    assert "Brouillon" in anne.get(f"/evenements/{slug}").text  # its facilitator sees it
    assert _post(anne, f"/evenements/{slug}/publier").status_code == 303
    page = TestClient(app).get(f"/evenements/{slug}")  # a visitor
    assert page.status_code == 200 and "Brouillon" not in page.text
    html = page.text
    assert "Ouverture" in html and "Léa, Mairie" in html and "Quimper" in html
    assert f'href="/ateliers/{ws.slug}"' in html and f"/rejoindre/{ws.join_code}" in html
    assert "le 14/03/2027, de 09:00 à 17:30" in html and "Réseau des médiateurs" in html
    assert "Aucune donnée n'est chargée" in html  # the brief, with an empty store
    assert f'href="/evenements/{slug}/donnees.zip"' in html  # its open data
    file_url = re.search(rf'href="(/evenements/{slug}/fichiers/\d+)"', html).group(1)
    served = TestClient(app).get(file_url)
    assert served.content == PDF and served.headers["content-type"] == "application/pdf"
    assert served.headers["content-disposition"] == 'attachment; filename="Cadrage.pdf"'
    ics = TestClient(app).get(f"/evenements/{slug}/calendrier.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    entries = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in entries] == ["Journée des transitions",
                                                     "Ouverture — Léa, Mairie", ws.title]
    api = TestClient(app).get(f"/api/v1/events/{slug}").json()
    assert [i["kind"] for i in api["programme"]] == ["talk", "workshop"]
    assert api["programme"][1]["workshop"]["join_code"] == ws.join_code
    assert api["files"][0]["url"] == file_url
    assert slug in TestClient(app).get("/territoires/commune/29232").text  # Quimper lists it
    listed = TestClient(app).get("/api/v1/events", params={"territoire": "departement/29"})
    assert slug in [e["slug"] for e in listed.json()]
    assert TestClient(app).get("/api/v1/events", params={"territoire": "departement/35"}).json() \
        == []


def test_an_image_is_shown_inline_with_the_type_of_its_content(world) -> None:
    app, _db, _owner, anne = world
    slug = _new_event(anne)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    anne.post(f"/evenements/{slug}/fichiers", data={"csrf_token": anne.csrf},
              files={"file": ("plan de salle.pdf", png, "application/pdf")})
    file_id = TestClient(app).get(f"/api/v1/events/{slug}").json()["files"][0]["url"]
    served = TestClient(app).get(file_id)
    assert served.headers["content-type"] == "image/png"
    assert served.headers["content-disposition"] == "inline; filename*=utf-8''plan%20de%20salle.png"
    assert "sandbox" in served.headers["content-security-policy"]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("programme.pdf", b"MZ\x90\x00" + b"\x00" * 100, "« programme.pdf » n'est pas accepté"),
    ("diapos.pdf", PDF + b"x" * 1024, "« diapos.pdf » est trop volumineux"),
    ("carte.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "« carte.svg » n'est pas"),
])
def test_uploads_refused_with_a_french_message(world, name, data, message) -> None:
    _app, _db, _owner, anne = world
    slug = _new_event(anne)
    response = anne.post(f"/evenements/{slug}/fichiers", data={"csrf_token": anne.csrf},
                         files={"file": (name, data, "application/pdf")})
    assert response.status_code == 422
    assert message in response.text.replace("&#39;", "'").replace("&nbsp;", " ")
    assert "fichiers/" not in response.text.split("Fichiers préparatoires")[1].split("<form")[0]


def test_a_body_beyond_the_upload_cap_is_refused_before_it_is_read(world) -> None:
    _app, _db, _owner, anne = world
    slug = _new_event(anne)
    big = PDF + b"x" * (1200 * 1024)  # past max_request_kib (1 MiB) and the file cap + slack
    response = anne.post(f"/evenements/{slug}/fichiers", data={"csrf_token": anne.csrf},
                         files={"file": ("gros.pdf", big, "application/pdf")})
    assert response.status_code == 413


def test_bad_form_values_show_the_form_again(world) -> None:
    _app, _db, _owner, anne = world
    response = _post(anne, "/evenements/nouveau", **{**EVENT, "ends_at": "2027-03-13T09:00"})
    assert response.status_code == 422 and "précède" in response.text
    assert 'value="Journée des transitions"' in response.text  # what was typed is kept
    slug = _new_event(anne)
    response = _post(anne, f"/evenements/{slug}/programme", title="Trop tard",
                     starts_at="2027-04-01T09:00")
    assert response.status_code == 422 and "hors des dates" in response.text
    assert 'value="Trop tard"' in response.text


def test_only_the_organiser_manages(world) -> None:
    app, _db, _owner, anne = world
    slug = _new_event(anne)
    assert TestClient(app).get(f"/evenements/{slug}/gerer",
                               follow_redirects=False).headers["location"].startswith(
                                   "/connexion")
    bruno = f.api_facilitator(app, "bruno@example.org")
    assert bruno.get(f"/evenements/{slug}/gerer").status_code == 403
    assert anne.get(f"/evenements/{slug}/gerer").status_code == 200
    assert _post(anne, f"/evenements/{slug}/supprimer").status_code == 303
    assert TestClient(app).get(f"/evenements/{slug}").status_code == 404


def test_a_file_larger_than_other_requests_is_accepted(app) -> None:
    """The upload route alone takes bodies past max_request_kib (1 MiB), up to the file cap."""
    f.facilitator(app.state.db)
    anne = TestClient(app)
    assert f.login(anne).status_code == 303
    anne.csrf = f.csrf(anne, "/evenements/nouveau")
    slug = _new_event(anne)
    big = PDF + b"x" * (1536 * 1024)
    response = anne.post(f"/evenements/{slug}/fichiers", data={"csrf_token": anne.csrf},
                         files={"file": ("actes.pdf", big, "application/pdf")},
                         follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    assert _post(anne, "/evenements/nouveau", title="x" * 2_000_000).status_code == 413


def test_the_demo_event_is_marked_as_an_example_once_in_the_list(app) -> None:
    """Its title starts with « Exemple — »: the list wrote « Exemple — Exemple — Journée »."""
    from trajectoires.foresight.demo import ensure_demo_workshops
    from trajectoires.foresight.events.demo import ensure_demo_event

    db = app.state.db
    owner = f.facilitator(db)
    with f.session(db) as s:
        workshops = ensure_demo_workshops(s, owner.id, f.FINISTERE)
    with f.session(db) as s:
        ensure_demo_event(s, owner.id, f.FINISTERE, workshops)
    listed = TestClient(app).get("/evenements").text
    assert ">Exemple — Journée « Transitions" in listed
    assert "Exemple — Exemple" not in listed


def _public_surfaces(ws_slug: str, word: str) -> list[str]:
    """Every public address where an event, its programme or its files could appear."""
    return ["/", "/evenements", "/api/v1/events", "/api/v1/events?territoire=departement/29",
            "/archives", f"/archives?q={word}", f"/api/v1/search?q={word}",
            "/archives?type=evenement", "/api/v1/search?type=evenement",
            f"/archives/{ws_slug}", f"/archives/{ws_slug}/compte-rendu",
            f"/api/v1/archives/{ws_slug}", "/api/v1/archives",
            f"/api/v1/archives/{ws_slug}/data", f"/ateliers/{ws_slug}",
            f"/api/v1/workshops/{ws_slug}", "/territoires/departement/29",
            "/territoires/commune/29232", "/territoires/pays/FR", "/ateliers"]


def test_a_draft_event_shows_nowhere_public(world) -> None:
    """A draft event with a talk, a file and a published workshop: no public surface names it.

    Its page, calendars and files answer 404 (the matrix); here every other public page,
    API, search and open-data file of the published workshop is read by a visitor and by
    another facilitator, then the event is published and found on each list.
    """
    import io
    import zipfile

    from trajectoires.foresight.publication import publish_workshop
    from trajectoires.foresight.workshops import set_phase

    app, db, owner, anne = world
    slug = _new_event(anne, publish=False, title="Rencontre Zéphyrine du bocage")
    assert _post(anne, f"/evenements/{slug}/programme", title="Clavecins numériques",
                 speaker="Ophélie Quarantotto", starts_at="2027-03-14T09:30").status_code == 303
    upload = anne.post(f"/evenements/{slug}/fichiers", data={"csrf_token": anne.csrf},
                       files={"file": ("Quarantotto.pdf", PDF, "application/pdf")},
                       follow_redirects=False)
    assert upload.status_code == 303
    ws = f.kind_workshop(db, "imaginer-2030", owner)
    with f.session(db) as s:
        set_phase(s, owner.id, ws.slug, "closed")
    with f.session(db) as s:
        publish_workshop(s, owner.id, ws.slug)
    assert _post(anne, f"/evenements/{slug}/ateliers", workshop=ws.slug).status_code == 303
    secrets = (slug, "Zéphyrine", "Clavecins", "Quarantotto")
    visitor, bruno = TestClient(app), f.api_facilitator(app, "bruno@example.org")

    def shown(client: TestClient) -> dict[str, list[str]]:
        seen = {}
        for path in [*_public_surfaces(ws.slug, "Zéphyrine"),
                     *(_public_surfaces(ws.slug, "clavecins")[5:7])]:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            text = response.text  # a search page repeats its query: that is not a leak
            for word in ("Zéphyrine", "clavecins"):
                text = text.replace(f"q={word}", "") if "q=" in path else text
                text = re.sub(f'value="{word}"|« {word} »', "", text, flags=re.I)
            seen[path] = [s for s in secrets if s in text]
        archive = client.get(f"/archives/{ws.slug}/donnees.zip")
        assert archive.status_code == 200
        with zipfile.ZipFile(io.BytesIO(archive.content)) as files:
            text = "".join(files.read(n).decode() for n in files.namelist())
        seen["donnees.zip"] = [s for s in secrets if s in text]
        return {path: found for path, found in seen.items() if found}

    own = anne.get(f"/api/v1/events/{slug}").json()
    direct = [own["files"][0]["url"], f"/evenements/{slug}/calendrier.ics",
              f"/evenements/{slug}/programme/{own['programme'][0]['id']}/calendrier.ics",
              f"/evenements/{slug}/donnees.zip", f"/api/v1/events/{slug}"]
    assert [anne.get(p).status_code for p in direct] == [200, 200, 200, 404, 200]
    for client in (visitor, bruno):
        assert [client.get(p).status_code for p in direct] == [404] * 5
    assert shown(visitor) == {}
    assert shown(bruno) == {}
    assert _post(anne, f"/evenements/{slug}/publier").status_code == 303
    now = shown(visitor)
    for path in ("/evenements", "/api/v1/events", "/archives?q=Zéphyrine",
                 "/api/v1/search?q=clavecins", "/territoires/departement/29", "donnees.zip"):
        assert slug in now.get(path, []) or "Zéphyrine" in now.get(path, []), (path, now)
