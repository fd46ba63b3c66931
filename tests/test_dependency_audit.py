"""``pip-audit`` over the exact versions installed from ``pyproject.toml`` (``pip freeze``).

pip-audit asks PyPI's JSON API for the known vulnerabilities of each version. Where that
service cannot be reached (a machine whose only access is a package mirror), pip-audit
reports every package as "not found" and still exits 0: an audit that audited nothing.
So the test first asks PyPI about a version known to be vulnerable, and skips, saying
why, unless the answer lists its vulnerabilities.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

PROBE = "https://pypi.org/pypi/requests/2.19.0/json"  # CVE-2018-18074, among others


def _service_answers() -> str | None:
    """``None`` when PyPI's vulnerability data is reachable, else why not."""
    try:
        with urllib.request.urlopen(PROBE, timeout=10) as answer:  # noqa: S310 (fixed https URL)
            known = json.load(answer).get("vulnerabilities")
    except (OSError, ValueError) as error:
        return f"PyPI's vulnerability service is unreachable from here ({error})"
    if not known:
        return "PyPI answered without vulnerability data for a vulnerable version"
    return None


def test_no_installed_dependency_has_a_known_vulnerability(tmp_path: Path) -> None:
    pytest.importorskip("pip_audit", reason="pip-audit is a dev dependency: make install")
    problem = _service_answers()
    if problem:
        pytest.skip(f"{problem}: the audit would check nothing (pip-audit exits 0 then)")
    frozen = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(frozen)
    audit = subprocess.run(
        [sys.executable, "-m", "pip_audit", "--progress-spinner", "off", "--no-deps",
         "--disable-pip", "--strict", "-r", str(requirements)],
        capture_output=True, text=True, timeout=600, check=False)
    assert audit.returncode == 0, audit.stdout + audit.stderr
