"""Where to open the next places of digital help in a territory (issue #12).

One implementation behind ``trajectoires plan``, the planning page and its API:
:func:`plan_territory` takes the territory's communes (their reference point,
the one the diagnosis measures distances from, and their legal population),
the existing places of the chosen networks anywhere in France (a place across
the border covers too; they stay open and count) and candidate sites, and
returns a :class:`TerritoryPlan` around the :class:`~trajectoires.analysis.planning.Plan`
of :mod:`trajectoires.analysis.planning`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trajectoires.analysis import planning
from trajectoires.diagnosis import _plan_candidates as candidates_of
from trajectoires.diagnosis._plan_candidates import CANDIDATE_KINDS, CandidateError
from trajectoires.diagnosis.inputs import PLACE_KINDS
from trajectoires.territory import Reference, Unit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["CANDIDATE_KINDS", "MODEL_LABELS", "NETWORKS", "CandidateError", "PlanError",
           "PlanRequest", "TerritoryPlan", "check_request", "plan_for", "plan_territory"]

NETWORKS = PLACE_KINDS
"""Networks whose places stay open and count (``aucun``: plan from scratch)."""

MODEL_LABELS = {
    "mclp": "couverture maximale (le plus d'habitants à moins du rayon d'un lieu)",
    "p-median": "p-médiane (la plus faible distance moyenne des habitants au lieu le plus proche)",
    "set-covering": "couverture totale (le moins de nouveaux lieux pour couvrir la part voulue)",
}


class PlanError(ValueError):
    """A request that cannot be planned (French message).

    ``exit_code``: 2 for bad input, 1 for missing data.
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class PlanRequest:
    """What the user asks: networks kept, new sites, radius, model, candidates, share."""

    networks: tuple[str, ...] = ("france-services",)
    new: int | None = 5
    radius_km: float = 10.0
    model: str = "mclp"
    candidates: str = "communes"
    share: float = 1.0


def check_request(networks: str | list[str] | tuple[str, ...] = "france-services",
                  new: int | None = 5, radius_km: float = 10.0, *, model: str = "mclp",
                  candidates: str = "communes", share: float | None = None) -> PlanRequest:
    """Check a request before any work; raise :class:`PlanError` with a French message.

    Examples
    --------
    >>> check_request("france-services,libraries", 3, 10).networks
    ('france-services', 'libraries')
    >>> check_request("poste", 3, 10)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    trajectoires.diagnosis.planning.PlanError: Réseau inconnu : « poste » (réseaux connus : ...

    """
    names = networks.split(",") if isinstance(networks, str) else list(networks)
    names = [n.strip() for n in names if n.strip()]
    if names in ([], ["aucun"]):
        names = []
    for name in names:
        if name not in NETWORKS:
            raise PlanError(f"Réseau inconnu : « {name} » (réseaux connus : "
                            f"{', '.join(NETWORKS)}, ou aucun).")
    if model not in MODEL_LABELS:
        raise PlanError(f"Modèle inconnu : « {model} » (mclp, p-median ou set-covering).")
    if candidates not in CANDIDATE_KINDS:
        raise PlanError(f"Candidats inconnus : « {candidates} » ({', '.join(CANDIDATE_KINDS)}).")
    if not (radius_km is not None and np.isfinite(radius_km) and 0 < radius_km <= 200):
        raise PlanError(f"Rayon invalide : {radius_km} km (attendu : plus de 0 et au plus "
                        "200 km).")
    if model == "set-covering":
        share = 1.0 if share is None else float(share)
        if not 0 < share <= 1:
            raise PlanError(f"Part à couvrir invalide : {share * 100:g} % (attendu : plus de 0 "
                            "et au plus 100 %).")
        return PlanRequest(tuple(names), None, float(radius_km), model, candidates, share)
    if new is None or new <= 0:
        raise PlanError(f"Nombre de nouveaux lieux invalide : {new} (attendu : 1 ou plus).")
    return PlanRequest(tuple(names), int(new), float(radius_km), model, candidates, 1.0)


