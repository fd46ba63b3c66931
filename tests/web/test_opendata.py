"""Open data on the web: the ZIP at a stable address, the read API, nothing unpublished."""

from __future__ import annotations

import io
import zipfile

import pytest
from fastapi.testclient import TestClient

from trajectoires.foresight import facilitators
from trajectoires.foresight.demo import ensure_demo_workshops
from trajectoires.foresight.events.programme import link_workshop
from trajectoires.foresight.events.service import EventInput, create_event
from trajectoires.foresight.publication import publish_workshop
from trajectoires.foresight.workshops import set_phase

pytestmark = pytest.mark.db


class FINISTERE:  # a territory unit as the reference gives it
    kind, code, name = "departement", "29", "Finistère"


def test_published_workshops_only(app, database) -> None:
    with database.sessionmaker() as s:
        owner = facilitators.create_facilitator(s, "anne@example.org", "Anne",
                                                "mot-de-passe-solide")
    with database.sessionmaker() as s:
        shown, hidden, _ = ensure_demo_workshops(s, owner.id, FINISTERE)
    with database.sessionmaker() as s:
        set_phase(s, owner.id, shown.slug, "closed")
    with database.sessionmaker() as s:
        publish_workshop(s, owner.id, shown.slug, "odbl")
    with database.sessionmaker() as s:
        day = create_event(s, owner.id, FINISTERE, EventInput(
            "Journée 2030", "2027-03-14T09:00", "2027-03-14T17:00"))
    with database.sessionmaker() as s:
        link_workshop(s, owner.id, day.slug, hidden.slug)
    client = TestClient(app)
    page = client.get(f"/archives/{shown.slug}").text
    assert f'href="/archives/{shown.slug}/donnees.zip"' in page
    response = client.get(f"/archives/{shown.slug}/donnees.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        assert "ODbL" in z.read("LICENCE.md").decode()
        assert b"anne@example.org" not in b"".join(z.read(n) for n in z.namelist())
    listed = client.get("/api/v1/archives").json()
    assert [w["slug"] for w in listed] == [shown.slug]
    data = client.get(f"/api/v1/archives/{shown.slug}/data").json()
    assert data["licence"] == "odbl" and data["tables"]["contributions"]
    for path in (f"/archives/{hidden.slug}/donnees.zip", f"/api/v1/archives/{hidden.slug}/data",
                 "/evenements/nulle-part/donnees.zip"):
        missing = client.get(path)
        assert missing.status_code == 404 and "introuvable" in missing.text, path
    event = client.get(f"/evenements/{day.slug}/donnees.zip")
    with zipfile.ZipFile(io.BytesIO(event.content)) as z:
        assert z.read("csv/events.csv").decode().startswith("slug,")
        assert "csv/contributions.csv" not in z.namelist()  # its workshop is not published
        assert z.read("csv/event_items.csv").decode().splitlines()[1].endswith(",")
