"""Construire 2030: actors and their speakers, actions, commitments, dependencies, start_from."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.errors import (
    ConflictError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
)
from trajectoires.foresight.facilitation import set_locked, update_settings
from trajectoires.foresight.kinds import get_kind
from trajectoires.foresight.kinds._construire_roadmap import roadmap
from trajectoires.foresight.kinds._construire_service import set_speaker, start_from
from trajectoires.foresight.kinds.construire_2030 import KEY, clean_settings
from trajectoires.foresight.models import Contribution, Participant
from trajectoires.foresight.moderation import set_visibility
from trajectoires.foresight.workshops import set_phase
from trajectoires.indicators.catalogue import INDICATORS


def months_ahead(months: int) -> str:
    """Return the month ``months`` after the current one (``YYYY-MM``)."""
    today = date.today()
    index = today.year * 12 + today.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


ACTION = {"start": "2026-01", "end": "2027-06", "instrument": "preuve-de-concept"}


@pytest.fixture
def owner(database: Database):
    return f.facilitator(database)


@pytest.fixture
def ws(database: Database, owner):
    return f.kind_workshop(database, KEY, owner, "acteurs")


def count(db: Database, ws, type_key: str) -> int:
    with f.session(db) as s:
        return s.scalar(select(func.count()).select_from(Contribution).where(
            Contribution.workshop_id == ws.id, Contribution.type == type_key))


def actor_of(db: Database, participant) -> int | None:
    with f.session(db) as s:
        return s.get(Participant, participant.id).actor_id


def phase(db: Database, owner, ws, status: str) -> None:
    with f.session(db) as s:
        set_phase(s, owner.id, ws.slug, status)


def test_settings_are_cleaned_in_french() -> None:
    assert clean_settings({"horizon": "2031-06", "premoderation": "oui"}) == {
        "horizon": "2031-06", "premoderation": True}
    with pytest.raises(InvalidInputError, match="Horizon invalide : « 2030-13 »"):
        clean_settings({"horizon": "2030-13"})
    with pytest.raises(InvalidInputError, match="Atelier de départ invalide"):
        clean_settings({"source_workshop": "pas un slug !"})
    assert [p.key for p in get_kind(KEY).phases][1:-1] == [
        "acteurs", "actions", "engagements", "feuille-de-route"]


def test_posting_an_actor_makes_its_author_speak_for_it(database: Database, ws) -> None:
    anne = f.join(database, ws, "Anne").participant
    first = f.post_as(database, ws, anne, "actor", name="Mairie", actor_type="collectivite",
                         people="3", budget_eur="12 500,5", places=2)
    assert first.payload["budget_eur"] == 12500.5 and first.payload["people"] == 3
    assert actor_of(database, anne) == first.id
    f.post_as(database, ws, anne, "actor", name="Médiathèque", actor_type="association")
    assert actor_of(database, anne) == first.id  # a participant speaks for one actor
    with pytest.raises(InvalidInputError, match="Type d'acteur"):
        f.post_as(database, ws, anne, "actor", name="X", actor_type="ministère")
    with pytest.raises(InvalidInputError, match="au moins 0"):
        f.post_as(database, ws, anne, "actor", name="X", actor_type="etat", people=-1)


@pytest.fixture
def planned(database: Database, owner, ws):
    """Two actors (Anne speaks for the Mairie), two actions, then the « engagements » phase."""
    anne = f.join(database, ws, "Anne").participant
    bruno = f.join(database, ws, "Bruno").participant
    mairie = f.post_as(database, ws, anne, "actor", name="Mairie", actor_type="collectivite")
    campus = f.post_as(database, ws, owner, "actor", name="Campus", actor_type="campus-ecole")
    phase(database, owner, ws, "actions")
    a = f.post_as(database, ws, anne, "action", title="Diagnostic", owner=mairie.id, **ACTION)
    b = f.post_as(database, ws, bruno, "action", title="Tiers-lieu", owner=campus.id,
                     partners=[mairie.id], **ACTION)
    phase(database, owner, ws, "engagements")
    return {"anne": anne, "bruno": bruno, "mairie": mairie.id, "campus": campus.id,
            "a": a.id, "b": b.id}


def test_only_the_speaker_or_the_facilitator_commits_an_actor(database, owner, ws, planned):
    commit = {"action": planned["a"], "what": "Deux agents", "by": "2026-06"}
    with pytest.raises(NotAllowedError, match="parle pour « Mairie »"):
        f.post_as(database, ws, planned["bruno"], "commitment", actor=planned["mairie"],
                     **commit)
    with pytest.raises(NotAllowedError, match="« Campus »"):
        f.post_as(database, ws, planned["anne"], "commitment", actor=planned["campus"],
                     **commit)
    assert count(database, ws, "commitment") == 0
    f.post_as(database, ws, planned["anne"], "commitment", actor=planned["mairie"], **commit)
    f.post_as(database, ws, owner, "commitment", actor=planned["campus"], **commit)
    with f.session(database) as s:
        set_speaker(s, owner.id, ws.id, planned["bruno"].id, planned["campus"])
    f.post_as(database, ws, planned["bruno"], "commitment", actor=planned["campus"], **commit)
    assert count(database, ws, "commitment") == 3
    with pytest.raises(InvalidInputError, match="dépasse l'horizon de l'atelier"):
        f.post_as(database, ws, owner, "commitment", actor=planned["campus"],
                     **{**commit, "by": "2031-01"})


def test_only_the_facilitator_designates_a_speaker(database, owner, ws, planned):
    other = f.facilitator(database, "autre@example.org")
    with f.session(database) as s, pytest.raises(NotAllowedError):
        set_speaker(s, other.id, ws.id, planned["bruno"].id, planned["campus"])
    with f.session(database) as s, pytest.raises(InvalidInputError, match="pas un acteur"):
        set_speaker(s, owner.id, ws.id, planned["bruno"].id, planned["a"])
    with f.session(database) as s, pytest.raises(NotFoundError):
        set_speaker(s, owner.id, ws.id, 99999, planned["campus"])
    with f.session(database) as s:
        assert set_speaker(s, owner.id, ws.id, planned["anne"].id, None).actor_id is None
    assert actor_of(database, planned["anne"]) is None


def test_dependency_cycle_is_refused_with_the_actions_in_order(database, owner, ws, planned):
    phase(database, owner, ws, "actions")
    c = f.post_as(database, ws, owner, "action", title="Portail", owner=planned["mairie"],
                     **ACTION).id
    phase(database, owner, ws, "feuille-de-route")
    anne = planned["anne"]
    first = f.post_as(database, ws, anne, "dependency", before=planned["a"],
                         after=planned["b"])
    assert first.text == "Diagnostic → Tiers-lieu"
    f.post_as(database, ws, anne, "dependency", before=planned["b"], after=c)
    with pytest.raises(InvalidInputError) as error:
        f.post_as(database, ws, anne, "dependency", before=c, after=planned["a"])
    assert "Cycle de dépendances : Portail → Diagnostic → Tiers-lieu → Portail" in str(error.value)
    with pytest.raises(InvalidInputError, match="ne dépend pas d'elle-même"):
        f.post_as(database, ws, anne, "dependency", before=c, after=c)
    with pytest.raises(InvalidInputError, match="existe déjà"):
        f.post_as(database, ws, anne, "dependency", before=planned["a"], after=planned["b"])
    assert count(database, ws, "dependency") == 2


@pytest.mark.parametrize(("changes", "message"), [
    ({"start": "2027-01", "end": "2026-12"}, "La fin \\(2026-12\\) précède le début"),
    ({"end": "2030-11"}, "« Fin » \\(2030-11\\) dépasse l'horizon de l'atelier \\(2030-10\\)"),
    ({"owner": 99999}, "« Porteur » : la contribution n° 99999 n'existe pas"),
    ({"instrument": "loi"}, "Instrument de gouvernance"),
])
def test_bad_actions_are_refused_and_nothing_stored(database, owner, ws, planned, changes,
                                                     message):
    phase(database, owner, ws, "actions")
    payload = {"title": "Action", "owner": planned["mairie"], **ACTION, **changes}
    with pytest.raises(InvalidInputError, match=message):
        f.post_as(database, ws, planned["anne"], "action", **payload)
    assert count(database, ws, "action") == 2


def test_action_refused_in_another_phase_and_when_locked(database, owner, ws, planned):
    payload = {"title": "Hors phase", "owner": planned["mairie"], **ACTION}
    with pytest.raises(ConflictError, match="en ce moment \\(Engagements\\)"):
        f.post_as(database, ws, planned["anne"], "action", **payload)
    phase(database, owner, ws, "actions")
    with f.session(database) as s:
        set_locked(s, owner.id, ws.id, locked=True)
    with pytest.raises(ConflictError, match="verrouillé"):
        f.post_as(database, ws, planned["anne"], "action", **payload)
    f.post_as(database, ws, owner, "action", **payload)  # the facilitator bypasses the lock
    assert count(database, ws, "action") == 3


def test_the_horizon_setting_moves_the_limit(database, owner, ws, planned):
    phase(database, owner, ws, "actions")
    with f.session(database) as s:
        update_settings(s, owner.id, ws.id, {"horizon": "2032-12"})
    f.post_as(database, ws, planned["anne"], "action", title="Plus tard",
                 owner=planned["mairie"], **{**ACTION, "end": "2032-12"})


# -- starting from an Imaginer 2030 ------------------------------------------------------------
def imaginer_with_content(db: Database, owner, territory=f.FINISTERE):
    """An Imaginer 2030 with two headlines (one hidden), two linked milestones, a target."""
    source = f.kind_workshop(db, "imaginer-2030", owner, "vision", territory=territory,
                             horizon=months_ahead(48))
    h1 = f.post_as(db, source, owner, "headline", title="Plus personne seul")
    h2 = f.post_as(db, source, owner, "headline", title="Titre masqué")
    m2 = f.post_as(db, source, owner, "milestone", title="Tiers-lieu ouvert",
                      date=months_ahead(24),
                      leads_to=[h1.id, h2.id], category="culturel")
    m1 = f.post_as(db, source, owner, "milestone", title="Diagnostic fait",
                      date=months_ahead(6),
                      leads_to=[h1.id], precedes=[m2.id])
    indicator = next(iter(INDICATORS))
    target = f.post_as(db, source, owner, "target", indicator=indicator, target_value=95)
    with f.session(db) as s:
        set_visibility(s, owner.id, h2.id, hidden=True, reason="doublon")
    return source, {"h1": h1, "m1": m1, "m2": m2, "target": target}


def test_start_from_copies_visible_contributions_with_links_remapped(database, owner, ws):
    source, old = imaginer_with_content(database, owner)
    with f.session(database) as s:
        outcome = start_from(s, owner.id, ws.id, source.slug)
    assert outcome.counts == {"headline": 1, "milestone": 2, "target": 1}
    new = outcome.copied
    assert set(new) == {old[k].id for k in old}
    with f.session(database) as s:
        rows = {r.id: r for r in s.scalars(select(Contribution).where(
            Contribution.workshop_id == ws.id))}
    m1, m2 = rows[new[old["m1"].id]], rows[new[old["m2"].id]]
    assert m2.payload["leads_to"] == [new[old["h1"].id]]  # the hidden headline is not copied
    assert m1.payload["precedes"] == [m2.id] and m2.payload["category"] == "culturel"
    assert rows[new[old["target"].id]].text == old["target"].text
    assert all(r.participant_id is None and r.status == "visible" for r in rows.values())
    with f.session(database) as s:
        assert f.workshops.get_workshop(s, ws.slug).setting("source_workshop") == source.slug
    with f.session(database) as s, pytest.raises(ConflictError, match="part déjà"):
        start_from(s, owner.id, ws.id, source.slug)


def test_start_from_refuses_another_territory_kind_or_facilitator(database, owner, ws):
    elsewhere, _ = imaginer_with_content(database, owner, territory=f.MORLAIX)
    debate = f.workshop(database, owner)
    with f.session(database) as s, pytest.raises(InvalidInputError,
                                                   match="porte sur Morlaix Communauté"):
        start_from(s, owner.id, ws.id, elsewhere.slug)
    with f.session(database) as s, pytest.raises(InvalidInputError,
                                                   match="n'est pas un atelier Imaginer"):
        start_from(s, owner.id, ws.id, debate.slug)
    with f.session(database) as s, pytest.raises(NotFoundError, match="Aucun atelier"):
        start_from(s, owner.id, ws.id, "inconnu")
    source, _ = imaginer_with_content(database, owner)
    other = f.facilitator(database, "autre@example.org")
    with f.session(database) as s, pytest.raises(NotAllowedError):
        start_from(s, other.id, ws.id, source.slug)
    assert count(database, ws, "headline") == 0


def test_roadmap_reads_actors_means_actions_and_dependencies(database, owner, ws, planned):
    f.post_as(database, ws, planned["anne"], "commitment", actor=planned["mairie"],
                 action=planned["a"], what="Deux agents", by="2026-06")
    phase(database, owner, ws, "feuille-de-route")
    f.post_as(database, ws, planned["bruno"], "dependency", before=planned["a"],
                 after=planned["b"])
    with f.session(database) as s:
        view = roadmap(s, f.workshops.get_workshop(s, ws.slug))
    assert [a.name for a in view.actors] == ["Mairie", "Campus"]
    assert view.actors[0].speakers == ("Anne",)
    assert view.dependencies == ((planned["a"], planned["b"]),)
    assert [c.what for c in view.commitments_of(planned["mairie"])] == ["Deux agents"]
    assert view.end.isoformat() == "2030-10-31"


def test_demo_starts_from_the_imaginer_example(database, owner) -> None:
    from trajectoires.foresight.demo import ensure_demo_workshops

    with f.session(database) as s:
        examples = ensure_demo_workshops(s, owner.id, f.FINISTERE)
    built = next(w for w in examples if w.kind == KEY)
    assert built.example and built.status == "feuille-de-route"
    with f.session(database) as s:
        view = roadmap(s, built)
    assert len(view.actors) == 4 and len(view.dependencies) == 4
    assert view.milestones, "the example starts from the Imaginer 2030 example"
