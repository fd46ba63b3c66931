"""A workshop carried from the hall's laptop (SQLite) to another instance and back.

The hall is a SQLite file holding the example workshop of every kind (tables, headlines
with references between them, actors, votes, points) plus a hidden contribution; the
other instance is the test database (PostgreSQL in the PostgreSQL run).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy
from typer.testing import CliRunner

from trajectoires.commands.workshop import app
from trajectoires.db import Database, create_database, migrate
from trajectoires.foresight import facilitators
from trajectoires.foresight.carry import (
    TABLES,
    ArchiveError,
    all_workshops,
    export_workshop,
    import_workshop,
)
from trajectoires.foresight.demo import ensure_demo_workshops
from trajectoires.foresight.events.models import Event
from trajectoires.foresight.events.programme import ItemInput, add_talk, link_workshop
from trajectoires.foresight.events.service import EventInput, create_event
from trajectoires.foresight.models import Contribution, Participant
from trajectoires.foresight.moderation import set_visibility
from trajectoires.foresight.privacy import erase_participant

pytestmark = pytest.mark.db
EMAIL = "anne.hall@example.org"


class FINISTERE:  # a territory unit as the reference gives it
    kind, code, name = "departement", "29", "Finistère"


def _instance(folder: Path) -> Database:
    folder.mkdir(parents=True, exist_ok=True)
    db = create_database(f"sqlite:///{folder / 'instance.sqlite'}")
    migrate(db)
    return db


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> tuple[Database, list[str], int]:
    """The hall's SQLite instance: one example workshop of each kind, one headline hidden."""
    db = _instance(tmp_path_factory.mktemp("hall"))
    with db.sessionmaker() as s:
        owner = facilitators.create_facilitator(s, EMAIL, "Anne", "mot-de-passe-solide")
    with db.sessionmaker() as s:
        examples = ensure_demo_workshops(s, owner.id, FINISTERE)
    with db.sessionmaker() as s:
        first = s.scalar(sqlalchemy.select(Contribution.id).where(
            Contribution.workshop_id == examples[-1].id).order_by(Contribution.id))
    with db.sessionmaker() as s:
        set_visibility(s, owner.id, first, hidden=True, reason="hors sujet")
    with db.sessionmaker() as s:
        gone = s.scalar(sqlalchemy.select(Participant.id).where(
            Participant.workshop_id == examples[0].id).order_by(Participant.id.desc()))
    with db.sessionmaker() as s:
        erase_participant(s, gone)
    with db.sessionmaker() as s:
        day = create_event(s, owner.id, FINISTERE, EventInput(
            "Journée Transitions 2030", "2027-03-14T09:00", "2027-03-14T17:00",
            place="Salle des fêtes de Huelgoat"))
    with db.sessionmaker() as s:
        add_talk(s, owner.id, day.slug, ItemInput("Le territoire en chiffres", speaker="Yann"))
    for example in examples[:2]:
        with db.sessionmaker() as s:
            link_workshop(s, owner.id, day.slug, example.slug)
    yield db, [w.slug for w in examples], owner.id
    db.engine.dispose()


def test_every_table_of_a_workshop_is_carried_or_excluded_with_a_reason() -> None:
    import trajectoires.db.models  # noqa: F401  (every model registered)
    from trajectoires.db.base import Base
    from trajectoires.foresight.carry import NOT_CARRIED

    carried = {t.table.name for t in TABLES}
    roots = {"workshop", "participant", "contribution", "event", "event_item"}
    pointing = {t.name for t in Base.metadata.sorted_tables
                if roots & {fk.column.table.name for fk in t.foreign_keys}}
    assert not pointing - carried - set(NOT_CARRIED), "declare it in foresight/carry/_tables.py"


def _export(db: Database, slug: str) -> bytes:
    buffer = io.BytesIO()
    with db.sessionmaker() as s:
        export_workshop(s, slug, buffer)
    return buffer.getvalue()


def _data(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("data/")}


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t.name: conn.execute(sqlalchemy.select(sqlalchemy.func.count()).select_from(
            t.table)).scalar() for t in TABLES}


@pytest.fixture
def server(database: Database) -> Database:
    """The other instance (the test database), with its own facilitator account."""
    with database.sessionmaker() as s:
        facilitators.create_facilitator(s, "bea@example.org", "Béa", "mot-de-passe-solide")
    return database


