"""How a user calls ``trajectoires`` from their shell, for the commands we print.

``make install`` puts the tool in ``.venv/bin``, which is not on the PATH: a page or a
message saying "trajectoires data list" gave a command that fails as typed. Printed
commands start with :func:`tool_command` instead: plain ``trajectoires`` when that name
reaches this installation, else the script's path (relative to the current folder when
it lies inside it, as ``.venv/bin/trajectoires`` after ``make install``).
"""

from __future__ import annotations

import os
import shutil
import sys
from functools import cache
from pathlib import Path

__all__ = ["tool_command"]

NAME = "trajectoires"


@cache
def tool_command() -> str:
    """Return the command that runs this installation of the tool from the current folder.

    Examples
    --------
    >>> tool_command().endswith("trajectoires")
    True

    """
    script = Path(sys.executable).parent / NAME
    if not script.exists():
        return NAME
    found = shutil.which(NAME)
    if found is not None and Path(found).resolve() == script.resolve():
        return NAME
    try:
        relative = script.absolute().relative_to(Path.cwd())
    except ValueError:
        return str(script.absolute())
    return f".{os.sep}{relative}" if relative.parent == Path() else str(relative)
