"""The web-kind registry: discovery, its checks, and what a kind adds to the shared pages."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.kinds import kinds
from trajectoires.foresight.workshops import create_workshop
from trajectoires.web.workshops import kinds as web_kinds
from trajectoires.web.workshops.kinds import KindPage, KindWeb, discover, page_context


def test_discovery_finds_the_debate() -> None:
    found = {kind.key: kind for kind in discover()}
    debate = found["debate"]
    assert debate.router is not None and debate.service is not None
    assert debate.participant.sections == ("kinds/debate/_opinions.html",)
    assert debate.projection.sections == ("kinds/debate/_opinions.html",)
    assert set(found) <= {kind.key for kind in kinds()}  # each one has a foresight manifest


@pytest.fixture
def extra_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write a module into the package's search path; remove it afterwards."""
    monkeypatch.setattr(web_kinds, "__path__", [*web_kinds.__path__, str(tmp_path)])

    def write(name: str, source: str) -> None:
        (tmp_path / f"{name}.py").write_text(source, encoding="utf-8")
        monkeypatch.delitem(sys.modules, f"{web_kinds.__name__}.{name}", raising=False)

    return write


def test_a_module_without_web_kind_is_refused(extra_module) -> None:
    extra_module("zz_broken", "ROUTER = None\n")
    with pytest.raises(TypeError, match="zz_broken must define WEB_KIND"):
        discover()


def test_a_web_kind_needs_a_foresight_manifest(extra_module) -> None:
    source = ("from trajectoires.web.workshops.kinds import KindWeb\n"
              "WEB_KIND = KindWeb(key='inconnu')\n")
    extra_module("zz_unknown", source)
    with pytest.raises(ValueError, match="no foresight manifest for 'inconnu'"):
        discover()


def test_a_private_module_is_skipped(extra_module) -> None:
    extra_module("_helpers", "VALUE = 1\n")
    assert "debate" in {kind.key for kind in discover()}


def _request(web: dict[str, KindWeb]) -> SimpleNamespace:
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(web_kinds=web)))


def test_page_context_merges_the_kind_context_and_names_its_sections() -> None:
    seen = []

    def context(request, workshop, participant):  # noqa: ANN001, ANN202
        seen.append((workshop.kind, participant))
        return {"essai_titre": f"Atelier {workshop.slug}"}

    page = KindPage(context=context, sections=("kinds/essai/_section.html",))
    web = KindWeb(key="essai", participant=page, projection=KindPage(sections=("p.html",)))
    workshop = SimpleNamespace(kind="essai", slug="s-1")
    request = _request({"essai": web})
    assert page_context(request, "participant", workshop, "moi") == {
        "essai_titre": "Atelier s-1", "kind_sections": ("kinds/essai/_section.html",)}
    assert seen == [("essai", "moi")]
    assert page_context(request, "projection", workshop) == {"kind_sections": ("p.html",)}
    assert page_context(request, "facilitator", workshop) == {"kind_sections": ()}
    other = SimpleNamespace(kind="sans-module-web", slug="s-2")
    assert page_context(request, "participant", other) == {"kind_sections": ()}


def test_debate_routes_serve_debates_only(app: FastAPI, database: Database) -> None:
    others = [kind.key for kind in kinds() if kind.key != "debate"]
    if not others:
        pytest.skip("only the debate is registered: no workshop of another kind to refuse")
    owner = f.facilitator(database)
    with f.session(database) as s:
        other = create_workshop(s, owner.id, f.FINISTERE, "Autre", "Question ?", kind=others[0])
        s.commit()
    client = TestClient(app)
    assert f.login(client).status_code == 303
    opinions = client.get(f"/api/v1/workshops/{other.slug}/opinions")
    assert (opinions.status_code, opinions.json()) == (404, {"detail": "Atelier introuvable."})
    export = client.get(f"/ateliers/{other.slug}/export/polis.zip")
    assert export.status_code == 404


def test_the_debate_sections_are_on_its_pages(app: FastAPI, database: Database) -> None:
    workshop = f.workshop(database)
    client = TestClient(app)
    assert f.login(client).status_code == 303
    facilitation = client.get(f"/ateliers/{workshop.slug}/animer").text
    assert '<section id="opinions"' in facilitation and 'id="export-polis"' in facilitation
    participant = TestClient(app).get(f"/ateliers/{workshop.slug}").text
    assert '<section id="opinions"' in participant and 'id="export-polis"' not in participant
    projection = client.get(f"/ateliers/{workshop.slug}/projection").text
    assert 'id="opinions"' in projection and 'id="export-polis"' not in projection
