"""Commands printed for users work as typed: the tool lies in .venv/bin, not on the PATH."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "trajectoires"
COMMANDS = r"(data|diagnose|serve|demo|facilitator|territory|debate|workshop|trajectory|plan)\b"
BARE_IN_TEMPLATE = re.compile(r"<code>trajectoires " + COMMANDS)
# « trajectoires data … », [bold]trajectoires …, (trajectoires data import) in a message.
BARE_IN_MESSAGE = re.compile(r"(«|\[bold\]|\() ?trajectoires " + COMMANDS)


def _tool(cwd: Path, path: str) -> str:
    env = {**os.environ, "PATH": path}
    return subprocess.run(
        [sys.executable, "-c", "from trajectoires.invocation import tool_command as t; print(t())"],
        cwd=cwd, env=env, check=True, capture_output=True, text=True, timeout=60).stdout.strip()


def test_the_printed_command_reaches_this_installation(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "trajectoires"
    assert _tool(tmp_path, "/usr/bin:/bin") == str(script.absolute())
    assert _tool(tmp_path, f"{script.parent}:/usr/bin:/bin") == "trajectoires"
    inside = _tool(script.parent.parent.parent, "/usr/bin:/bin")
    assert inside == str(script.absolute().relative_to(script.parent.parent.parent))


def test_no_page_or_message_prints_a_bare_command() -> None:
    offenders = []
    for path in SRC.rglob("*"):
        if path.suffix == ".html":
            pattern = BARE_IN_TEMPLATE
        elif path.suffix == ".py":
            pattern = BARE_IN_MESSAGE
        else:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == [], "print {{ tool }} / tool_command() instead:\n" + "\n".join(offenders)
