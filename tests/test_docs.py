"""Docs must not drift: every setting and CLI command is documented."""

import subprocess
import sys
from pathlib import Path

import typer.main

from trajectoires.cli import app
from trajectoires.settings import SETTINGS

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _command_paths(command, prefix=()):
    sub = getattr(command, "commands", None)
    if not sub:
        yield " ".join(prefix)
        return
    for name, child in sub.items():
        yield from _command_paths(child, (*prefix, name))


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text()
    for setting in SETTINGS:
        assert f"`{setting.env}`" in text, setting.env
        assert f"`{setting.name}`" in text, setting.name


def test_every_cli_command_is_documented() -> None:
    text = (DOCS / "cli.md").read_text()
    paths = list(_command_paths(typer.main.get_command(app)))
    assert {"serve", "demo"} <= set(paths)
    for path in paths:
        assert f"trajectoires {path}" in text, f"'trajectoires {path}' missing from docs/cli.md"


def test_library_imports_stay_light() -> None:
    code = (
        "import sys, trajectoires.territory, trajectoires.render, trajectoires.settings\n"
        "heavy = [m for m in ('fastapi', 'sqlalchemy', 'matplotlib', 'starlette', 'django') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