def test_round_trip_is_identical(hall, server, tmp_path: Path) -> None:
    db, slugs, _ = hall
    back = _instance(tmp_path / "back")
    with back.sessionmaker() as s:
        facilitators.create_facilitator(s, "chloe@example.org", "Chloé", "mot-de-passe-solide")
    for slug in slugs:
        first = _export(db, slug)
        with server.sessionmaker() as s:
            assert import_workshop(s, io.BytesIO(first)).created
        second = _export(server, slug)
        assert _data(second) == _data(first), slug
        with back.sessionmaker() as s:
            import_workshop(s, io.BytesIO(second))
        assert _data(_export(back, slug)) == _data(first), slug
    back.engine.dispose()
    data = b"".join(b"".join(_data(first).values()) for first in map(
        lambda s: _export(db, s), slugs))
    with db.engine.connect() as conn:
        tokens = conn.exec_driver_sql("select token_hash from participant").scalars().all()
    assert b"token_hash" not in data and EMAIL.encode() not in data
    assert not any(token.encode() in data for token in tokens)
    parsed = json.loads(_data(_export(db, slugs[-1]))["data/contributions.json"])
    hidden = [row for row in parsed if row["status"] == "hidden"]
    assert hidden and hidden[0]["reason"] == "hors sujet"
    people = json.loads(_data(_export(db, slugs[0]))["data/participants.json"])
    erased = [p for p in people if p["erased_at"]]
    assert erased and erased[0]["pseudonym_key"] == f"\x01anonyme:{erased[0]['id']}"


def test_an_event_is_carried_once_with_each_of_its_workshops(hall, server) -> None:
    db, slugs, _ = hall
    for slug in slugs[:2]:
        with server.sessionmaker() as s:
            import_workshop(s, io.BytesIO(_export(db, slug)))
    with server.engine.connect() as conn:
        events = conn.exec_driver_sql("select slug, place from event").all()
        items = conn.exec_driver_sql("select kind from event_item order by position").all()
    assert [e[1] for e in events] == ["Salle des fêtes de Huelgoat"]
    assert sorted(i[0] for i in items) == ["talk", "workshop", "workshop"]
    for slug in slugs[:2]:
        assert _data(_export(server, slug)) == _data(_export(db, slug))


def test_another_event_with_the_same_name_is_refused(hall, server) -> None:
    db, slugs, _ = hall
    archive = _export(db, slugs[0])
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        event = json.loads(z.read("data/events.json"))[0]
    with server.engine.begin() as conn:
        conn.execute(sqlalchemy.insert(Event).values(
            {**{k: v for k, v in event.items() if k not in ("id", "created_at")},
             "starts_at": datetime.fromisoformat(event["starts_at"]),
             "ends_at": datetime.fromisoformat(event["ends_at"]),
             "updated_at": datetime.fromisoformat(event["updated_at"]),
             "published_at": datetime.fromisoformat(event["published_at"]),
             "facilitator_id": 1}))
    before = _counts(server)
    with server.sessionmaker() as s, pytest.raises(ArchiveError) as refused:
        import_workshop(s, io.BytesIO(archive))
    assert event["slug"] in refused.value.message and _counts(server) == before


def test_import_twice_changes_nothing(hall, server) -> None:
    db, slugs, _ = hall
    archive = _export(db, slugs[0])
    with server.sessionmaker() as s:
        assert import_workshop(s, io.BytesIO(archive)).created
    before = _counts(server)
    with server.sessionmaker() as s:
        again = import_workshop(s, io.BytesIO(archive))
    assert not again.created and _counts(server) == before


def test_a_workshop_changed_since_its_import_is_not_overwritten(hall, server) -> None:
    db, slugs, _ = hall
    archive = _export(db, slugs[1])
    with server.sessionmaker() as s:
        import_workshop(s, io.BytesIO(archive))
    with server.engine.begin() as conn:
        conn.execute(sqlalchemy.update(Contribution).values(reason="modifié ici"))
    before = _counts(server)
    with server.sessionmaker() as s, pytest.raises(ArchiveError) as refused:
        import_workshop(s, io.BytesIO(archive))
    assert "son contenu diffère" in refused.value.message and _counts(server) == before


def test_name_clash_is_refused_and_a_copy_can_be_imported(hall, server) -> None:
    db, slugs, _ = hall
    archive = _export(db, slugs[0])
    with server.sessionmaker() as s:
        import_workshop(s, io.BytesIO(archive))
    other = _export(db, slugs[1])
    with zipfile.ZipFile(io.BytesIO(other)) as z:
        rows = json.loads(z.read("data/workshop.json"))
    rows[0]["slug"] = slugs[0]
    clash = _rewrite(other, {"data/workshop.json": rows}, rehash=True)
    before = _counts(server)
    with server.sessionmaker() as s, pytest.raises(ArchiveError) as refused:
        import_workshop(s, io.BytesIO(clash))
    assert "--slug" in refused.value.message and _counts(server) == before
    with server.sessionmaker() as s:
        copy = import_workshop(s, io.BytesIO(archive), slug="copie-de-l-atelier")
    assert copy.created and copy.join_code_changed and copy.slug == "copie-de-l-atelier"


