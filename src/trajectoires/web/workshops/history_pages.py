"""The history of a contribution's versions: a page and the JSON API.

Who may read it: whoever may read the contribution (the same rule as
``GET /api/v1/workshops/{slug}/contributions/{id}``): everybody for a visible or
merged one of a workshop they may see, the facilitator for a hidden one, its author
too while it waits under pre-moderation. Authors are display names only (pseudonym,
« Animation », « Participant·e anonyme »), never ids.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from trajectoires.foresight.contributions import ContributionView
from trajectoires.foresight.errors import NotFoundError
from trajectoires.foresight.history import Change, VersionView, contribution_history
from trajectoires.foresight.kinds import WorkshopKind
from trajectoires.foresight.models import MERGED
from trajectoires.foresight.publication import archive_url, is_published
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.workshops.contexts import render
from trajectoires.web.workshops.contributions_api import (
    ContributionId,
    _may_see,
    _of_workshop,
    _viewer,
)
from trajectoires.web.workshops.deps import DbSession, FacilitatorId
from trajectoires.web.workshops.generic import board

__all__ = ["ChangeOut", "VersionOut", "api_router", "router"]

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/workshops", tags=["contributions"])

ACTIONS = {
    "created": "Création", "edited": "Modification", "hidden": "Masquée par l'animation",
    "shown": "Rendue visible par l'animation", "merged": "Fusionnée dans une autre",
    "absorbed": "Doublons fusionnés dans celle-ci",
    "repointed": "Lien déplacé par une fusion", "copied": "Copiée d'un autre atelier",
    "effect_added": "Effet chiffré ajouté", "effect_changed": "Effet chiffré modifié",
    "effect_removed": "Effet chiffré retiré",
}
STATUSES = {"visible": "visible", "hidden": "masquée", "pending": "en attente de validation",
            "merged": "fusionnée"}
COLUMNS = {"text": "Texte", "status": "Statut", "reason": "Raison du masquage",
           "merged_into_id": "Fusionnée dans"}


class ChangeOut(BaseModel):
    """One field that changed (a payload field's name, or text, status, reason…)."""

    field: str
    before: Any = None
    after: Any = None


class VersionOut(BaseModel):
    """One version of a contribution: its state after one change, and what changed."""

    number: int
    action: str = Field(description="created, edited, hidden, shown, merged, absorbed, "
                                    "repointed, copied, effect_added, effect_changed ou "
                                    "effect_removed")
    author: str = Field(description="Pseudonyme, « Animation » ou « Participant·e anonyme »")
    at: datetime
    text: str
    payload: dict[str, Any]
    status: str
    reason: str | None
    merged_into_id: int | None
    detail: dict[str, Any]
    changes: list[ChangeOut]


def _version_out(version: VersionView) -> VersionOut:
    return VersionOut(
        number=version.number, action=version.action, author=version.author, at=version.at,
        text=version.text, payload=version.payload, status=version.status,
        reason=version.reason, merged_into_id=version.merged_into_id, detail=version.detail,
        changes=[ChangeOut(field=c.field, before=c.before, after=c.after)
                 for c in version.changes])


def _readable(request: Request, session: DbSession, slug: str, contribution_id: int,
              facilitator: int | None) -> tuple[WorkshopView, ContributionView, bool]:
    workshop, who = _viewer(request, session, slug, facilitator)
    view = _of_workshop(session, workshop, contribution_id)
    if not (_may_see(view, who) or view.status == MERGED):
        raise NotFoundError("contribution_not_found")
    return workshop, view, who is not None and who.is_owner


@api_router.get("/{slug}/contributions/{contribution_id}/versions",
                response_model=list[VersionOut])
def read_versions(slug: str, contribution_id: ContributionId, request: Request,
                  session: DbSession, facilitator: FacilitatorId) -> list[VersionOut]:
    """Versions of a contribution, oldest first: who changed what, and when."""
    _readable(request, session, slug, contribution_id, facilitator)
    return [_version_out(v) for v in contribution_history(session, contribution_id)]


def _labels(kind: WorkshopKind, type_key: str) -> dict[str, str]:
    ctype = kind.contribution_type(type_key)
    return {**COLUMNS, **{spec.name: spec.label for spec in ctype.fields}}


def _shown(b: Any, kind: WorkshopKind, type_key: str, name: str, value: Any) -> str:  # noqa: ANN401
    if value in (None, "", []):
        return "—"
    if name == "status":
        return STATUSES.get(str(value), str(value))
    if name == "merged_into_id":
        return f"« {b.title(value)} »"
    specs = {s.name: s for s in kind.contribution_type(type_key).fields}
    if name in specs:
        return b.shown_value(specs[name], value)
    return str(value)


def describe_effect(effect: dict[str, Any]) -> str:
    """One quantified effect of an action, in French, as the history shows it.

    >>> describe_effect({"key": 1, "type": "open-place", "network": "france-services",
    ...                  "commune": "29016", "year": 2028})
    'Ouvrir un lieu — Réseau : France Services ; Commune : 29016 ; Année : 2028'
    """
    from trajectoires.foresight.kinds._construire_effects import EFFECT_LABELS, FIELD_LABELS
    from trajectoires.pathways import NETWORKS

    order = [n for n in FIELD_LABELS if n not in ("type", "year", "assumption")]
    order += ["year", "assumption", *sorted(n for n in effect if n not in FIELD_LABELS)]
    parts = []  # a fixed order: PostgreSQL's JSONB does not keep the stored one
    for name in order:
        value = effect.get(name)
        if name == "key" or value in (None, "", []):
            continue
        shown = (", ".join(map(str, value)) if isinstance(value, list)
                 else NETWORKS.get(value, value) if name == "network" else value)
        parts.append(f"{FIELD_LABELS.get(name, name)} : {shown}")
    kind = EFFECT_LABELS.get(str(effect.get("type")), str(effect.get("type")))
    return f"{kind} — {' ; '.join(parts)}"


def _by_effect(version: VersionView) -> VersionView:
    """Show a change of an action's effects as one change per effect added, changed, removed."""
    shown: list[Change] = []
    for change in version.changes:
        if change.field != "effects":
            shown.append(change)
            continue
        before = {e.get("key"): e for e in change.before or [] if isinstance(e, dict)}
        after = {e.get("key"): e for e in change.after or [] if isinstance(e, dict)}
        for key in [*before, *(k for k in after if k not in before)]:
            if before.get(key) != after.get(key):
                shown.append(Change(f"Effet n° {key}",
                                    describe_effect(before[key]) if key in before else None,
                                    describe_effect(after[key]) if key in after else None))
    return replace(version, changes=tuple(shown))


@router.get("/ateliers/{slug}/contributions/{contribution_id}/historique")
def history_page(request: Request, slug: str, contribution_id: ContributionId,
                 session: DbSession, facilitator: FacilitatorId) -> Response:
    """Show the versions of a contribution (French, one list, readable on a phone)."""
    workshop, view, owner = _readable(request, session, slug, contribution_id, facilitator)
    versions = [_by_effect(v) for v in contribution_history(session, contribution_id)]
    b = board(session, workshop, facilitator=owner)
    kind = workshop.manifest
    back = (archive_url(slug) if is_published(workshop) and not owner
            else f"/ateliers/{slug}#contribution-{view.id}")
    return render(request, "workshops/history.html", {
        "workshop": workshop, "contribution": view, "versions": versions,
        "type_label": kind.contribution_type(view.type).label, "labels": _labels(kind, view.type),
        "actions": ACTIONS, "statuses": STATUSES, "back": back,
        "shown": lambda name, value: _shown(b, kind, view.type, name, value),
    })