@dataclass(frozen=True, eq=False)
class TerritoryPlan:
    """A plan for a territory: the model's result with its sites and communes named."""

    unit: Unit
    request: PlanRequest
    plan: planning.Plan
    sites: pd.DataFrame
    communes: pd.DataFrame
    candidates_count: int
    existing_count: int
    population_vintage: str
    network_vintages: dict[str, str | None]
    notes: list[str] = field(default_factory=list)


def _points(ref: Reference, cache_dir: Path | None) -> pd.DataFrame:
    """Read the reference points of every commune (``diagnosis._access``), cached."""
    from trajectoires.diagnosis._access import _centroids
    from trajectoires.diagnosis.inputs import write_parquet

    path = None if cache_dir is None else Path(cache_dir) / f"points-{ref.folder.name}.parquet"
    if path is not None and path.exists():
        return pd.read_parquet(path)
    points = _centroids(ref).drop(columns="population")
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(points, path)
    return points


def _coordinates(frame: pd.DataFrame) -> np.ndarray:
    """Coordinates of the distances: Lambert-93 x/y, or lon/lat where ``geodesic``."""
    geodesic = frame["geodesic"].to_numpy(bool)
    return np.where(geodesic[:, None], frame[["lon", "lat"]].to_numpy(float),
                    frame[["x", "y"]].to_numpy(float))


def _existing(places: dict[str, pd.DataFrame], networks: tuple[str, ...]) -> pd.DataFrame:
    frames = []
    for kind in networks:
        frame = places[kind]
        frame = frame[frame["lat"].notna() & frame["lon"].notna()]
        geodesic = ~candidates_of.in_metropolitan_box(frame["lon"], frame["lat"])
        frames.append(pd.DataFrame({"lat": frame["lat"].to_numpy(float),
                                    "lon": frame["lon"].to_numpy(float),
                                    "x": frame["x"].to_numpy(float),
                                    "y": frame["y"].to_numpy(float), "geodesic": geodesic}))
    if not frames:
        return pd.DataFrame({"lat": [], "lon": [], "x": [], "y": [], "geodesic": []})
    return pd.concat(frames, ignore_index=True)


def _loading(kind: str) -> str:
    """Return « the command » that loads the places ``kind``, the file's page beside it."""
    from trajectoires.indicators.store import loading_hint

    return loading_hint(kind)


def _candidates(ref: Reference, communes: pd.DataFrame, points: pd.DataFrame, kind: str, *,
                places: dict[str, pd.DataFrame], file: pd.DataFrame | None,
                cache_dir: Path | None) -> pd.DataFrame:
    codes = list(communes.index)
    if kind == "communes":
        return candidates_of.commune_points(ref, points, codes)
    if kind == "mairies":
        return candidates_of.town_halls(communes["departement_code"], cache_dir)
    if kind == "bibliotheques":
        if "libraries" not in places:
            raise PlanError("Les bibliothèques publiques ne sont pas importées : "
                            f"{_loading('libraries')} les ajoute.", exit_code=1)
        return candidates_of.libraries(places["libraries"], codes)
    if file is None:
        raise PlanError("Candidats « fichier » : indiquez le fichier CSV des sites.")
    return file


