"""Example workshops for the demo: one of each kind that declares demo content.

Each kind's manifest may name a ``demo`` builder, called as
``demo(session, facilitator_id, territory)`` and returning the
:class:`~trajectoires.foresight.workshops.WorkshopView` it created with
``example=True``: pages and exports say that its content is an example. An example
is created once per kind; running the demo again leaves them alone. One more example, a
debate closed and published (:func:`ensure_demo_archive`), fills the public archive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight.contributions import Author, post_contribution
from trajectoires.foresight.kinds import CLOSED, kinds
from trajectoires.foresight.models import Workshop
from trajectoires.foresight.participation import join_workshop
from trajectoires.foresight.voting import vote
from trajectoires.foresight.workshops import (
    TerritoryLike,
    WorkshopView,
    create_workshop,
    set_phase,
    view,
)

if TYPE_CHECKING:
    from trajectoires.territory import Reference

__all__ = ["build_debate_example", "ensure_demo_archive", "ensure_demo_workshops"]

DEMO_ARCHIVE_TITLE = "Exemple — débat clos et publié : l'aide au numérique en 2030"

_DEBATE_STATEMENTS = (
    ("Exemple — Camille", "Un lieu de médiation numérique ouvert le samedi dans chaque canton."),
    ("Exemple — Yann", "Former les secrétaires de mairie à accompagner les démarches en ligne."),
    ("Exemple — Nolwenn", "Garder un guichet humain pour chaque démarche dématérialisée."),
    ("Exemple — Malo", "La fibre d'abord dans les communes les plus éloignées des services."),
)
_DEBATE_VOTES = ((1, 0, 1), (1, 1, -1), (1, -1, 1), (-1, 1, 0))


def ensure_demo_workshops(
    session: Session, facilitator_id: int, territory: TerritoryLike
) -> list[WorkshopView]:
    """Create the example workshop of every kind that has none yet; return all examples."""
    examples = []
    for kind in kinds():
        if kind.demo is None:
            continue
        with session.begin():
            row = session.scalar(
                select(Workshop).where(Workshop.kind == kind.key, Workshop.example.is_(True),
                                       Workshop.published_at.is_(None))
                .order_by(Workshop.id).limit(1)
            )
            existing = view(row) if row is not None else None
        examples.append(existing or kind.demo(session, facilitator_id, territory))
    return examples


def ensure_demo_archive(
    session: Session, facilitator_id: int, territory: TerritoryLike,
    reference: Reference | None = None,
) -> WorkshopView:
    """Return the example published workshop, made once: a debate closed and published.

    Without it a newcomer's archive (``/archives``) is empty until they run a workshop to
    its end: this one shows a public archive page, its compte rendu and its open data.
    """
    from trajectoires.foresight.publication import publish_workshop  # (import cycle)

    with session.begin():
        row = session.scalar(
            select(Workshop).where(Workshop.example.is_(True), Workshop.published_at.is_not(None))
            .order_by(Workshop.id).limit(1)
        )
        if row is not None:
            return view(row)
    workshop = build_debate_example(session, facilitator_id, territory, title=DEMO_ARCHIVE_TITLE)
    set_phase(session, facilitator_id, workshop.slug, CLOSED.key)
    return publish_workshop(session, facilitator_id, workshop.slug, reference=reference).workshop


def build_debate_example(
    session: Session, facilitator_id: int, territory: TerritoryLike,
    title: str = "Exemple — débat : l'inclusion numérique en 2030",
) -> WorkshopView:
    """Create an open debate with a few statements and votes by example participants."""
    workshop = create_workshop(
        session, facilitator_id, territory, title,
        "Que faut-il faire d'ici 2030 pour que chacun trouve de l'aide avec le numérique ?",
        kind="debate", example=True,
    )
    workshop = set_phase(session, facilitator_id, workshop.slug, "open")
    people = [join_workshop(session, workshop.join_code, name).participant
              for name, _text in _DEBATE_STATEMENTS]
    statements = []
    for person, (_name, text) in zip(people, _DEBATE_STATEMENTS, strict=True):
        author = Author(participant_id=person.id, workshop_id=workshop.id)
        statements.append(post_contribution(session, workshop.id, author, "statement",
                                            {"text": text}))
    for person, values in zip(people, _DEBATE_VOTES, strict=True):
        others = [s for s in statements if s.participant_id != person.id]
        for statement, value in zip(others, values, strict=True):
            vote(session, person, statement.id, value)
    return workshop


