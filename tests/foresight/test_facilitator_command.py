"""``trajectoires facilitator create`` through the Typer runner."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy
from typer.testing import CliRunner

from trajectoires.commands.facilitator import app


def test_create_with_password_on_stdin(tmp_path: Path, database_url: str) -> None:
    env = {"TRAJECTOIRES_DATABASE_URL": database_url}
    args = ["create", "anne@example.org", "--name", "Anne", "--password-stdin",
            "--workspace", str(tmp_path / "ws")]
    result = CliRunner().invoke(app, args, input="mot-de-passe-solide\n", env=env)
    assert result.exit_code == 0, result.output
    assert "Animateur créé" in result.output
    again = CliRunner().invoke(app, args, input="mot-de-passe-solide\n", env=env)
    assert again.exit_code == 1
    assert "existe déjà" in again.output
    engine = sqlalchemy.create_engine(database_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from facilitator").scalar() == 1
    engine.dispose()


def test_prompted_password_must_match(tmp_path: Path, database_url: str) -> None:
    env = {"TRAJECTOIRES_DATABASE_URL": database_url}
    args = ["create", "b@example.org", "--name", "B", "--workspace", str(tmp_path / "ws")]
    result = CliRunner().invoke(
        app, args, input="mot-de-passe-long\nmot-de-passe-long\n", env=env
    )
    assert result.exit_code == 0, result.output
    short = CliRunner().invoke(
        app, ["create", "c@example.org", "--name", "C", "--password-stdin"],
        input="court\n", env={**env, "TRAJECTOIRES_WORKSPACE": str(tmp_path / "ws")},
    )
    assert short.exit_code == 1 and "10 caractères" in short.output
