"""Events through their services: programme, owner-only changes, files, iCalendar, search."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import icalendar
import pytest

from tests.foresight import factories as f
from trajectoires.foresight.errors import (
    ConflictError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
)
from trajectoires.foresight.events import (
    EventInput,
    ItemInput,
    add_talk,
    create_event,
    delete_event,
    get_event,
    link_workshop,
    list_events,
    move_item,
    remove_item,
    unlink_workshop,
    update_event,
    update_item,
)
from trajectoires.foresight.events.demo import ensure_demo_event
from trajectoires.foresight.events.files import attach_file, file_for_download, remove_file
from trajectoires.foresight.events.ical import event_calendar
from trajectoires.foresight.search import search_documents

pytestmark = pytest.mark.db

DAY = EventInput(title="Journée numérique du Finistère", starts_at="2027-03-14T09:00",
                 ends_at="2027-03-14T17:30", place="Quimper", organisers="Département\nRégion",
                 links="Note de cadrage | https://example.org/cadrage.pdf")
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _event(db, owner, fields: EventInput = DAY):
    with f.session(db) as s:
        return create_event(s, owner.id, f.FINISTERE, fields)


def _talk(db, owner, event, title="Ouverture", **kw):
    with f.session(db) as s:
        return add_talk(s, owner.id, event.slug, ItemInput(title, **kw))


def test_event_programme_and_owner_only(database, tmp_path) -> None:
    owner, other = f.facilitator(database), f.facilitator(database, "bruno@example.org")
    event = _event(database, owner)
    assert event.starts_at == datetime(2027, 3, 14, 8, 0, tzinfo=UTC)  # 09:00 in Paris (CET)
    assert event.organisers == ("Département", "Région")
    opening = _talk(database, owner, event, speaker="Anne", starts_at="2027-03-14T09:30")
    closing = _talk(database, owner, event, "Clôture", starts_at="2027-03-14T17:00")
    ws = f.imaginer(database, owner)
    with f.session(database) as s:
        linked = link_workshop(s, owner.id, event.slug, ws.slug, starts_at="2027-03-14T10:00")
    with f.session(database) as s:
        order = move_item(s, owner.id, event.slug, linked.id, "haut")
    assert [i.title for i in order] == ["Ouverture", ws.title, "Clôture"]
    with f.session(database) as s, pytest.raises(ConflictError):
        link_workshop(s, owner.id, event.slug, ws.slug)
    with f.session(database) as s:
        update_item(s, owner.id, event.slug, opening.id, ItemInput("Accueil", speaker="Léa"))
    detail = get_event(database.sessionmaker(), event.slug)
    assert [i.title for i in detail.items] == ["Accueil", ws.title, "Clôture"]
    assert detail.workshops[0].slug == ws.slug and detail.items[0].speaker == "Léa"
    for call in (lambda s: update_event(s, other.id, event.slug, DAY),
                 lambda s: add_talk(s, other.id, event.slug, ItemInput("Intrus")),
                 lambda s: remove_item(s, other.id, event.slug, closing.id, tmp_path),
                 lambda s: unlink_workshop(s, other.id, event.slug, ws.slug),
                 lambda s: delete_event(s, other.id, event.slug, tmp_path)):
        with f.session(database) as s, pytest.raises(NotAllowedError):
            call(s)
    with f.session(database) as s:
        unlink_workshop(s, owner.id, event.slug, ws.slug)
    assert [e.slug for e in list_events(database.sessionmaker(),
                                        territories=[("departement", "29")])] == [event.slug]


@pytest.mark.parametrize(("fields", "message"), [
    (ItemInput("Hors date", starts_at="2027-03-16T09:00"), "hors des dates"),
    (ItemInput("À l'envers", starts_at="2027-03-14T11:00", ends_at="2027-03-14T10:00"),
     "précède"),
    (ItemInput("Mauvaise heure", starts_at="demain matin"), "n'est pas une date"),
    (ItemInput("Lien", links="ftp://example.org/x"), "https://"),
    (ItemInput(""), "« Titre » est vide"),
])
def test_bad_programme_entries_are_refused(database, fields, message) -> None:
    owner = f.facilitator(database)
    event = _event(database, owner)
    with f.session(database) as s, pytest.raises(InvalidInputError, match=message):
        add_talk(s, owner.id, event.slug, fields)
    assert get_event(database.sessionmaker(), event.slug).items == ()


def test_files_checked_by_content_stored_in_the_folder(database, tmp_path) -> None:
    owner = f.facilitator(database)
    event = _event(database, owner)
    talk = _talk(database, owner, event)

    def attach(name, data, limit=1000, item=None):
        with f.session(database) as s:
            return attach_file(s, owner.id, event.slug, name=name, data=io.BytesIO(data),
                               folder=tmp_path, max_bytes=limit, item_id=item)

    kept = attach("Diapos.PDF", PDF, item=talk.id)
    assert (kept.name, kept.content_type, kept.size) == ("Diapos.pdf", "application/pdf", len(PDF))
    assert (tmp_path / str(event.id) / kept.stored_name).read_bytes() == PDF
    assert attach("photo.pdf", PNG).name == "photo.png"  # the content decides the type
    refusals = [
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 60, 1000, "« setup.pdf ».*programme Windows"),
        ("gros.pdf", PDF + b"x" * 1000, 1000, "« gros.pdf » est trop volumineux"),
        ("notes.pdf", b"Bonjour, voici mes notes.", 1000, "« notes.pdf ».*du texte"),
        ("slides.pdf", b"PK\x03\x04" + b"\x00" * 30, 1000, "« slides.pdf ».*ZIP"),
        ("vide.pdf", b"", 1000, "« vide.pdf » est vide"),
    ]
    for name, data, limit, message in refusals:
        with pytest.raises(InvalidInputError, match=message):
            attach(name, data, limit)
    detail = get_event(database.sessionmaker(), event.slug)
    assert len(detail.files) == 1 and len(detail.items[0].files) == 1  # nothing else kept
    assert sorted(p.name for p in (tmp_path / str(event.id)).iterdir()) == sorted(
        [kept.stored_name, detail.files[0].stored_name])  # no partial upload left
    with f.session(database) as s:
        remove_file(s, owner.id, event.slug, kept.id, tmp_path)
    with f.session(database) as s, pytest.raises(NotFoundError):
        file_for_download(s, event.slug, kept.id, tmp_path)
    with f.session(database) as s:
        delete_event(s, owner.id, event.slug, tmp_path)
    assert not (tmp_path / str(event.id)).exists()


def test_ical_parses_with_icalendar(database) -> None:
    owner = f.facilitator(database)
    event = _event(database, owner)
    _talk(database, owner, event, "Ouverture", speaker="Anne", organisation="Mairie",
          starts_at="2027-03-14T09:30", ends_at="2027-03-14T10:00")
    _talk(database, owner, event, "Sans horaire")
    calendar = icalendar.Calendar.from_ical(event_calendar(
        get_event(database.sessionmaker(), event.slug), "https://ateliers.example.org/e"))
    entries = calendar.walk("VEVENT")
    assert len(entries) == 2  # the event and its one timed entry
    day, talk = entries
    assert str(day["SUMMARY"]) == DAY.title and str(day["LOCATION"]) == "Quimper"
    assert day.decoded("DTSTART") == datetime(2027, 3, 14, 8, tzinfo=UTC)
    assert str(day.decoded("DTSTART").tzinfo) == "Europe/Paris"
    assert str(talk["SUMMARY"]) == "Ouverture — Anne, Mairie"
    assert talk.decoded("DTEND") == datetime(2027, 3, 14, 9, tzinfo=UTC)
    assert str(day["UID"]) != str(talk["UID"]) and str(day["URL"]).startswith("https://")
    assert calendar.walk("VTIMEZONE")


def test_events_feed_the_search_index(database, tmp_path) -> None:
    owner = f.facilitator(database)
    event = _event(database, owner)
    _talk(database, owner, event, "Les bibliothèques connectées")
    with f.session(database) as s:
        assert [h.key for h in search_documents(s, "bibliothèque").hits] == [event.slug]
    brest = f.Unit("commune", "29019", "Brest")
    with f.session(database) as s:  # moved to a commune: found under it and its département
        update_event(s, owner.id, event.slug, DAY, brest)
    with f.session(database) as s:
        for where in (("commune", "29019"), ("departement", "29")):
            found = search_documents(s, "numérique", territory=where, kind="event")
            assert [h.key for h in found.hits] == [event.slug], where
        assert search_documents(s, "numérique", territory=("commune", "29232")).total == 0
    with f.session(database) as s:
        delete_event(s, owner.id, event.slug, tmp_path)
    with f.session(database) as s:
        assert search_documents(s, "bibliothèque").total == 0


def test_demo_event_holds_the_example_workshops(database) -> None:
    from trajectoires.foresight.demo import ensure_demo_workshops

    owner = f.facilitator(database)
    with f.session(database) as s:
        workshops = ensure_demo_workshops(s, owner.id, f.FINISTERE)
    with f.session(database) as s:
        event = ensure_demo_event(s, owner.id, f.FINISTERE, workshops)
    with f.session(database) as s:
        assert ensure_demo_event(s, owner.id, f.FINISTERE, workshops).slug == event.slug
    detail = get_event(database.sessionmaker(), event.slug)
    assert event.example and event.title.startswith("Exemple")
    assert {w.slug for w in detail.workshops} == {w.slug for w in workshops}
    assert all("Exemple" in i.speaker for i in detail.items if not i.is_workshop)


def test_a_draft_event_is_its_facilitators_alone(database, tmp_path) -> None:
    """Prepared unpublished: not listed, not found, not searched, no open data; then published."""
    from trajectoires.foresight.events import publish_event, unpublish_event
    from trajectoires.foresight.opendata import ArchiveError, event_zip, public_workshop_data
    from trajectoires.foresight.publication import publish_workshop
    from trajectoires.foresight.workshops import set_phase

    owner, other = f.facilitator(database), f.facilitator(database, "bruno@example.org")
    with f.session(database) as s:
        draft = create_event(s, owner.id, f.FINISTERE, DAY, draft=True)
    _talk(database, owner, draft, "Les bibliothèques connectées")
    with f.session(database) as s:
        pdf = attach_file(s, owner.id, draft.slug, name="note.pdf", folder=tmp_path,
                          data=io.BytesIO(PDF), max_bytes=10_000)

    def seen(viewer: int | None) -> tuple:
        def attempt(call, refused):  # noqa: ANN001, ANN202
            with f.session(database) as s:
                try:
                    return call(s)
                except refused:
                    return "404"

        with f.session(database) as s:
            listed = draft.slug in [e.slug for e in list_events(s)]
        with database.session() as s:
            searched = draft.slug in [h.key for h in search_documents(s, "bibliothèque").hits]
        return (listed, searched,
                attempt(lambda s: get_event(s, draft.slug, viewer).event.is_draft, NotFoundError),
                attempt(lambda s: file_for_download(s, draft.slug, pdf.id, tmp_path, viewer)[0]
                        .name, NotFoundError),
                attempt(lambda s: bool(event_zip(s, draft.slug)), ArchiveError))

    published = f.kind_workshop(database, "debate", owner)  # a published workshop of it
    with f.session(database) as s:
        set_phase(s, owner.id, published.slug, "closed")
    with f.session(database) as s:
        publish_workshop(s, owner.id, published.slug)
    with f.session(database) as s:
        link_workshop(s, owner.id, draft.slug, published.slug)

    def in_its_open_data() -> int:
        with f.session(database) as s:
            return len(public_workshop_data(s, published.slug).tables["events"])

    assert in_its_open_data() == 0  # the draft is not in the workshop's open data
    assert draft.is_draft
    assert seen(None) == seen(other.id) == (False, False, "404", "404", "404")
    assert seen(owner.id) == (False, False, True, "note.pdf", "404")
    with f.session(database) as s:
        assert [e.slug for e in list_events(s, facilitator_id=owner.id)] == [draft.slug]
    with f.session(database) as s, pytest.raises(NotFoundError):
        update_event(s, other.id, draft.slug, DAY)  # someone else's draft is not found
    with f.session(database) as s, pytest.raises(NotFoundError):
        publish_event(s, other.id, draft.slug)
    with f.session(database) as s:
        assert not publish_event(s, owner.id, draft.slug).is_draft
    assert seen(None) == (True, True, False, "note.pdf", True)
    assert in_its_open_data() == 1
    with f.session(database) as s:
        assert unpublish_event(s, owner.id, draft.slug).is_draft
    assert seen(None) == (False, False, "404", "404", "404")


def test_a_draft_workshop_of_a_published_event_is_not_in_its_search_or_open_data(
        database, tmp_path) -> None:
    """The event page leaves out a workshop still in preparation: so do its search and ZIP."""
    import zipfile

    from trajectoires.foresight.opendata import event_zip
    from trajectoires.foresight.workshop_admin import delete_workshop
    from trajectoires.foresight.workshops import set_phase

    owner = f.facilitator(database)
    event = _event(database, owner)
    with f.session(database) as s:
        from trajectoires.foresight.workshops import create_workshop

        draft = create_workshop(s, owner.id, f.FINISTERE, "Atelier secret du bocage",
                                "Quelles médiathèques itinérantes pour 2030 ?")
    assert draft.is_draft
    with f.session(database) as s:
        link_workshop(s, owner.id, event.slug, draft.slug)

    def found() -> list[str]:
        with f.session(database) as s:
            return [h.key for h in search_documents(s, "itinérantes").hits]

    def in_zip() -> bool:
        with f.session(database) as s:
            data = event_zip(s, event.slug)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any("bocage" in archive.read(n).decode() for n in archive.namelist())

    assert get_event(database.sessionmaker(), event.slug).items == ()  # the page's rule
    assert (found(), in_zip()) == ([], False)
    with f.session(database) as s:  # opened: on the event page, so in its search and ZIP
        set_phase(s, owner.id, draft.slug, "open")
    assert (found(), in_zip()) == ([event.slug], True)
    with f.session(database) as s:  # back to preparation: out again
        set_phase(s, owner.id, draft.slug, "draft")
    assert (found(), in_zip()) == ([], False)
    with f.session(database) as s:
        set_phase(s, owner.id, draft.slug, "open")
    with f.session(database) as s:  # deleted: its words leave the event's document
        delete_workshop(s, owner.id, draft.slug)
    assert found() == []
