"""Live updates: the hub (fan-out, coalesced votes, slow subscribers, replay) and the SSE
endpoint served by a real uvicorn server in a thread."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.settings import Settings
from trajectoires.web.workshops.live import LiveHub


def _run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 10))


def test_publish_reaches_every_subscriber() -> None:
    async def scenario():
        hub = LiveHub(counts=lambda ids: {})
        hub.start()
        with hub.subscribe(1) as first, hub.subscribe(1) as second, hub.subscribe(2) as other:
            hub.publish(1, "statement", {"id": 7, "text": "Bonjour"})
            a, b = await first.queue.get(), await second.queue.get()
            assert a == b and a.kind == "statement" and a.data["id"] == 7
            assert other.queue.empty()
            assert "event: statement\ndata: " in a.encode()
        assert hub.subscriber_count == 0

    _run(scenario())


def test_slow_subscriber_is_dropped_not_the_others() -> None:
    async def scenario():
        hub = LiveHub(queue_size=3, counts=lambda ids: {})
        hub.start()
        with hub.subscribe(1) as slow, hub.subscribe(1) as fast:
            for i in range(5):
                hub.publish(1, "statement", {"id": i})
                await asyncio.sleep(0)
                while not fast.queue.empty():
                    fast.queue.get_nowait()
            assert slow.dropped and await slow.queue.get() is None
            assert not fast.dropped and hub.subscriber_count == 1

    _run(scenario())


def test_votes_are_coalesced() -> None:
    calls: list[list[int]] = []

    def load(ids: list[int]) -> dict[int, dict[str, int]]:
        calls.append(ids)
        return {i: {"agree": 1, "disagree": 0, "pass": 0} for i in ids}

    async def scenario():
        hub = LiveHub(vote_interval=0.1, counts=load)
        hub.start()
        with hub.subscribe(1) as sub:
            threads = [
                threading.Thread(target=hub.votes_changed, args=(1, [i % 3])) for i in range(200)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            event = await sub.queue.get()
            await asyncio.sleep(0.3)
            assert sub.queue.empty()
        assert event.kind == "votes" and sorted(event.data["counts"]) == ["0", "1", "2"]
        assert calls == [[0, 1, 2]]

    _run(scenario())


def test_one_counts_read_at_a_time_takes_every_vote_that_came_meanwhile() -> None:
    """A slow database: votes flushed during a read wait for the next one, not in a queue."""
    calls: list[list[int]] = []
    reading = threading.Lock()

    def load(ids: list[int]) -> dict[int, dict[str, int]]:
        assert reading.acquire(blocking=False), "two reads at once"
        try:
            calls.append(ids)
            time.sleep(0.3)
            return {i: {"agree": 1, "disagree": 0, "pass": 0} for i in ids}
        finally:
            reading.release()

    async def scenario():
        hub = LiveHub(vote_interval=0.02, counts=load)
        hub.start()
        with hub.subscribe(1) as sub:
            for i in range(12):  # twelve flushes during the first two reads
                hub.votes_changed(1, [i])
                await asyncio.sleep(0.05)
            seen: set[str] = set()
            while len(seen) < 12:
                seen |= set((await sub.queue.get()).data["counts"])
        assert seen == {str(i) for i in range(12)}
        assert len(calls) <= 4 and sorted(sum(calls, [])) == list(range(12))

    _run(scenario())


def test_changes_are_coalesced_per_kind_and_key() -> None:
    """300 contributions of two types from many threads make one event per type."""

    async def scenario():
        hub = LiveHub(vote_interval=0.1)
        hub.start()
        with hub.subscribe(1) as sub:
            threads = [
                threading.Thread(target=hub.changed, args=(
                    1, "contribution", "headline" if i % 2 else "milestone",
                    {"id": i, "type": "headline" if i % 2 else "milestone"}))
                for i in range(300)
            ] + [threading.Thread(target=hub.changed, args=(1, "ranking", "", {}))
                 for _ in range(50)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            events = [await sub.queue.get() for _ in range(3)]
            await asyncio.sleep(0.3)
            assert sub.queue.empty()
        by_type = {e.data.get("type", e.kind): e for e in events}
        assert sorted(by_type) == ["headline", "milestone", "ranking"]
        assert sorted(by_type["headline"].data["ids"]) == list(range(1, 300, 2))
        assert sorted(by_type["milestone"].data["ids"]) == list(range(0, 300, 2))

    _run(scenario())


def test_a_stream_sends_queued_events_in_one_chunk() -> None:
    async def scenario():
        hub = LiveHub()
        hub.start()
        stream = hub.stream(1)
        assert (await stream.__anext__()).startswith(b"retry:")
        for i in range(5):
            hub.publish(1, "statement", {"id": i})
        await asyncio.sleep(0.05)
        chunk = await stream.__anext__()
        await stream.aclose()
        assert chunk.count(b"event: statement") == 5

    _run(scenario())


def test_a_batch_reaches_each_stream_at_once_and_shares_its_bytes() -> None:
    """With ``batch``, a workshop's events go out together: one wake-up per stream."""
    async def scenario():
        hub = LiveHub(batch=0.1)
        hub.start()
        with hub.subscribe(1) as first, hub.subscribe(1) as second:
            for i in range(4):
                hub.publish(1, "statement", {"id": i})
            await asyncio.sleep(0.03)
            assert first.queue.empty() and second.queue.empty()  # still gathering
            await asyncio.sleep(0.15)
            got = [first.queue.get_nowait() for _ in range(4)]
            assert [e.data["id"] for e in got] == [0, 1, 2, 3]
            assert [second.queue.get_nowait().frame for _ in range(4)] == [e.frame for e in got]
            assert got[0].frame is got[0].frame  # encoded once

    _run(scenario())


