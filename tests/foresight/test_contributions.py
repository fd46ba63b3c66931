"""The generic contribution store, moderation, session state and dot voting, on a test kind."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight import kinds as registry
from trajectoires.foresight.contributions import (
    Author,
    edit_contribution,
    list_contributions,
    post_contribution,
)
from trajectoires.foresight.errors import (
    ConflictError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
)
from trajectoires.foresight.facilitation import (
    choose_table,
    create_tables,
    seat_participant,
    set_locked,
    set_timer,
    update_settings,
)
from trajectoires.foresight.kinds import (
    CLOSED,
    DRAFT,
    ContributionType,
    Field,
    Phase,
    WorkshopKind,
)
from trajectoires.foresight.moderation import merge_contributions, set_visibility
from trajectoires.foresight.priorities import allocate_points, my_points, ranking
from trajectoires.foresight.workshops import create_workshop, set_phase

IDEA = ContributionType(
    "idea", "Idée",
    (Field("title", "Titre", required=True, max_length=40),
     Field("size", "Taille", "integer", minimum=0, maximum=10),
     Field("when", "Quand", "month"),
     Field("colour", "Couleur", "choice", choices=(("r", "rouge"), ("v", "vert")))),
    title_field="title", plural="idées", prioritizable=True,
)
LINK = ContributionType(
    "link", "Lien",
    (Field("title", "Titre", required=True), Field("ideas", "Idées", "refs", ref_types=("idea",))),
    title_field="title", plural="liens",
)
NOTE = ContributionType(
    "note", "Note", (Field("title", "Titre", required=True),), title_field="title",
    posted_by=("facilitator",),
)
TEST_KIND = WorkshopKind(
    key="test-kind", label="Essai", description="Un type d'atelier pour les tests.",
    phases=(DRAFT, Phase("one", "Un", contribution_types=("idea", "link")),
            Phase("vote", "Points", points=True), CLOSED),
    contribution_types=(IDEA, LINK, NOTE),
    settings={"points": 5, "premoderation": False},
)


@pytest.fixture
def kind() -> Iterator[WorkshopKind]:
    registry.register(TEST_KIND)
    yield TEST_KIND
    registry._REGISTRY.pop(TEST_KIND.key, None)


@pytest.fixture
def ws(database: Database, kind: WorkshopKind):
    owner = f.facilitator(database)
    with f.session(database) as s:
        created = create_workshop(s, owner.id, f.FINISTERE, "Essai", "Question ?", kind=kind.key)
        return set_phase(s, owner.id, created.slug, "one")


def _as(joined) -> Author:
    return Author(participant_id=joined.participant.id, workshop_id=joined.participant.workshop_id)


def _post(db, ws, who, type_key="idea", **payload):
    with f.session(db) as s:
        return post_contribution(s, ws.id, who, type_key, payload)


def _count(db, ws) -> int:
    with f.session(db) as s:
        return len(list_contributions(s, ws.id, include_hidden=True))


def test_payload_is_cleaned_and_stored(database: Database, ws) -> None:
    alice = _as(f.join(database, ws, "Alice"))
    idea = _post(database, ws, alice, title="  Un   lieu ", size="3", when="2029-04", colour="v")
    assert (idea.text, idea.payload) == ("Un lieu", {"title": "Un lieu", "size": 3,
                                                      "when": "2029-04", "colour": "v"})
    assert idea.author == "Alice" and idea.status == "visible"


@pytest.mark.parametrize(("payload", "message"), [
    ({"title": ""}, "« Titre » est vide."),
    ({"title": "x" * 41}, "« Titre » dépasse 40 caractères (41 reçus)."),
    ({"title": "a", "size": "11"}, "« Taille » doit valoir au plus 10"),
    ({"title": "a", "size": "deux"}, "« Taille » : « deux » n'est pas un nombre."),
    ({"title": "a", "when": "2030-13"}, "n'est pas un mois"),
    ({"title": "a", "colour": "bleu"}, "n'est pas un choix possible (rouge, vert)"),
    ({"title": "a", "other": 1}, "Champs inconnus pour ce type de contribution : other."),
])
def test_bad_payloads_are_refused_whole(database: Database, ws, payload, message) -> None:
    alice = _as(f.join(database, ws, "Alice"))
    with pytest.raises(InvalidInputError) as error:
        _post(database, ws, alice, **payload)
    assert message in error.value.message
    assert _count(database, ws) == 0


def test_references_must_point_at_this_workshop_and_type(database: Database, ws) -> None:
    alice = _as(f.join(database, ws, "Alice"))
    idea = _post(database, ws, alice, title="Idée")
    link = _post(database, ws, alice, "link", title="Lien", ideas=[idea.id])
    assert link.payload["ideas"] == [idea.id]
    with pytest.raises(InvalidInputError, match="n'est pas du type attendu"):
        _post(database, ws, alice, "link", title="Lien", ideas=[link.id])
    with pytest.raises(InvalidInputError, match="n'existe pas dans cet atelier"):
        _post(database, ws, alice, "link", title="Lien", ideas=[99999])


def test_phase_lock_and_permissions(database: Database, ws) -> None:
    alice = _as(f.join(database, ws, "Alice"))
    owner = Author(facilitator_id=ws.facilitator_id)
    with pytest.raises(NotAllowedError, match="Seule l'animation"):
        _post(database, ws, alice, "note", title="Note")
    assert _post(database, ws, owner, "note", title="Note").author == "Animation"
    with f.session(database) as s:
        set_locked(s, ws.facilitator_id, ws.id, locked=True)
    with pytest.raises(ConflictError, match="verrouillé"):
        _post(database, ws, alice, title="Bloquée")
    _post(database, ws, owner, title="L'animation passe")  # the facilitator bypasses the lock
    with f.session(database) as s:
        set_locked(s, ws.facilitator_id, ws.id, locked=False)
        set_phase(s, ws.facilitator_id, ws.slug, "vote")
    with pytest.raises(ConflictError, match="n'accepte pas de contribution « Idée »"):
        _post(database, ws, alice, title="Trop tard")
    other = f.facilitator(database, "autre@example.org")
    with pytest.raises(NotAllowedError):
        _post(database, ws, Author(facilitator_id=other.id), title="Intrus")


def test_edit_by_author_or_facilitator_only(database: Database, ws) -> None:
    alice, bob = _as(f.join(database, ws, "Alice")), _as(f.join(database, ws, "Bob"))
    idea = _post(database, ws, alice, title="Avant", size=2)
    with f.session(database) as s:
        edited = edit_contribution(s, idea.id, alice, {"title": "Après"})
        assert (edited.text, edited.payload["size"]) == ("Après", 2)
        with pytest.raises(NotAllowedError):
            edit_contribution(s, idea.id, bob, {"title": "Volé"})
        done = edit_contribution(s, idea.id, Author(facilitator_id=ws.facilitator_id),
                                 {"size": 4})
        assert done.payload == {"title": "Après", "size": 4, "when": None, "colour": None}


def test_hide_with_reason_restore_and_merge(database: Database, ws) -> None:
    alice, bob = _as(f.join(database, ws, "Alice")), _as(f.join(database, ws, "Bob"))
    keep = _post(database, ws, alice, title="Tiers-lieu")
    twin = _post(database, ws, bob, title="Un tiers-lieu")
    link = _post(database, ws, bob, "link", title="Lien", ideas=[twin.id])
    with f.session(database) as s:
        hidden = set_visibility(s, ws.facilitator_id, keep.id, hidden=True, reason="hors sujet")
        assert (hidden.status, hidden.reason) == ("hidden", "hors sujet")
        assert [c.id for c in list_contributions(s, ws.id)] == [twin.id, link.id]
        set_visibility(s, ws.facilitator_id, keep.id, hidden=False)
        kept, merged = merge_contributions(s, ws.facilitator_id, keep.id, [twin.id])
        assert merged == [twin.id]
        views = {c.id: c for c in list_contributions(s, ws.id, include_hidden=True)}
        assert views[twin.id].status == "merged" and views[twin.id].merged_into_id == keep.id
        assert views[link.id].payload["ideas"] == [keep.id]
        with pytest.raises(InvalidInputError):
            merge_contributions(s, ws.facilitator_id, keep.id, [link.id])
        with pytest.raises(NotAllowedError):
            set_visibility(s, ws.facilitator_id + 1000, keep.id, hidden=True)
        with pytest.raises(NotFoundError):
            set_visibility(s, ws.facilitator_id, 424242, hidden=True)


def test_premoderation_keeps_contributions_pending(database: Database, ws) -> None:
    with f.session(database) as s:
        update_settings(s, ws.facilitator_id, ws.id, {"premoderation": True})
    alice, bob = _as(f.join(database, ws, "Alice")), _as(f.join(database, ws, "Bob"))
    idea = _post(database, ws, alice, title="À valider")
    assert idea.status == "pending"
    with f.session(database) as s:
        assert [c.id for c in list_contributions(s, ws.id, viewer_id=alice.participant_id)] == [
            idea.id]
        assert list_contributions(s, ws.id, viewer_id=bob.participant_id) == []
        set_visibility(s, ws.facilitator_id, idea.id, hidden=False)
        assert len(list_contributions(s, ws.id, viewer_id=bob.participant_id)) == 1
        with pytest.raises(InvalidInputError, match="Réglages inconnus"):
            update_settings(s, ws.facilitator_id, ws.id, {"couleur": "rouge"})


def test_tables_seat_participants_and_contributions(database: Database, ws) -> None:
    joined = f.join(database, ws, "Alice")
    alice = _as(joined)
    with f.session(database) as s:
        state = create_tables(s, ws.facilitator_id, ws.id, ["Table 1", "table 1", "Table 2"])
        assert [t.name for t in state.tables] == ["Table 1", "Table 2"]
        first, second = state.tables
        state = choose_table(s, ws.id, joined.participant.id, first.id)
        assert state.tables[0].participants == 1
    idea = _post(database, ws, alice, title="À la table 1")
    assert idea.table_id == first.id
    with f.session(database) as s, pytest.raises(NotAllowedError, match="votre table"):
        post_contribution(s, ws.id, alice, "idea", {"title": "Ailleurs"}, table_id=second.id)
    with f.session(database) as s:
        seat_participant(s, ws.facilitator_id, ws.id, joined.participant.id, second.id)
        paper = post_contribution(s, ws.id, Author(facilitator_id=ws.facilitator_id), "idea",
                                  {"title": "Sur papier"}, table_id=first.id, on_paper=True)
        assert (paper.on_paper, paper.table_id, paper.participant_id) == (True, first.id, None)
        with pytest.raises(NotAllowedError, match="papier"):
            post_contribution(s, ws.id, alice, "idea", {"title": "x"}, on_paper=True)


def test_timer(database: Database, ws) -> None:
    with f.session(database) as s:
        state = set_timer(s, ws.facilitator_id, ws.id, 5, "Vision")
        assert 290 <= state.remaining_seconds() <= 300 and state.timer_label == "Vision"
        assert set_timer(s, ws.facilitator_id, ws.id, None).timer_ends_at is None
        with pytest.raises(InvalidInputError, match="0 à 180 minutes"):
            set_timer(s, ws.facilitator_id, ws.id, 500)


def test_points_stay_within_the_budget(database: Database, ws) -> None:
    joined = f.join(database, ws, "Alice")
    alice = _as(joined)
    a = _post(database, ws, alice, title="A")
    b = _post(database, ws, alice, title="B")
    me = joined.participant.id
    with f.session(database) as s:
        with pytest.raises(ConflictError, match="ne recueille pas de points"):
            allocate_points(s, ws.id, me, a.id, 1)
        set_phase(s, ws.facilitator_id, ws.slug, "vote")
        assert allocate_points(s, ws.id, me, a.id, 3).left == 2
        with pytest.raises(InvalidInputError, match="il vous en reste 2"):
            allocate_points(s, ws.id, me, b.id, 3)
        allocate_points(s, ws.id, me, b.id, 2)
        allocate_points(s, ws.id, me, a.id, 0)
        assert my_points(s, me) == {b.id: 2}
        assert [(r.contribution_id, r.points) for r in ranking(s, ws.id)] == [(b.id, 2)]
        with pytest.raises(InvalidInputError, match="invalide"):
            allocate_points(s, ws.id, me, b.id, -1)


def test_merge_moves_points(database: Database, ws) -> None:
    joined = f.join(database, ws, "Alice")
    a = _post(database, ws, _as(joined), title="A")
    b = _post(database, ws, _as(joined), title="A bis")
    with f.session(database) as s:
        set_phase(s, ws.facilitator_id, ws.slug, "vote")
        allocate_points(s, ws.id, joined.participant.id, a.id, 2)
        allocate_points(s, ws.id, joined.participant.id, b.id, 3)
        merge_contributions(s, ws.facilitator_id, a.id, [b.id])
        assert my_points(s, joined.participant.id) == {a.id: 5}


def test_kinds_are_discovered() -> None:
    keys = [k.key for k in registry.kinds()]
    assert "debate" in keys
    with pytest.raises(InvalidInputError, match="Type d'atelier inconnu"):
        registry.get_kind("nope")
