"""Open data of published workshops and events: a Frictionless Data Package, public data only."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import frictionless
import pytest
import sqlalchemy

from trajectoires.db import Database
from trajectoires.foresight import facilitators
from trajectoires.foresight.carry import ArchiveError
from trajectoires.foresight.demo import ensure_demo_workshops
from trajectoires.foresight.events.programme import link_workshop
from trajectoires.foresight.events.service import EventInput, create_event
from trajectoires.foresight.models import Contribution
from trajectoires.foresight.moderation import set_visibility
from trajectoires.foresight.opendata import event_zip, workshop_files, workshop_zip
from trajectoires.foresight.publication import publish_workshop
from trajectoires.foresight.workshops import set_phase

pytestmark = pytest.mark.db
EMAIL = "anne.publie@example.org"
SECRET = "=HYPERLINK(\"http://x\")"


class FINISTERE:  # a territory unit as the reference gives it
    kind, code, name = "departement", "29", "Finistère"


@pytest.fixture
def published(database: Database) -> tuple[Database, list[str], dict]:
    """Every example workshop closed and published (the debate under CC BY), one hidden."""
    with database.sessionmaker() as s:
        owner = facilitators.create_facilitator(s, EMAIL, "Anne", "mot-de-passe-solide")
    with database.sessionmaker() as s:
        by_kind = {w.kind: w for w in ensure_demo_workshops(s, owner.id, FINISTERE)}
    examples = [by_kind["imaginer-2030"], by_kind["debate"], by_kind["construire-2030"]]
    with database.sessionmaker() as s:
        hidden = s.execute(sqlalchemy.select(Contribution.id, Contribution.text).where(
            Contribution.workshop_id == examples[0].id).order_by(Contribution.id)).first()
    with database.sessionmaker() as s:
        set_visibility(s, owner.id, hidden.id, hidden=True, reason="motif interne")
    for example in examples[:2]:
        with database.sessionmaker() as s:
            set_phase(s, owner.id, example.slug, "closed")
        with database.sessionmaker() as s:
            publish_workshop(s, owner.id, example.slug,
                             "cc-by-4.0" if example.kind == "debate" else "etalab-2.0")
    with database.sessionmaker() as s:
        tokens = s.execute(sqlalchemy.text("select token_hash from participant")).scalars().all()
    return database, [w.slug for w in examples], {"hidden": hidden.text, "tokens": tokens,
                                                  "owner": owner.id}


def test_package_is_a_valid_frictionless_data_package(published, tmp_path: Path) -> None:
    db, slugs, _ = published
    with db.sessionmaker() as s:
        files = workshop_files(s, slugs[0])
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads(files["datapackage.json"])
    assert package["licenses"][0]["name"] == "etalab-2.0"
    assert {"LISEZMOI.md", "LICENCE.md", "dictionnaire.csv", "donnees.json"} <= set(files)
    assert {r["path"] for r in package["resources"]} <= set(files)
    with db.sessionmaker() as s:
        debate = workshop_files(s, slugs[1])
    assert json.loads(debate["datapackage.json"])["licenses"][0]["name"] == "CC-BY-4.0"
    assert {"polis/comments.csv", "polis/votes.csv", "polis/participants-votes.csv",
            "polis/summary.csv"} <= set(debate)


def test_only_published_public_content(published) -> None:
    db, slugs, secrets = published
    with db.sessionmaker() as s:
        archive = workshop_zip(s, slugs[0])
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        text = b"".join(z.read(n) for n in z.namelist()).decode("utf-8")
    assert secrets["hidden"] not in text and "motif interne" not in text
    assert EMAIL not in text and "token_hash" not in text and "@example.org" not in text
    assert not any(token in text for token in secrets["tokens"])
    people = list(csv.DictReader(io.StringIO(
        zipfile.ZipFile(io.BytesIO(archive)).read("csv/participants.csv").decode())))
    assert list(people[0]) == ["id", "pseudonym", "table_id", "visitor"]
    assert [p["id"] for p in people] == [str(n) for n in range(1, len(people) + 1)]
    with db.sessionmaker() as s, pytest.raises(ArchiveError) as refused:
        workshop_zip(s, slugs[2])
    assert "n'est pas publié" in refused.value.message


def test_event_package_holds_its_published_workshops(published, tmp_path: Path) -> None:
    db, slugs, secrets = published
    with db.sessionmaker() as s:
        day = create_event(s, secrets["owner"], FINISTERE, EventInput(
            "Journée Transitions 2030", "2027-03-14T09:00", "2027-03-14T17:00"))
    for slug in (slugs[0], slugs[2]):
        with db.sessionmaker() as s:
            link_workshop(s, secrets["owner"], day.slug, slug)
    with db.sessionmaker() as s:
        archive = event_zip(s, day.slug)
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        z.extractall(tmp_path)
        workshops = json.loads(z.read("donnees.json"))["workshop"]
        programme = json.loads(z.read("donnees.json"))["event_items"]
    assert [w["atelier"] for w in workshops] == [slugs[0]]
    assert [p["atelier"] for p in programme] == [slugs[0], None]
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
