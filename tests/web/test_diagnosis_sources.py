"""The diagnosis web page: every block of figures has its source line, as in the report (#10)."""

from __future__ import annotations

import re

import pytest

from tests.diagnosis.test_report_sources import BLOCKS, EXEMPT_SECTIONS, tree

pytestmark = pytest.mark.db


def test_every_number_on_the_diagnosis_page_has_a_source_line(client):
    response = client.get("/territoires/departement/29/diagnostic")
    assert response.status_code == 200
    root = tree(response.text)
    [main] = [n for n in root.walk() if n.tag == "main"]
    ids = {n.attrs["id"] for n in main.walk() if n.attrs.get("class") == "ligne-source"}
    assert len(ids) >= 12
    unsourced, checked = [], 0
    exempt = {*EXEMPT_SECTIONS, "telechargements-titre"}  # the files to download
    for container in [main, *(n for n in main.walk() if n.tag in {"section", "div"}
                              and n.attrs.get("class") != "table-scroll"
                              and n.attrs.get("aria-labelledby") not in exempt)]:
        blocks = container.elements()
        for position, element in enumerate(blocks):
            # a table in its scrolling box counts as the table
            block = (element.elements()[0] if element.attrs.get("class") == "table-scroll"
                     else element)
            if block.tag not in BLOCKS or block.attrs.get("class") == "ligne-source":
                continue
            if block.tag == "div" or block.walk().__next__().tag == "form":
                continue
            if not re.search(r"\d", block.all_text(skip=("code", "form", "select", "option"))):
                continue
            checked += 1
            following = blocks[position + 1] if position + 1 < len(blocks) else None
            if block.attrs.get("data-source") in ids or (
                    following is not None and following.attrs.get("class") == "ligne-source"):
                continue
            unsourced.append(f"<{block.tag} {block.attrs}> {block.all_text()[:100]}")
    assert checked >= 15
    assert unsourced == []


# -- the data brief of an event's page (#9): the same figures, each with its source and vintage --
def _event_page(client, territory) -> str:
    from tests.foresight import factories as f
    from trajectoires.foresight.events import EventInput, create_event

    db = client.app.state.db
    owner = f.facilitator(db, f"orga-{territory.code}@example.org")
    with f.session(db) as s:
        event = create_event(s, owner.id, territory, EventInput(
            "Journée du territoire", "2027-03-14T09:00", "2027-03-14T17:00"))
    response = client.get(f"/evenements/{event.slug}")
    assert response.status_code == 200
    return response.text


def test_event_brief_with_the_official_data(client):
    """Drawn from the diagnosis of the page above (its cache): no second computation."""
    unit = client.app.state.territory_reference.get("departement", "29")
    brief = _event_page(client, unit).split('id="brief-titre"')[1]
    assert "Finistère" in brief.split("</h2>")[0]
    assert re.search(r'id="brief-population".*?Source : INSEE', brief, re.S)
    index = re.search(r'id="brief-indice".*?<strong class="brief-value">([\d,]+)</strong>.*?'
                      r"Millésime : ([^<]+)\.</span>", brief, re.S)
    assert index and 1 <= float(index.group(1).replace(",", ".")) <= 10
    assert re.search(r"\d{4}", index.group(2))  # each criterion's vintage
    assert 'id="brief-share_65_plus"' in brief  # a criterion of the index, with its source
    assert 'id="brief-acces-mediation-places"' in brief  # access to mediation
    assert 'aria-labelledby="carte-fragilite-titre' in brief  # the map of the diagnosis page
    assert 'href="/territoires/departement/29/diagnostic"' in brief


def test_event_brief_says_when_no_data_is_loaded(empty_client):
    from tests.foresight import factories as f

    html = _event_page(empty_client, f.FINISTERE)
    assert 'id="brief-sans-donnees"' in html and "Aucune donnée n'est chargée" in html
