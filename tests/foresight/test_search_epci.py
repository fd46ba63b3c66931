"""A département finds the workshops of its EPCIs, not only of its communes (#9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import fresh_database_url
from tests.foresight import factories as f
from trajectoires.db import create_database, migrate
from trajectoires.foresight.models import Workshop
from trajectoires.foresight.publication import publish_workshop, reindex_workshop
from trajectoires.foresight.search import search_documents
from trajectoires.foresight.workshops import set_phase

pytestmark = pytest.mark.db
QUIMPER_AGGLO = f.Unit("epci", "200068120", "Quimper Bretagne Occidentale")


@pytest.mark.parametrize("reindexed", [False, True])
def test_an_epci_workshop_is_found_by_its_departement(tmp_path: Path, reindexed: bool) -> None:
    """Published with the reference; then reindexed without it, as moderation does."""
    with fresh_database_url(tmp_path) as url:
        db = create_database(url)
        migrate(db)
        owner = f.facilitator(db)
        ws = f.kind_workshop(db, "debate", owner, territory=QUIMPER_AGGLO)
        with f.session(db) as s:
            set_phase(s, owner.id, ws.slug, "closed")
        with f.session(db) as s:
            publish_workshop(s, owner.id, ws.slug, reference=f.reference())
        if reindexed:
            with db.session() as s:
                reindex_workshop(s, s.get(Workshop, ws.id))  # as moderation does: no reference
        with db.session() as s:
            found = {t: search_documents(s, "", territory=t).total for t in (
                ("epci", "200068120"), ("departement", "29"), ("region", "53"),
                ("departement", "56"), ("commune", "29232"))}
        db.engine.dispose()
    assert found == {("epci", "200068120"): 1, ("departement", "29"): 1, ("region", "53"): 1,
                     ("departement", "56"): 0, ("commune", "29232"): 0}
