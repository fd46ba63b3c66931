"""``GET /api/v1/workshop-kinds``: every kind of workshop, as its manifest declares it.

Phases (what each accepts and shows, the question put to participants), contribution
types with their typed fields, the kind's settings and exports: what a client needs
to build its forms. The store validates payloads against the same declarations.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from trajectoires.foresight.kinds import ContributionType, WorkshopKind, kinds
from trajectoires.foresight.kinds import Field as KindField

__all__ = ["KindOut", "kind_out", "router"]

router = APIRouter(prefix="/api/v1", tags=["types d'ateliers"])


class ChoiceOut(BaseModel):
    """A value a choice field accepts, and its French label."""

    value: str = Field(examples=["technologique"])
    label: str = Field(examples=["Technologique"])


class FieldOut(BaseModel):
    """A typed field of a contribution's payload."""

    name: str = Field(description="Nom de la clé dans le ``payload``", examples=["title"])
    label: str = Field(description="Libellé en français", examples=["Titre"])
    kind: str = Field(description="text, longtext, integer, number, month (AAAA-MM), choice, "
                                  "choices, ref (id d'une contribution) ou refs (liste d'ids)")
    required: bool
    max_length: int | None = Field(description="Longueur maximale (textes seulement)")
    choices: list[ChoiceOut] = Field(description="Valeurs permises (choice, choices)")
    ref_types: list[str] = Field(description="Types des contributions que ref / refs "
                                             "peuvent désigner (vide : tous)")
    minimum: float | None = None
    maximum: float | None = None
    computed: bool = Field(description="Calculé par le serveur, jamais envoyé par le client")
    help: str = Field(description="Aide affichée sous le champ")


class ContributionTypeOut(BaseModel):
    """A type of contribution of a kind, with its fields."""

    key: str = Field(examples=["headline"])
    label: str = Field(examples=["Titre du futur"])
    plural: str
    title_field: str = Field(description="Champ repris comme texte de la contribution")
    fields: list[FieldOut]
    votable: bool = Field(description="Se vote pour / contre / passe")
    prioritizable: bool = Field(description="Reçoit des points (phase avec points)")
    posted_by: list[str] = Field(description="Qui peut la publier : participant, facilitator")


class PhaseOut(BaseModel):
    """A phase of a kind: what participants may do during it and what pages show."""

    key: str = Field(examples=["vision"])
    label: str = Field(examples=["Vision"])
    prompt: str = Field(description="La question posée aux participants pendant la phase")
    accepts_participants: bool
    contribution_types: list[str] = Field(description="Types que les participants publient")
    votes: bool = Field(description="Votes pour / contre / passe ouverts")
    points: bool = Field(description="Répartition de points ouverte")
    shows: list[str] = Field(description="Vues affichées (wall, timeline, targets, ranking, "
                                         "roadmap, statements, opinions…)")


class ExportOut(BaseModel):
    """A download a kind offers, at ``/ateliers/{slug}/export/{path}``."""

    key: str
    label: str
    path: str = Field(examples=["polis.zip"])
    media_type: str


class KindOut(BaseModel):
    """A kind of workshop, as its manifest declares it."""

    key: str = Field(examples=["imaginer-2030"])
    label: str = Field(examples=["Imaginer 2030"])
    description: str
    phases: list[PhaseOut] = Field(description="Dans l'ordre, de draft à closed")
    contribution_types: list[ContributionTypeOut]
    settings: dict[str, Any] = Field(description="Réglages de l'atelier et leurs valeurs par "
                                                 "défaut (modifiables par PATCH settings)")
    exports: list[ExportOut]


def _field_out(spec: KindField) -> FieldOut:
    text = spec.kind in ("text", "longtext")
    return FieldOut(
        name=spec.name, label=spec.label, kind=spec.kind, required=spec.required,
        max_length=spec.max_length if text else None,
        choices=[ChoiceOut(value=v, label=label) for v, label in spec.choices],
        ref_types=list(spec.ref_types), minimum=spec.minimum, maximum=spec.maximum,
        computed=spec.computed, help=spec.help,
    )


def _type_out(ctype: ContributionType) -> ContributionTypeOut:
    return ContributionTypeOut(
        key=ctype.key, label=ctype.label, plural=ctype.plural or ctype.label,
        title_field=ctype.title_field, fields=[_field_out(f) for f in ctype.fields],
        votable=ctype.votable, prioritizable=ctype.prioritizable,
        posted_by=list(ctype.posted_by),
    )


def kind_out(kind: WorkshopKind) -> KindOut:
    """Return the public description of ``kind``."""
    return KindOut(
        key=kind.key, label=kind.label, description=kind.description,
        phases=[PhaseOut(key=p.key, label=p.label, prompt=p.prompt,
                         accepts_participants=p.accepts_participants,
                         contribution_types=list(p.contribution_types), votes=p.votes,
                         points=p.points, shows=list(p.shows)) for p in kind.phases],
        contribution_types=[_type_out(t) for t in kind.contribution_types],
        settings=dict(kind.settings),
        exports=[ExportOut(key=e.key, label=e.label, path=e.path, media_type=e.media_type)
                 for e in kind.exports],
    )


@router.get("/workshop-kinds", response_model=list[KindOut])
def read_kinds() -> list[KindOut]:
    """Kinds of workshop: phases, contribution types and their fields, settings, exports."""
    return [kind_out(kind) for kind in kinds()]
