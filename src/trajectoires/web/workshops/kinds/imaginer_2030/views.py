"""What the Imaginer 2030 views show, read from the workshop: wall, timeline, targets, ranking.

:func:`board` reads the workshop's visible contributions and the ranking once and
returns an :class:`ImaginerBoard`; the sections of the pages, the live fragments,
the timeline image and its JSON are all built from it.

Examples
--------
>>> month_label("2030-10"), month_label(None)
('octobre 2030', '')

"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from trajectoires.foresight.contributions import ContributionView, list_contributions
from trajectoires.foresight.kinds import get_kind
from trajectoires.foresight.kinds._imaginer_checks import french_month, french_number
from trajectoires.foresight.kinds.manifest import month_date
from trajectoires.foresight.priorities import my_points, ranking
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.indicators.catalogue import INDICATORS

__all__ = ["ImaginerBoard", "board", "month_label", "timeline_image", "timeline_json"]

KEY = "imaginer-2030"
VIEWS = ("wall", "timeline", "targets", "ranking")
NOT_AVAILABLE = "non disponible"


def month_label(month: str | None) -> str:
    """Write a ``YYYY-MM`` month in French, or nothing."""
    return french_month(month) if month else ""


def _choice(type_key: str, name: str, value: str | None) -> str:
    if not value:
        return ""
    return get_kind(KEY).contribution_type(type_key).field(name).choice_label(value)


@dataclass(frozen=True)
class ImaginerBoard:
    """The content of an Imaginer 2030 workshop, as its views show it."""

    workshop: WorkshopView
    horizon: str
    today: date
    headlines: list[dict[str, Any]] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)
    factors: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    ranking: list[dict[str, Any]] = field(default_factory=list)
    my_points: dict[int, int] = field(default_factory=dict)
    budget: int = 10
    viewer_id: int | None = None

    @property
    def horizon_label(self) -> str:
        """The horizon in French (« octobre 2030 »)."""
        return month_label(self.horizon)

    @property
    def points_left(self) -> int:
        """Points the viewing participant may still spread."""
        return self.budget - sum(self.my_points.values())


def _headline(view: ContributionView) -> dict[str, Any]:
    return {"id": view.id, "title": view.text, "story": view.payload.get("story") or "",
            "date": view.payload.get("date"), "date_label": month_label(view.payload.get("date")),
            "author": view.author, "table_id": view.table_id, "on_paper": view.on_paper}


def _factor(view: ContributionView) -> dict[str, Any]:
    role, pestle = view.payload.get("role"), view.payload.get("pestle")
    return {"id": view.id, "title": view.text, "role": role,
            "role_label": _choice("factor", "role", role), "pestle": pestle,
            "pestle_label": _choice("factor", "pestle", pestle),
            "milestones": list(view.payload.get("milestones") or []), "author": view.author}


def _milestone(view: ContributionView, titles: dict[int, str],
               factors: list[dict[str, Any]]) -> dict[str, Any]:
    payload = view.payload
    linked = [f for f in factors if view.id in f["milestones"]]
    return {"id": view.id, "title": view.text, "description": payload.get("description") or "",
            "date": payload.get("date"), "date_label": month_label(payload.get("date")),
            "category": payload.get("category"),
            "category_label": _choice("milestone", "category", payload.get("category")),
            "leads_to": [{"id": i, "title": titles[i]} for i in payload.get("leads_to") or []
                         if i in titles],
            "precedes": list(payload.get("precedes") or []), "factors": linked,
            "author": view.author}


def _target(view: ContributionView) -> dict[str, Any]:
    payload = view.payload
    indicator = INDICATORS.get(payload.get("indicator") or "")
    unit = indicator.unit if indicator is not None else ""
    baseline = payload.get("baseline_value")
    return {
        "id": view.id, "title": view.text, "indicator": payload.get("indicator"),
        "label": indicator.label if indicator is not None else payload.get("indicator"),
        "unit": unit,
        "baseline": None if baseline is None else f"{french_number(baseline)} {unit}".strip(),
        "baseline_period": payload.get("baseline_period"),
        "baseline_source": payload.get("baseline_source"),
        "target": f"{french_number(payload['target_value'])} {unit}".strip(),
        "date_label": month_label(payload.get("target_date")),
        "why": payload.get("why") or "", "author": view.author,
    }


def _ranked(session: Session, workshop: WorkshopView) -> list[dict[str, Any]]:
    kind = get_kind(KEY)
    labels = {t.key: t.label for t in kind.contribution_types}
    rows = ranking(session, workshop.id)
    return [{"rank": index, "id": r.contribution_id, "type": r.type,
             "type_label": labels.get(r.type, r.type), "text": r.text, "points": r.points,
             "voters": r.voters} for index, r in enumerate(rows, start=1)]


def board(session: Session, workshop: WorkshopView, participant_id: int | None = None,
          today: date | None = None) -> ImaginerBoard:
    """Read what the views of ``workshop`` show (visible contributions only).

    ``participant_id`` adds the viewer's own points (and their pending contributions).
    """
    views = list_contributions(session, workshop.id, viewer_id=participant_id)
    by_type: dict[str, list[ContributionView]] = {}
    for view in views:
        by_type.setdefault(view.type, []).append(view)
    headlines = [_headline(v) for v in by_type.get("headline", [])]
    titles = {h["id"]: h["title"] for h in headlines}
    factors = [_factor(v) for v in by_type.get("factor", [])]
    milestones = [_milestone(v, titles, factors) for v in by_type.get("milestone", [])]
    milestones.sort(key=lambda m: (m["date"] or "", m["id"]), reverse=True)
    return ImaginerBoard(
        workshop=workshop, horizon=str(workshop.setting("horizon")),
        today=today or date.today(), headlines=headlines, milestones=milestones,
        factors=factors, targets=[_target(v) for v in by_type.get("target", [])],
        ranking=_ranked(session, workshop),
        my_points=my_points(session, participant_id) if participant_id else {},
        budget=int(workshop.setting("points") or 10), viewer_id=participant_id,
    )


def _drawing_dates(data: ImaginerBoard) -> tuple[date, date]:
    """Return today and the horizon for the drawing (today kept before the horizon)."""
    horizon = month_date(data.horizon)
    return min(data.today, horizon - timedelta(days=31)), horizon


def timeline_image(data: ImaginerBoard, svg_id: str = "frise") -> str:
    """Draw the timeline of ``data``: headlines at the horizon, milestones back to today."""
    from trajectoires.render.timeline import TimelineHeadline, TimelineMilestone, timeline_svg

    today, horizon = _drawing_dates(data)
    headlines = [TimelineHeadline(h["id"], h["title"], month_date(h["date"] or data.horizon))
                 for h in data.headlines]
    milestones = [
        TimelineMilestone(m["id"], m["title"], month_date(m["date"]), m["category"] or None,
                          tuple(h["id"] for h in m["leads_to"]),
                          tuple(dict.fromkeys(f["pestle_label"] for f in m["factors"])))
        for m in data.milestones
    ]
    title = f"Chemin à rebours jusqu'à {data.horizon_label}"
    return timeline_svg(headlines, milestones, today=today, horizon=horizon, title=title,
                        svg_id=svg_id)


def timeline_json(data: ImaginerBoard) -> dict[str, Any]:
    """Return the timeline of ``data`` as plain data (the JSON of the API)."""
    return {
        "horizon": data.horizon, "today": data.today.isoformat(),
        "headlines": [{k: h[k] for k in ("id", "title", "story", "date")} for h in data.headlines],
        "milestones": [
            {"id": m["id"], "title": m["title"], "description": m["description"],
             "date": m["date"], "category": m["category"],
             "leads_to": [h["id"] for h in m["leads_to"]], "precedes": m["precedes"],
             "factors": [f["id"] for f in m["factors"]]}
            for m in data.milestones
        ],
        "factors": [{k: f[k] for k in ("id", "title", "role", "pestle", "milestones")}
                    for f in data.factors],
    }