def _named_sites(ref: Reference, result: planning.Plan, chosen: pd.DataFrame,
                 w: np.ndarray, demand_codes: np.ndarray) -> pd.DataFrame:
    """One row per new site: where, what it covers, how much nearer it brings people."""
    served = np.bincount(np.maximum(result.site_of, 0), weights=w * (result.site_of >= 0),
                         minlength=len(chosen))
    finite = np.isfinite(result.nearest_before_km)
    saved = np.where((result.site_of >= 0) & finite,
                     w * (result.nearest_before_km - result.nearest_after_km), 0.0)
    saved = np.bincount(np.maximum(result.site_of, 0), weights=saved, minlength=len(chosen))
    codes = chosen["code_commune"].astype(str).to_numpy()
    nearest_code = [demand_codes[np.flatnonzero(result.site_of == s)] for s in range(len(chosen))]
    codes = [c or (near[0] if len(near) else "") for c, near in zip(codes, nearest_code,
                                                                    strict=True)]
    names = [ref.get("commune", c).name if c else "" for c in codes]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_saved = np.where(served > 0, saved / np.where(served > 0, served, 1), np.nan)
    return pd.DataFrame({
        "rang": np.arange(1, len(chosen) + 1), "site": chosen["label"].to_numpy(),
        "code_commune": codes, "commune": names,
        "lat": chosen["lat"].to_numpy(float).round(6),
        "lon": chosen["lon"].to_numpy(float).round(6),
        "habitants_nouvellement_couverts": result.newly_covered.round().astype(int),
        "habitants_rapproches": served.round().astype(int),
        "km_gagnes_par_habitant": np.round(mean_saved, 2),
        "habitants_km_gagnes": saved.round(),
    })


def _solve(w: np.ndarray, layout: planning.Layout, request: PlanRequest, candidates: int,
           time_limit: float) -> planning.Plan:
    """Run the requested model; the library's refusal of an unreachable share in French."""
    try:
        if request.model == "mclp":
            return planning.maximal_coverage(w, layout, request.new, request.radius_km,
                                             time_limit=time_limit)
        if request.model == "p-median":
            return planning.p_median(w, layout, request.new, radius_km=request.radius_km,
                                     time_limit=time_limit)
        return planning.set_covering(w, layout, request.radius_km, share=request.share,
                                     time_limit=time_limit)
    except ValueError as exc:
        if "cannot be within reach" in str(exc):
            raise PlanError(f"Même en ouvrant les {candidates} sites candidats, "
                            f"{request.share:.0%} des habitants ne peuvent pas être à moins de "
                            f"{request.radius_km:g} km d'un lieu : baissez la part, "
                            "agrandissez le rayon ou ajoutez des candidats.") from None
        raise


def _commune_table(ref: Reference, result: planning.Plan, known: pd.DataFrame,
                   points: pd.DataFrame, *, sites: pd.DataFrame, radius_km: float) -> pd.DataFrame:
    """One row per commune: distances and coverage before and after, its new nearest site."""
    codes = known.index.to_numpy()
    site_names = np.r_[sites["site"].to_numpy(object), [""]]
    table = pd.DataFrame({
        "code_commune": codes, "commune": known["name"].to_numpy(),
        "population": known["population"].to_numpy(float).round().astype(np.int64),
        "km_avant": np.round(np.where(np.isfinite(result.nearest_before_km),
                                      result.nearest_before_km, np.nan), 2),
        "km_apres": np.round(np.where(np.isfinite(result.nearest_after_km),
                                      result.nearest_after_km, np.nan), 2),
        "couverte_avant": result.nearest_before_km <= radius_km,
        "couverte_apres": result.covered,
        "nouveau_lieu_le_plus_proche": site_names[np.where(result.site_of >= 0,
                                                           result.site_of, -1)],
    })
    table["nouvellement_couverte"] = table["couverte_apres"] & ~table["couverte_avant"]
    located = candidates_of.commune_points(ref, points, list(codes)).set_index("code_commune")
    table["lat"] = located["lat"].reindex(codes).round(6).to_numpy()
    table["lon"] = located["lon"].reindex(codes).round(6).to_numpy()
    return table