def _rewrite(archive: bytes, changes: dict, *, rehash: bool, extra: dict | None = None,
             manifest: dict | None = None) -> bytes:
    """Copy ``archive`` with some members replaced (and their checksums if ``rehash``)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    info = json.loads(members["manifest.json"])
    for name, rows in changes.items():
        members[name] = json.dumps(rows).encode()
        if rehash:
            info["files"][name]["sha256"] = hashlib.sha256(members[name]).hexdigest()
    info.update(manifest or {})
    members["manifest.json"] = json.dumps(info).encode()
    members.update(extra or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _rewrite_raw(archive: bytes, name: str, data: bytes) -> bytes:
    """Copy ``archive`` with the bytes of ``name`` replaced and its checksum updated."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    info = json.loads(members["manifest.json"])
    members[name] = data
    info["files"][name]["sha256"] = hashlib.sha256(data).hexdigest()
    members["manifest.json"] = json.dumps(info).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for member, content in members.items():
            z.writestr(member, content)
    return out.getvalue()


def _with_table(archive: bytes, name: str) -> bytes:
    """Copy ``archive`` with one more table, listed and checksummed (from a newer version)."""
    member = f"data/{name}.json"
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        info = json.loads(z.read("manifest.json"))
    info["tables"].append(name)
    info["files"][member] = {"sha256": hashlib.sha256(b"[]").hexdigest(), "bytes": 2}
    return _rewrite(archive, {}, rehash=False, manifest=info, extra={member: b"[]"})


