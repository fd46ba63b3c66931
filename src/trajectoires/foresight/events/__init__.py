"""Events: a foresight day (or cycle) for a territory, its programme, material and files.

- :mod:`~trajectoires.foresight.events.models`: the tables ``event``, ``event_item``
  and ``event_file`` (plain, documented column by column);
- :mod:`~trajectoires.foresight.events.service`: create, edit, delete, read, list;
- :mod:`~trajectoires.foresight.events.programme`: talks and workshops of the
  programme (add, edit, remove, reorder, link and unlink workshops);
- :mod:`~trajectoires.foresight.events.files`: uploaded PDF and images (type read in
  the content, size capped), stored in the workspace folder;
- :mod:`~trajectoires.foresight.events.ical`: the iCalendar export of an event;
- :mod:`~trajectoires.foresight.events.demo`: the example event of the demo.

Only the event's facilitator (the organiser account that created it) changes it;
everyone reads it. Times are stored in UTC and read and shown in Europe/Paris.
"""

from trajectoires.foresight.events import messages as _messages  # noqa: F401 (the catalogue)
from trajectoires.foresight.events.programme import (
    ItemInput,
    add_talk,
    link_workshop,
    move_item,
    remove_item,
    unlink_workshop,
    update_item,
)
from trajectoires.foresight.events.service import (
    EventInput,
    create_event,
    delete_event,
    get_event,
    list_events,
    own_event,
    publish_event,
    unpublish_event,
    update_event,
)
from trajectoires.foresight.events.views import EventDetail, EventView, FileView, ItemView

__all__ = [
    "EventDetail",
    "EventInput",
    "EventView",
    "FileView",
    "ItemInput",
    "ItemView",
    "add_talk",
    "create_event",
    "delete_event",
    "get_event",
    "link_workshop",
    "list_events",
    "move_item",
    "own_event",
    "publish_event",
    "remove_item",
    "unlink_workshop",
    "unpublish_event",
    "update_event",
    "update_item",
]
