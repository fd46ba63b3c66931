"""The data brief of an event's territory, on the real official files (skips without them).

Key indicators with their source and vintage, access to mediation, the fragility map as
on the diagnosis page; and, on a workspace where nothing is loaded, a brief that says so.
"""

from __future__ import annotations

import re

import pytest

from tests.foresight import factories as f
from trajectoires.foresight.events import EventInput, create_event

pytestmark = pytest.mark.db

EPCI = "242900645"  # an EPCI of the Finistère (a few dozen communes: a quick diagnosis)


def _event_page(client, territory) -> str:
    db = client.app.state.db
    owner = f.facilitator(db, f"orga-{territory.code}@example.org")
    with f.session(db) as s:
        event = create_event(s, owner.id, territory, EventInput(
            "Journée du territoire", "2027-03-14T09:00", "2027-03-14T17:00"))
    response = client.get(f"/evenements/{event.slug}")
    assert response.status_code == 200
    return response.text


def test_brief_with_the_official_data(client) -> None:
    unit = client.app.state.territory_reference.get("epci", EPCI)
    html = _event_page(client, unit)
    brief = html.split('id="brief-titre"')[1]
    assert unit.name in brief.split("</h2>")[0]
    assert re.search(r'id="brief-population".*?Source : INSEE', brief, re.S)
    index = re.search(r'id="brief-indice".*?<strong class="brief-value">([\d,]+)</strong>.*?'
                      r"Millésime : ([^<]+)\.</span>", brief, re.S)
    assert index and 1 <= float(index.group(1).replace(",", ".")) <= 10
    assert re.search(r"\d{4}", index.group(2))  # each criterion's vintage
    assert 'id="brief-acces-mediation-places"' in brief or 'id="brief-acces-france-services"' \
        in brief
    assert 'id="brief-share_65_plus"' in brief  # a criterion of the index, with its source
    assert 'aria-labelledby="carte-fragilite-titre' in brief  # the map of the diagnosis pages
    assert "<figcaption>" in brief
    assert f'href="/territoires/epci/{EPCI}/diagnostic"' in brief


def test_brief_says_when_no_data_is_loaded(empty_client) -> None:
    html = _event_page(empty_client, f.FINISTERE)
    assert 'id="brief-sans-donnees"' in html and "Aucune donnée n'est chargée" in html