def test_a_reconnection_inside_a_batch_gets_each_event_once() -> None:
    async def scenario():
        hub = LiveHub(batch=0.1)
        hub.start()
        hub.publish(1, "statement", {"id": 0})
        await asyncio.sleep(0.15)
        seen = f"{hub.epoch}-{hub._replay[1][-1].id}"
        hub.publish(1, "statement", {"id": 1})
        hub.publish(1, "statement", {"id": 2})
        await asyncio.sleep(0.02)  # the two are in the replay buffer, not yet handed out
        with hub.subscribe(1, last_event_id=seen) as back:
            assert [e.data["id"] for e in back.backlog] == [1, 2]
            await asyncio.sleep(0.15)
            assert back.queue.empty()

    _run(scenario())


def test_last_event_id_replays_or_resets() -> None:
    async def scenario():
        hub = LiveHub(replay=3)
        hub.start()
        for i in range(5):
            hub.publish(1, "statement", {"id": i})
        await asyncio.sleep(0.01)
        with hub.subscribe(1, last_event_id=f"{hub.epoch}-3") as sub:
            assert [e.id for e in sub.backlog] == [4, 5]
        with hub.subscribe(1, last_event_id=f"{hub.epoch}-1") as sub:
            assert [e.kind for e in sub.backlog] == ["reset"]

    _run(scenario())


def test_an_id_from_before_a_restart_or_another_process_resets() -> None:
    """Ids restarted at 1: a browser's old Last-Event-ID was taken as current, events lost."""
    async def scenario():
        before = LiveHub()
        before.start()
        for i in range(7):
            before.publish(1, "statement", {"id": i})
        await asyncio.sleep(0.01)
        last_seen = before._replay[1][-1].encode().split("\n")[0].removeprefix("id: ")
        restarted = LiveHub()  # a new process: its ids start again
        restarted.start()
        for i in range(7, 10):
            restarted.publish(1, "statement", {"id": i})
        await asyncio.sleep(0.01)
        assert restarted.epoch != before.epoch
        for old in (last_seen, "7", "", "x-1"):
            with restarted.subscribe(1, last_event_id=old) as sub:
                assert [e.kind for e in sub.backlog] == ["reset"], old
        latest = restarted._replay[1][-1].encode().split("\n")[0].removeprefix("id: ")
        with restarted.subscribe(1, last_event_id=latest) as sub:
            assert sub.backlog == []

    _run(scenario())


