"""Factories of the foresight tests: facilitators, workshops, participants (one place)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from trajectoires.db import Database
from trajectoires.foresight import facilitators, participation, workshops


@dataclass(frozen=True)
class Unit:
    """A territory unit as the territory reference returns it (kind, code, name)."""

    kind: str
    code: str
    name: str


FINISTERE = Unit("departement", "29", "Finistère")
PASSWORD = "mot-de-passe-solide"


def session(db: Database) -> Session:
    return db.sessionmaker()


def facilitator(db: Database, email: str = "anne@example.org") -> facilitators.FacilitatorView:
    with session(db) as s:
        return facilitators.create_facilitator(s, email, "Anne Animatrice", PASSWORD)


def workshop(
    db: Database, owner: facilitators.FacilitatorView | None = None, status: str = "open"
) -> workshops.WorkshopView:
    owner = owner or facilitator(db)
    with session(db) as s:
        created = workshops.create_workshop(
            s, owner.id, FINISTERE, "Le numérique en 2030", "Que voulons-nous pour 2030 ?"
        )
        if status != created.status:
            created = workshops.set_phase(s, owner.id, created.slug, status)
        return created


def join(db: Database, ws: workshops.WorkshopView, pseudonym: str) -> participation.Joined:
    with session(db) as s:
        return participation.join_workshop(s, ws.join_code, pseudonym)


def post(db: Database, who: participation.ParticipantView, text: str):
    with session(db) as s:
        return participation.post_statement(s, who, text)
