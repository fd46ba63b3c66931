"""``trajectoires demo``'s startup text, read where stdout is not a terminal."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from trajectoires.cli import app
from trajectoires.commands import server


def test_demo_lines_are_whole_when_not_a_tty(settings, database, territory_reference,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich wrapped at 80 columns: « … (mot de passe public, pour la démo\\nseulement) »."""
    monkeypatch.setattr(server, "_prepare", lambda s: (territory_reference, database))
    monkeypatch.setattr(server, "_run", lambda *args, **kwargs: None)
    monkeypatch.setattr(server, "check_port_free", lambda host, port: None)
    done = CliRunner().invoke(app, ["demo", "--workspace", str(settings.workspace)],
                              env={"COLUMNS": "", "TERM": "dumb"})
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert any(len(line) > 80 for line in lines)  # long lines are there, whole
    [account] = [line for line in lines if line.startswith("Compte animateur")]
    assert account.rstrip().endswith("/ " + account.split(" / ")[-1].strip())
    assert "pour la démo seulement) :" in account and "@" in account
    [try_it] = [line for line in lines if line.startswith("À essayer")]
    assert try_it.endswith("pour créer un atelier.")
    [archived] = [line for line in lines if line.startswith("Atelier d'exemple clos")]
    assert "/archives/" in archived
    starts = ("Espace de démonstration", "Ateliers d'exemple", "  ", "Événement d'exemple",
              "Atelier d'exemple clos et publié", "Compte animateur", "À essayer",
              "Jeux de données manquants")
    assert all(line.startswith(starts) for line in lines if line), lines