def _refusals(archive: bytes) -> dict[str, tuple[bytes, str]]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        people = json.loads(z.read("data/participants.json"))
        [workshop] = json.loads(z.read("data/workshop.json"))
        notes = json.loads(z.read("data/contributions.json"))
    long_name = [{**people[0], "pseudonym": "x" * 300}, *people[1:]]
    twins = [*people, {**people[0], "id": 999}]
    corrupted = bytearray(archive)
    middle = len(corrupted) // 2
    corrupted[middle:middle + 64] = bytes(64)
    return {
        "corrompu": (bytes(corrupted), "Rien n'a été importé"),
        "tronqué": (archive[: len(archive) // 2], "pas une archive ZIP lisible"),
        "modifié": (_rewrite(archive, {"data/participants.json": long_name}, rehash=False),
                    "Somme de contrôle SHA-256 fausse"),
        "version": (_rewrite(archive, {}, rehash=False, manifest={"format_version": 99}),
                    "version 99"),
        "chemin": (_rewrite(archive, {}, rehash=False, extra={"../../evil.json": b"[]"}),
                   "Nom de fichier refusé"),
        "valeur": (_rewrite(archive, {"data/participants.json": long_name}, rehash=True),
                   "au plus 40"),
        "doublon": (_rewrite(archive, {"data/participants.json": twins}, rehash=True),
                    "Rien n'a été importé"),
        "imbriqué": (_rewrite_raw(archive, "data/votes.json", b"[" * 200_000),
                     "Données illisibles"),
        "type": (_rewrite(archive, {"data/participants.json": [{**people[0], "id": "1"}]},
                          rehash=True), "nombre entier attendu"),
        "table": (_with_table(archive, "sondages"), "la table « sondages » est inconnue"),
        "sorte": (_rewrite(archive, {"data/contributions.json": [
            {**notes[0], "type": "poème"}, *notes[1:]]}, rehash=True), "type « poème » inconnu"),
        "phase": (_rewrite(archive, {"data/workshop.json": [{**workshop, "status": "zzz"}]},
                           rehash=True), "Phase inconnue : « zzz »"),
    }


def test_bad_archives_are_refused_whole(hall, server, tmp_path: Path) -> None:
    db, slugs, _ = hall
    archive = _export(db, slugs[0])
    env = {"TRAJECTOIRES_DATABASE_URL": str(server.engine.url.render_as_string(False))}
    before = _counts(server)
    for case, (data, message) in _refusals(archive).items():
        path = tmp_path / f"{case}.zip"
        path.write_bytes(data)
        result = CliRunner().invoke(app, ["import", str(path), "--workspace",
                                          str(tmp_path / "ws")], env=env)
        assert result.exit_code == 2, (case, result.output)
        assert message in " ".join(result.output.split()), (case, result.output)
        assert "Traceback" not in result.output
        assert _counts(server) == before, case


def test_zip_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", json.dumps({"format": "trajectoires-atelier"}))
        z.writestr("data/workshop.json", b" " * (65 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    with pytest.raises(ArchiveError) as refused:
        import_workshop(None, io.BytesIO(bomb.getvalue()), where="bombe.zip")
    assert "trop volumineux" in refused.value.message


def test_commands_list_export_import(hall, server, tmp_path: Path) -> None:
    db, slugs, _ = hall
    hall_env = {"TRAJECTOIRES_DATABASE_URL": db.engine.url.render_as_string(False)}
    listed = CliRunner().invoke(app, ["list", "--workspace", str(tmp_path / "a")], env=hall_env)
    assert listed.exit_code == 0, listed.output
    assert all(slug in listed.output for slug in slugs) and "Imaginer 2030" in listed.output
    # under « NOM (SLUG) » the title and the slug; the kind in French, never its key
    with db.sessionmaker() as session:
        workshops = all_workshops(session)
    for row in workshops:
        assert f"{row.title} ({row.slug})" in listed.output
        assert f"  {row.kind}  " not in listed.output
    target = tmp_path / "atelier.zip"
    done = CliRunner().invoke(app, ["export", slugs[1], "--output", str(target),
                                    "--workspace", str(tmp_path / "a")], env=hall_env)
    assert done.exit_code == 0 and target.is_file(), done.output
    unknown = CliRunner().invoke(app, ["export", "nulle-part", "--output", str(target),
                                       "--workspace", str(tmp_path / "a")], env=hall_env)
    assert unknown.exit_code == 2 and "nulle-part" in unknown.output
    env = {"TRAJECTOIRES_DATABASE_URL": server.engine.url.render_as_string(False)}
    args = ["import", str(target), "--facilitator", "BEA@example.org",
            "--workspace", str(tmp_path / "b")]
    first = CliRunner().invoke(app, args, env=env)
    assert first.exit_code == 0 and "importé" in first.output, first.output
    again = CliRunner().invoke(app, args, env=env)
    assert again.exit_code == 0 and "rien n'a changé" in again.output, again.output
    with server.sessionmaker() as s:
        assert [w.slug for w in all_workshops(s)] == [slugs[1]]


def test_the_events_files_are_carried_with_their_checksums(hall, server, tmp_path: Path) -> None:
    """The event's PDF goes with the workshop; edited bytes or a missing file refuse it all."""
    from trajectoires.foresight.events.files import attach_file
    from trajectoires.foresight.events.models import EventFile

    db, slugs, owner_id = hall
    pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    hall_files, server_files = tmp_path / "hall-files", tmp_path / "server-files"
    with db.sessionmaker() as s:
        event_slug = s.scalar(sqlalchemy.select(Event.slug))
    with db.sessionmaker() as s:
        attach_file(s, owner_id, event_slug, name="programme.pdf", folder=hall_files,
                    data=io.BytesIO(pdf), max_bytes=10_000)
    buffer = io.BytesIO()
    with db.sessionmaker() as s:
        export_workshop(s, slugs[0], buffer, files_folder=hall_files)
    archive, sha = buffer.getvalue(), hashlib.sha256(pdf).hexdigest()
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        assert z.read(f"files/{sha}") == pdf
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        rows = json.loads(z.read("data/event_files.json"))
    edited = _rewrite(archive, {}, rehash=False, extra={f"files/{sha}": pdf + b"% ajout"})
    unlisted = _rewrite(archive, {}, rehash=False, extra={f"files/{'0' * 64}": b"x"})
    missing = _rewrite(archive, {"data/event_files.json": [{**rows[0], "sha256": "0" * 64}]},
                       rehash=True)
    before = _counts(server)
    for case, data, message in (("edited", edited, "Somme de contrôle SHA-256 fausse"),
                                ("unlisted", unlisted, "Fichier inattendu"),
                                ("missing", missing, "fichier joint absent")):
        with server.sessionmaker() as s, pytest.raises(ArchiveError) as refused:
            import_workshop(s, io.BytesIO(data), files_folder=server_files)
        assert message in refused.value.message, case
        assert _counts(server) == before and not list(server_files.rglob("*.pdf")), case
    for _ in range(2):  # the second import changes nothing
        with server.sessionmaker() as s:
            import_workshop(s, io.BytesIO(archive), files_folder=server_files)
    with server.sessionmaker() as s:
        [row] = s.scalars(sqlalchemy.select(EventFile)).all()
    assert row.sha256 == sha and row.name == "programme.pdf"
    assert (server_files / str(row.event_id) / row.stored_name).read_bytes() == pdf
    (hall_files / "1").rename(hall_files / "gone")  # the hall lost the file: no export
    with db.sessionmaker() as s, pytest.raises(ArchiveError) as refused:
        export_workshop(s, slugs[0], io.BytesIO(), files_folder=hall_files)
    assert "programme.pdf" in refused.value.message
