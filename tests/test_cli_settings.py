"""A setting that cannot be used stops every command with one French line, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("command", [["territory", "show", "29"], ["data", "list"]])
def test_bad_setting_is_one_french_line(tmp_path, command):
    env = {**os.environ, "TRAJECTOIRES_PUBLIC_URL": "ftp://ateliers.example.org",
           "TRAJECTOIRES_WORKSPACE": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", "from trajectoires.cli import main; main()",
                           *command], check=False, capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 2
    assert "Réglage invalide" in done.stderr and "TRAJECTOIRES_PUBLIC_URL" in done.stderr
    assert "Traceback" not in done.stderr
