"""A published workshop's page and compte rendu show its kind's drawings (#9): a debate's opinion
groups and consensus, a Construire 2030's roadmap.

The issue asks the compte rendu for « the debate's groups and consensus »: the debate is
voted by two opposite blocs, closed and published, then read by a visitor on a fresh app
(nothing computed before: the archive asks the opinion service itself).
"""

from __future__ import annotations

import html
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.publication import publish_workshop
from trajectoires.foresight.workshops import set_phase

pytestmark = pytest.mark.db


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _closed_published_page(app: FastAPI, database: Database, owner_id: int, slug: str,
                           path: str):  # noqa: ANN202 (an httpx response)
    """Close and publish the workshop ``slug``, then read its archive page at ``path``."""
    with f.session(database) as s:
        set_phase(s, owner_id, slug, "closed")
    with f.session(database) as s:
        publish_workshop(s, owner_id, slug)
    response = TestClient(app).get(f"/archives/{slug}{path}")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("path", ["", "/compte-rendu"])
def test_published_debate_shows_its_groups_and_consensus(app: FastAPI, database: Database,
                                                         path: str) -> None:
    owner = f.facilitator(database)
    debate = f.debate_with_blocs(database, per_bloc=8, n_statements=8, owner=owner)
    response = _closed_published_page(app, database, owner.id, debate.workshop.slug, path)
    section = response.text.split('id="production-opinions"')[1].split("</section>\n</section>")[0]
    text = _text(section)
    assert "Groupes d'opinion et consensus" in text
    assert "opinions-waiting" not in section and re.search(r"Groupe \w+ \d", text), text[:400]
    assert 'id="consensus-title"' in section
    for name in ("Autrice", "Bloc0-0", "Bloc1-0"):
        assert name not in _text(response.text)  # counts, never names


class _Finistere:  # a territory unit as the reference gives it
    kind, code, name = "departement", "29", "Finistère"


@pytest.mark.parametrize("path", ["", "/compte-rendu"])
def test_published_construire_2030_draws_its_roadmap(app: FastAPI, database: Database,
                                                     path: str) -> None:
    """The example Construire 2030, closed and published: its roadmap drawn, actions named."""
    from trajectoires.foresight.demo import ensure_demo_workshops

    owner = f.facilitator(database)
    with f.session(database) as s:
        by_kind = {w.kind: w for w in ensure_demo_workshops(s, owner.id, _Finistere)}
    slug = by_kind["construire-2030"].slug
    response = _closed_published_page(app, database, owner.id, slug, path)
    section = response.text.split('id="production-roadmap"')[1].split("</section>")[0]
    desc = re.search(r'<desc id="feuille-de-route-archive-desc">([^<]+)</desc>', section)
    assert desc is not None, section[:400]
    assert re.search(r"\b[1-9]\d* actions?\b", desc.group(1)), desc.group(1)
    assert "</svg>" in section
    assert "Feuille de route de « " in html.unescape(response.text)
