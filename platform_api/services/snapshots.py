"""Projection rows read and written with Core statements, for the commands on the hot path.

Why: in the throughput bench's profile the ORM's `Session.get` and its unit-of-work flush
were the largest part of a command's CPU on the writer thread (about a quarter of all the
platform's time). Commands run one at a time under the log head's lock
(`platform_api.eventlog`), so a handler may read a row, check it and then write the
columns it changes with one UPDATE, without the ORM's change tracking: nothing else can
change the row in between, in this process or another.

A snapshot is a transient instance of the mapped class, never added to the session, so the
public views (`views.incident_fields`, `call_public`...) read it as they read an ORM row;
`save` sets the new values on it and writes them. The event log empties the session's
identity map after each command, so a later command in the same transaction that loads the
same row through the ORM reads what was written here, not a stale copy.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from platform_api.errors import NotFound
from platform_api.services.views import KIND, Row


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


_SELECT = {
    model: select(*_table(model).c).where(_table(model).c.id == bindparam("pk")) for model in KIND
}
# No SET clause: Core sets the columns whose names the parameters carry.
_UPDATE = {
    model: update(_table(model)).where(_table(model).c.id == bindparam("pk")) for model in KIND
}


def find(session: Session, model: type[Row], entity_id: str) -> Row | None:
    """The row as a snapshot, or None."""
    # An id with a NUL character cannot exist, and PostgreSQL would refuse to look it up.
    if "\x00" in entity_id:
        return None
    found = session.connection().execute(_SELECT[model], {"pk": entity_id}).first()
    return None if found is None else model(**found._mapping)


def load(session: Session, model: type[Row], entity_id: str, field: str | None = None) -> Row:
    """The row as a snapshot, or a 404 naming `field` (default: `<kind>_id`)."""
    row = find(session, model, entity_id)
    if row is None:
        kind = KIND[model]
        raise NotFound(f"no {kind} with id {entity_id!r}", field=field or f"{kind}_id")
    return row


def save(session: Session, row: Row, **changes: Any) -> None:
    """Set `changes` on the snapshot and write them to its row in one UPDATE."""
    for name, value in changes.items():
        setattr(row, name, value)
    session.connection().execute(_UPDATE[type(row)], {"pk": row.id, **changes})
