"""The command line speaks French: its own texts, and Click's and Typer's (help, errors)."""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LANGUAGE": "en", "LANG": "C.UTF-8", "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-c", "from trajectoires.cli import main; main()",
                           *args], check=False, capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.mark.parametrize("args", [["--help"], ["data", "list", "--help"],
                                  ["debate", "--help"]])
def test_help_is_french_whatever_the_locale(args: list[str]) -> None:
    done = _run(*args)
    assert done.returncode == 0, done.stderr
    assert "Afficher cette aide et quitter." in done.stdout
    assert "Show this message" not in done.stdout and "completion" not in done.stdout
    if args == ["--help"]:
        assert "Commandes" in done.stdout


def test_usage_error_is_framed_in_french() -> None:
    done = _run("territory", "show")
    assert done.returncode == 2
    assert "Erreur" in done.stderr and "Essayez « trajectoires territory show --help »" in (
        " ".join(done.stderr.split()))
    assert "Traceback" not in done.stderr


def test_compiled_catalogue_matches_its_source() -> None:
    pytest.importorskip("babel", reason="Babel (dev dependency) compiles the catalogue")
    spec = importlib.util.spec_from_file_location("compile_messages",
                                                  ROOT / "scripts" / "compile_messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from babel.messages.mofile import read_mo

    def entries(data: bytes) -> dict:
        def plain(text: str | list | tuple) -> str | tuple:
            return text if isinstance(text, str) else tuple(text)

        return {plain(m.id): plain(m.string) for m in read_mo(io.BytesIO(data)) if m.id}

    mo = ROOT / "src" / "trajectoires" / "locale" / "fr" / "LC_MESSAGES" / "messages.mo"
    assert entries(mo.read_bytes()) == entries(module.compiled()), (
        "messages.po changed: run .venv/bin/python scripts/compile_messages.py")


def test_busy_port_is_one_french_line_exit_2(tmp_path: Path) -> None:
    """uvicorn announced the address, then failed in English with exit code 3."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "TRAJECTOIRES_WORKSPACE": str(tmp_path)}
        done = subprocess.run(
            [sys.executable, "-c", "from trajectoires.cli import main; main()", "serve",
             "--port", str(port)], check=False, capture_output=True, text=True, env=env,
            timeout=120)
    assert done.returncode == 2, done.stderr
    message = " ".join(done.stderr.split())
    assert f"impossible d'écouter sur http://127.0.0.1:{port}" in message
    assert "déjà utilisé" in message and "Traceback" not in done.stderr
    assert done.stdout == ""  # nothing announced


@pytest.mark.parametrize(("args", "french"), [
    (["data", "import"], "Argument manquant : 'type'."),
    (["data", "list", "--workspac", "x"], "Option inconnue : --workspac (options possibles : "
                                          "--workspace)"),
    (["serve", "--port", "abc"], "Valeur invalide pour '--port' : un nombre entier est attendu"),
    (["serve", "--port"], "L'option « --port » attend une valeur."),
    (["territory", "show", "29", "en-trop"], "Argument(s) en trop : en-trop"),
])
def test_click_usage_errors_are_french(args: list[str], french: str) -> None:
    done = _run(*args)
    text = " ".join(done.stderr.replace("│", " ").split())
    assert done.returncode == 2, done.stderr
    assert french in text, text
    assert "Erreur" in text and ("Utilisation : trajectoires " in text or "Essayez" not in text)
    for english in ("Usage:", "Missing", "No such option", "Invalid value", "requires",
                    "unexpected", "Input should"):
        assert english not in text, text


def _commands(command: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in getattr(command, "commands", {}).items():
        found += _commands(sub, (*path, name))
    return found


_ENGLISH = ("COMMAND [", "[ARGS]", "<str>", "<int", "<float", "<path>", "<file>", "<dir>", "<bool>",
            "range", "<=", ">=", "required", "default:", "Show this message", "{query}",
            "{email}", "{directory}", "{kind}", "{file}", "{name}", "{slug}")


def test_every_help_has_french_usage_and_metavariables(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    """Usage lines showed « COMMAND [ARGS]... », « {query} », « <int range> [1<=x<=64] »."""
    import typer

    from trajectoires import cli

    monkeypatch.setenv("LANGUAGE", "fr")
    monkeypatch.setenv("COLUMNS", "200")
    cli.use_french_messages()
    command = cli.french_help(typer.main.get_command(cli.app))
    paths = _commands(command)
    assert len(paths) > 20
    for path in paths:
        with pytest.raises(SystemExit):
            command.main([*path, "--help"], prog_name="trajectoires")
        text = capsys.readouterr().out
        assert "Utilisation : trajectoires" in text, path
        left = [word for word in _ENGLISH if word in text]
        assert not left, (path, left, text)
    arguments = [param for path in paths for param in _params(command, path)
                 if param.param_type_name == "argument"]
    assert arguments and all(param.metavar for param in arguments), [
        param.name for param in arguments if not param.metavar]


def _params(command: object, path: tuple[str, ...]) -> list:
    for name in path:
        command = command.commands[name]
    return list(command.params)


def test_rich_labels_french_even_when_typer_was_imported_in_english(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``typer.rich_utils`` translates its labels once, at import: a process that imported
    it before French was asked showed « [default: 1] » (a clean-clone test run, by order)."""
    import typer.rich_utils

    from trajectoires import cli

    monkeypatch.setattr(typer.rich_utils, "DEFAULT_STRING", "[default: {}]")
    monkeypatch.setattr(typer.rich_utils, "REQUIRED_LONG_STRING", "[required]")
    cli.use_french_messages()
    assert typer.rich_utils.DEFAULT_STRING == "[par défaut : {}]"
    assert "required" not in typer.rich_utils.REQUIRED_LONG_STRING