def plan_territory(ref: Reference, unit: Unit, places: dict[str, pd.DataFrame],
                   request: PlanRequest, *, candidate_file: pd.DataFrame | None = None,
                   cache_dir: Path | None = None, network_vintages: dict | None = None,
                   time_limit: float = 60.0) -> TerritoryPlan:
    """Plan the new sites of ``request`` for the communes of ``unit``.

    ``places``: the located places of each network (``Inputs.places``);
    ``candidate_file``: the candidates read by
    :func:`~trajectoires.diagnosis._plan_candidates.read_candidate_file` when
    ``request.candidates`` is ``"fichier"``. Raises :class:`PlanError`.
    """
    for kind in request.networks:
        if kind not in places:
            raise PlanError(f"Le réseau « {kind} » ({NETWORKS[kind]}) n'est pas importé : "
                            f"{_loading(kind)} l'ajoute.", 1)
    communes = ref.communes_of(unit)
    points = _points(ref, cache_dir)
    known = communes[communes["population"].notna() & communes.index.isin(points.index)]
    if len(known) == 0 or float(known["population"].sum()) <= 0:
        raise PlanError(f"{unit.name} ({unit.code}) n'a aucune population connue "
                        f"({ref.population_vintage}) : rien à couvrir.")
    demand = points.loc[known.index].assign(geodesic=lambda f: ~f["metropolitan"])
    w = known["population"].to_numpy(float)
    chosen_from = _candidates(ref, communes, points, request.candidates, places=places,
                              file=candidate_file, cache_dir=cache_dir).reset_index(drop=True)
    existing = _existing(places, request.networks)
    new = request.new
    if new is not None and new > len(chosen_from):
        raise PlanError(f"{new} nouveaux lieux demandés, mais seulement {len(chosen_from)} "
                        f"sites candidats ({request.candidates}) dans {unit.name}.")
    layout = planning.Layout.mixed(
        _coordinates(demand), _coordinates(chosen_from), _coordinates(existing),
        demand_geodesic=demand["geodesic"].to_numpy(bool),
        candidates_geodesic=chosen_from["geodesic"].to_numpy(bool),
        existing_geodesic=existing["geodesic"].to_numpy(bool))
    result = _solve(w, layout, request, len(chosen_from), time_limit)
    chosen = chosen_from.iloc[result.sites].reset_index(drop=True)
    codes = known.index.to_numpy()
    sites = _named_sites(ref, result, chosen, w, codes)
    table = _commune_table(ref, result, known, points, sites=sites, radius_km=request.radius_km)
    notes = []
    if request.new is not None and len(sites) < request.new:
        notes.append(f"{len(sites)} nouveaux lieux suffisent : ils mettent à portée tous les "
                     "habitants qu'un site candidat peut atteindre ; d'autres n'ajouteraient "
                     "personne.")
    if len(known) < len(communes):
        left_out = len(communes) - len(known)
        notes.append(f"{left_out} commune{'s' * (left_out > 1)} sans population connue ou sans "
                     f"contour ne compte{'nt' * (left_out > 1)} pas.")
    return TerritoryPlan(unit, request, result, sites, table, len(chosen_from), len(existing),
                         ref.population_vintage,
                         {k: (network_vintages or {}).get(k) for k in request.networks}, notes)


def plan_for(session: Session, ref: Reference, unit: Unit, request: PlanRequest, *,
             cache_dir: Path | None = None, candidate_file: pd.DataFrame | None = None,
             time_limit: float = 60.0) -> TerritoryPlan:
    """Read the places and the current legal populations from the store, then plan."""
    from trajectoires.diagnosis.compute import _with_current_populations
    from trajectoires.diagnosis.inputs import load_inputs

    inputs = load_inputs(session, cache_dir)
    ref, unit = _with_current_populations(session, ref, unit, cache_dir)
    vintages = {}
    for record in inputs.datasets.to_dict("records"):
        if record["kind"] in NETWORKS:
            vintages[record["kind"]] = record.get("period")
    return plan_territory(ref, unit, inputs.places, request, candidate_file=candidate_file,
                          cache_dir=cache_dir, network_vintages=vintages, time_limit=time_limit)
