"""The demo creates one example workshop of each kind that declares demo content, once."""

from __future__ import annotations

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.contributions import list_contributions
from trajectoires.foresight.demo import ensure_demo_archive, ensure_demo_workshops
from trajectoires.foresight.kinds import kinds


def test_one_example_per_kind_created_once(database: Database) -> None:
    owner = f.facilitator(database)
    with f.session(database) as s:
        first = ensure_demo_workshops(s, owner.id, f.FINISTERE)
        again = ensure_demo_workshops(s, owner.id, f.FINISTERE)
    expected = [k.key for k in kinds() if k.demo is not None]
    assert [w.kind for w in first] == expected and "debate" in expected
    assert [w.id for w in again] == [w.id for w in first]
    assert all(w.example for w in first)
    with f.session(database) as s:
        for workshop in first:
            assert list_contributions(s, workshop.id), f"{workshop.kind} example is empty"


def test_example_construire_2030_has_a_plan_to_project(database: Database) -> None:
    from trajectoires.foresight.kinds._construire_effects import build_plan
    from trajectoires.pathways import read_plan

    owner = f.facilitator(database)
    with f.session(database) as s:
        example = next(w for w in ensure_demo_workshops(s, owner.id, f.FINISTERE)
                       if w.kind == "construire-2030")
        plan = build_plan(s, example)
    effects = [e for action in plan["actions"] for e in action["effects"]]
    assert {e["type"] for e in effects} == {"reach", "open-place", "indicator"}
    assert all(e["assumption"].startswith("Exemple") for e in effects)
    assert [t["indicator"] for t in plan["targets"]] == ["ftth_taux"]  # from its Imaginer 2030
    assert len(read_plan(plan).actions) == len(plan["actions"])


def test_the_demo_archive_holds_one_published_example_made_once(database: Database) -> None:
    from trajectoires.foresight.search import search_documents

    owner = f.facilitator(database)
    with f.session(database) as s:
        examples = ensure_demo_workshops(s, owner.id, f.FINISTERE)
        published = ensure_demo_archive(s, owner.id, f.FINISTERE)
        again = ensure_demo_archive(s, owner.id, f.FINISTERE)
        examples_again = ensure_demo_workshops(s, owner.id, f.FINISTERE)
        with s.begin():
            found = search_documents(s, "clos et publié")
    assert again.id == published.id and published.example
    assert published.status == "closed" and published.published_at is not None
    assert published.title.startswith("Exemple")
    assert [w.id for w in examples_again] == [w.id for w in examples]  # the open debate stays
    assert next(w for w in examples if w.kind == "debate").status == "open"
    assert [hit.url for hit in found.hits] == [f"/archives/{published.slug}"]
    with f.session(database) as s:
        assert list_contributions(s, published.id)