def test_stream_sends_keepalive_comments() -> None:
    async def scenario():
        hub = LiveHub(keepalive=0.05)
        hub.start()
        chunks = hub.stream(1)
        assert (await anext(chunks)).startswith(b"retry: 3000")
        assert await anext(chunks) == b": keep-alive\n\n"
        await chunks.aclose()

    _run(scenario())


# -- the endpoint, on a real server --------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(settings: Settings, database: Database) -> Iterator[tuple[str, FastAPI]]:
    app = f.make_app(settings, database)
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", app
    uv.should_exit = True
    thread.join(5)


def _join(base: str, code: str, pseudonym: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=5)
    token = f.CSRF_INPUT.search(client.get("/rejoindre").text).group(1)
    response = client.post("/rejoindre", data={"code": code, "pseudonym": pseudonym,
                                               "csrf_token": token})
    assert response.status_code in (200, 303), response.text
    client.headers["X-CSRF-Token"] = token
    return client


def _events(response: httpx.Response) -> Iterator[tuple[str, dict]]:
    kind = None
    for line in response.iter_lines():
        if line.startswith("event: "):
            kind = line.removeprefix("event: ")
        elif line.startswith("data: ") and kind:
            yield kind, json.loads(line.removeprefix("data: "))
            kind = None


def test_stream_delivers_statements_and_votes(
    server: tuple[str, FastAPI], database: Database
) -> None:
    base, _app = server
    workshop = f.workshop(database)
    alice = _join(base, workshop.join_code, "Alice")
    bob = _join(base, workshop.join_code, "Bob")
    api = f"/api/v1/workshops/{workshop.slug}/statements"
    with httpx.Client(base_url=base, timeout=5) as watcher, watcher.stream(
        "GET", f"/ateliers/{workshop.slug}/flux"
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["content-security-policy"]
        posted = alice.post(api, json={"text": "Une fibre pour tous"})
        assert posted.status_code == 201
        events = (e for e in _events(response)
                  if e[0] not in ("opinions", "joined"))  # tested elsewhere
        kind, data = next(events)
        assert (kind, data["text"], data["author"]) == ("statement", "Une fibre pour tous", "Alice")
        assert bob.post(f"{api}/{data['id']}/vote", json={"value": 1}).status_code == 200
        kind, data = next(events)
        assert kind == "votes"
        assert data["counts"][str(posted.json()["id"])] == {"agree": 1, "disagree": 0, "pass": 0}
    alice.close()
    bob.close()


def test_stream_of_unknown_workshop_is_404(server: tuple[str, FastAPI]) -> None:
    base, _app = server
    response = httpx.get(f"{base}/ateliers/inconnu/flux", timeout=5)
    assert response.status_code == 404 and "Atelier introuvable" in response.text


def test_postgres_bus_fans_out_between_processes(database: Database) -> None:
    """Two hubs on two buses stand for two server processes sharing one database."""
    if database.is_sqlite:
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL (set TRAJECTOIRES_TEST_DATABASE_URL)")
    from trajectoires.web.workshops.live_pg import PostgresBus

    channel = f"trajectoires_test_{uuid.uuid4().hex[:12]}"

    def loader(ids: list[int]) -> dict[int, dict[str, int]]:
        return {i: {"agree": 2, "disagree": 0, "pass": 1} for i in ids}

    async def scenario():
        first = LiveHub(PostgresBus(database.engine.url, channel), vote_interval=0.05,
                        counts=loader)
        second = LiveHub(PostgresBus(database.engine.url, channel), counts=loader)
        first.start()
        second.start()
        try:
            with second.subscribe(5) as sub:
                await asyncio.to_thread(first.publish, 5, "statement", {"id": 1, "text": "Été"})
                event = await asyncio.wait_for(sub.queue.get(), 5)
                assert (event.kind, event.data["text"]) == ("statement", "Été")
                first.votes_changed(5, [1])
                first.votes_changed(5, [2])
                event = await asyncio.wait_for(sub.queue.get(), 5)
                assert event.kind == "votes" and sorted(event.data["counts"]) == ["1", "2"]
        finally:
            await asyncio.to_thread(first.close)
            await asyncio.to_thread(second.close)

    _run(scenario())
