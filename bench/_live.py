"""Shared harness of the live-workshop load benchmarks (``bench_votes``, ``bench_kinds``).

A real server: ``trajectoires serve`` (as in production: the territory reference loaded
before it listens, then warmed up in the background; idle keep-alive connections kept
330 s) in a subprocess on the loopback, on a workspace
whose reference cache is built once per benchmark run (:func:`on_databases`), the
database given by URL, write throttling switched off through its settings
(``TRAJECTOIRES_THROTTLE_WRITES_PER_MINUTE`` and ``…_PER_ADDRESS_PER_MINUTE`` at 0: every
simulated participant shares the address 127.0.0.1, and a closed loop writes faster than
a person may). Participants join through the real pages (the join form, its CSRF token,
the participant cookie, then the workshop page the redirect leads to) with
:class:`RawClient`, a minimal keep-alive HTTP/1.1 client: httpx costs more CPU per request
than the server on this loopback test, and the load generator shares the machine.
:func:`listen` follows the SSE stream the same way, counting events by name.

:func:`on_databases` runs a measure on SQLite, then on PostgreSQL in a fresh schema of
``TRAJECTOIRES_BENCH_PG_URL`` (default: the ``test`` database on 127.0.0.1, dropped at
the end), or adds a row saying why PostgreSQL was skipped.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy

PG_URL = os.environ.get("TRAJECTOIRES_BENCH_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
NO_THROTTLE = {"TRAJECTOIRES_THROTTLE_WRITES_PER_MINUTE": "0",
               "TRAJECTOIRES_THROTTLE_WRITES_PER_ADDRESS_PER_MINUTE": "0"}
COUNTED_THROTTLE = {"TRAJECTOIRES_THROTTLE_WRITES_PER_MINUTE": "60",
                    "TRAJECTOIRES_THROTTLE_WRITES_PER_ADDRESS_PER_MINUTE": "1000000"}
"""Throttling on, as deployed, but never refusing the bench's writes: the default limit per
participant (60 a minute: a bench participant sends about 26 in its busiest minute) and, for
the address every simulated participant shares, a limit it never reaches. Every write is
counted (in the database on PostgreSQL), against both keys."""
SETTLE = 3.0
_EVENT = re.compile(rb"(?m)^event: (\w+)")


@dataclass(frozen=True)
class Territory:
    kind: str = "departement"
    code: str = "29"
    name: str = "Finistère"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, workspace: Path, port: int, *, workers: int = 1,
                 throttle: bool = False) -> subprocess.Popen:
    """Start ``trajectoires serve`` on ``port`` (throttling off); return once it has warmed up.

    ``workers`` > 1 runs ``serve --workers N`` (PostgreSQL only). ``throttle``: the write
    throttle counts every write (:data:`COUNTED_THROTTLE`) instead of being off.
    """
    limits = COUNTED_THROTTLE if throttle else NO_THROTTLE
    env = {**os.environ, **limits, "TRAJECTOIRES_DATABASE_URL": url}
    command = [str(Path(sys.executable).with_name("trajectoires")), "serve", "--host",
               "127.0.0.1", "--port", str(port), "--workspace", str(workspace)]
    if workers > 1:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"GET /ateliers HTTP/1.0\r\n\r\n")
                if sock.recv(12).startswith(b"HTTP/1.1 200"):
                    time.sleep(SETTLE)  # the background warm-up of `serve`
                    return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class RawClient:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams, with its own cookies.

    ``request`` returns ``(status, body)``; ``location`` keeps the last redirect target.
    When a reused connection is closed before any byte of the answer (the server ended
    it while idle, at the very moment the request left), the request is sent again on a
    new connection, once, as browsers do; ``RawClient.retries`` counts these (a write
    retried that the server had in fact stored would show as a row no acknowledged write
    accounts for).
    """

    retries = 0

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self.port = port
        self.headers = dict(headers or {})
        self.cookies: dict[str, str] = {}
        self.location = ""
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def _head(self, method: str, path: str, body: bytes, content_type: str) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body:
            lines += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    async def request(self, method: str, path: str, payload: object = None, *,
                      form: dict[str, str] | None = None) -> tuple[int, bytes]:
        if form is not None:
            body, content_type = urlencode(form).encode(), "application/x-www-form-urlencoded"
        else:
            body = b"" if payload is None else json.dumps(payload).encode()
            content_type = "application/json"
        message = self._head(method, path, body, content_type) + body
        if self.reader is not None and self.reader.at_eof():  # the server closed it while idle
            await self.close()
        reused = self.writer is not None
        try:
            head = await self._send(message)
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            if not reused or getattr(error, "partial", b""):
                raise
            await self.close()
            RawClient.retries += 1
            head = await self._send(message)
        return await self._answer(head)

    async def _send(self, message: bytes) -> str:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(message)
        await self.writer.drain()
        return (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1")

    async def _answer(self, head: str) -> tuple[int, bytes]:
        status = int(head.split(" ", 2)[1])
        for name, value in re.findall(r"(?im)^(set-cookie|location): ([^\r\n]*)", head):
            if name.lower() == "location":
                self.location = value
            else:
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        length = re.search(r"(?i)content-length: (\d+)", head)
        data = await (self.reader.readexactly(int(length.group(1))) if length
                      else self._chunked())
        if re.search(r"(?i)connection: close", head):
            await self.close()
        return status, data

    async def _chunked(self) -> bytes:
        parts = []
        while size := int((await self.reader.readline()).split(b";")[0], 16):
            parts.append(await self.reader.readexactly(size))
            await self.reader.readline()
        await self.reader.readline()
        return b"".join(parts)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = self.reader = None


async def timed(latencies: list[float], request) -> tuple[int, bytes]:
    started = time.perf_counter()
    response = await request
    latencies.append(time.perf_counter() - started)
    return response


async def join(port: int, code: str, pseudonym: str, **fields: str) -> RawClient:
    """Join as a phone does: the form, its POST, then the workshop page it redirects to.

    The client keeps the cookies and sends the session's CSRF token in ``X-CSRF-Token``.
    """
    client = RawClient(port)
    status, page = await client.request("GET", "/rejoindre")
    token = CSRF.search(page.decode()).group(1)
    status, page = await client.request("POST", "/rejoindre", form={
        "code": code, "pseudonym": pseudonym, "csrf_token": token, **fields})
    if status != 303:
        raise RuntimeError(f"join failed: {status} {page[:200]!r}")
    status, _ = await client.request("GET", client.location)
    if status != 200:
        raise RuntimeError(f"workshop page after joining: {status}")
    client.headers["X-CSRF-Token"] = token
    return client


async def login(port: int, email: str, password: str) -> RawClient:
    """Log a facilitator in through the login form; return the client with its CSRF header."""
    client = RawClient(port)
    _, page = await client.request("GET", "/connexion")
    token = CSRF.search(page.decode()).group(1)
    status, _ = await client.request("POST", "/connexion", form={
        "email": email, "password": password, "csrf_token": token, "suivant": "/ateliers"})
    if status != 303:
        raise RuntimeError(f"login failed: {status}")
    client.headers["X-CSRF-Token"] = token
    return client


async def listen(port: int, slug: str, events: Counter, stop: asyncio.Event) -> None:
    """Follow the SSE stream like EventSource (reconnect when dropped); count events by name.

    ``events["drops"]`` counts the times the server dropped this (too slow) listener.
    """
    request = f"GET /ateliers/{slug}/flux HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    while not stop.is_set():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        rest = b""
        try:
            while chunk := await reader.read(65536):
                text = rest + chunk
                cut = text.rfind(b"\n") + 1
                events.update(m.decode() for m in _EVENT.findall(text, 0, cut))
                rest = text[cut:]
        finally:
            writer.close()
        events["drops"] += not stop.is_set()


async def reference_rate(clients: list[RawClient], path: str, each: int) -> float:
    """Requests per second of ``GET path`` by every client ``each`` times (closed loop)."""
    async def hit(client: RawClient) -> None:
        for _ in range(each):
            status, _ = await client.request("GET", path)
            if status != 200:
                raise RuntimeError(f"reference request failed: {status}")

    started = time.perf_counter()
    await asyncio.gather(*(hit(c) for c in clients))
    return len(clients) * each / (time.perf_counter() - started)


def percentile_ms(latencies: list[float], q: int) -> float:
    """The ``q``-th percentile of latencies in seconds, in milliseconds (median for 50)."""
    if len(latencies) < 2:
        return latencies[0] * 1000 if latencies else float("nan")
    if q == 50:
        return statistics.median(latencies) * 1000
    return statistics.quantiles(latencies, n=100)[q - 1] * 1000


def scalar(url: str, sql: str, **params: object) -> object:
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(sqlalchemy.text(sql), params).scalar()
    engine.dispose()
    return value


def _postgres_schema() -> tuple[str, str] | None:
    try:
        admin = sqlalchemy.create_engine(PG_URL)
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        admin.dispose()
    except sqlalchemy.exc.OperationalError:
        return None
    separator = "&" if "?" in PG_URL else "?"
    return schema, f"{PG_URL}{separator}options=-csearch_path%3D{schema}"


def _drop_schema(schema: str) -> None:
    admin = sqlalchemy.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


def on_databases(measure: Callable[[str, str, Path], list[dict]]) -> list[dict]:
    """``measure(label, url, workspace)`` on SQLite, then on a fresh PostgreSQL schema.

    The workspace's territory reference is built first, once, as on a server that has
    run before. When PostgreSQL is unreachable, a row says it was skipped.
    """
    from trajectoires.territory import load_reference

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-live-") as folder:
        workspace = Path(folder) / "workspace"
        load_reference(workspace)
        rows += measure("SQLite", f"sqlite:///{folder}/bench.sqlite", workspace)
        pg = _postgres_schema()
        if pg is None:
            rows.append({"name": "PostgreSQL", "value": None, "unit": "", "goal": "skipped: "
                         f"{PG_URL} unreachable", "reference": None, "ratio": None})
            return rows
        schema, url = pg
        try:
            rows += measure("PostgreSQL", url, workspace)
        finally:
            _drop_schema(schema)
    return rows
