"""Open data never carries an internal id that links a person across workshops (#9).

The debate is the second example workshop: its participants' database ids do not start
at 1, so a package that leaked them would show it. Every participant column of its
package (CSV, JSON, Pol.is) numbers people 1, 2, 3… within the workshop.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
import sqlalchemy

from tests.foresight.test_opendata import published  # noqa: F401 (the fixture)
from trajectoires.foresight.models import Participant, Workshop
from trajectoires.foresight.opendata import workshop_zip

pytestmark = pytest.mark.db
PEOPLE_COLUMNS = {"participant_id", "author-id", "voter-id", "participant"}


def _rows(z: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(z.read(name).decode("utf-8"))))


def test_participants_are_numbered_within_the_workshop(published) -> None:  # noqa: F811
    db, slugs, _ = published
    debate = slugs[1]
    with db.sessionmaker() as s:
        ids = set(s.execute(sqlalchemy.select(Participant.id).join(
            Workshop, Workshop.id == Participant.workshop_id).where(
            Workshop.slug == debate)).scalars())
    with db.sessionmaker() as s:
        archive = zipfile.ZipFile(io.BytesIO(workshop_zip(s, debate)))
    assert min(ids) > 1  # the premise: database ids that a leak would show
    numbers = {str(n) for n in range(1, len(ids) + 1)}
    assert {p["id"] for p in _rows(archive, "csv/participants.csv")} == numbers
    seen = set()
    for name in archive.namelist():
        if name.endswith(".csv") and name != "dictionnaire.csv":
            for row in _rows(archive, name):
                seen |= {(name, c, v) for c, v in row.items() if c in PEOPLE_COLUMNS and v}
    assert {"polis/votes.csv", "csv/votes.csv"} <= {name for name, _c, _v in seen}
    assert {v for _n, _c, v in seen} <= numbers, sorted(seen)[:5]
    data = json.loads(archive.read("donnees.json"))
    assert {str(p["id"]) for p in data["participants"]} == numbers
    assert [w["id"] for w in data["workshop"]] == [1]
    assert "facilitator_id" not in archive.read("donnees.json").decode()
