"""Forces on one platform: whose each incident, unit, user and marker is.

A pack may hold several forces (Hampshire and Thames Valley share one contact management
platform). Where something is decides whose it is: the force of the district its point
falls in (the pack's districts each name their force), else the pack's first force (a
point just outside every district, an incident raised from a call with no location yet).

Rows from before forces (migration 0004 adds the column empty) are given the pack's first
force when the platform starts, so a single-force platform needs nothing more.
"""

from __future__ import annotations

from sqlalchemy import Engine, select, update

from platform_api.db.engine import seeding_session
from platform_api.db.models import IncidentRow, MarkerRow, UnitRow, UserRow
from platform_api.errors import Invalid
from platform_api.packs import ForcePack

_OWNED = (IncidentRow, UnitRow, UserRow, MarkerRow)


def force_at(pack: ForcePack, lat: float, lon: float) -> str:
    """The code of the force whose area the point is in (the first force outside all)."""
    district = pack.district_at(lat, lon)
    return district.force if district is not None else pack.home_force.code


def known_force(pack: ForcePack, code: str, field: str = "force") -> str:
    """`code` if the pack has such a force, else a 422 naming the pack's forces."""
    if code not in {f.code for f in pack.forces}:
        choices = ", ".join(f.code for f in pack.forces)
        raise Invalid(f"{field}: {code!r} is not a force of this platform ({choices})", field=field)
    return code


def prefix_of(pack: ForcePack, code: str | None) -> str:
    """The reference prefix of a force (of the first force for a row with none)."""
    for force in pack.forces:
        if force.code == code:
            return force.prefix
    return pack.home_force.prefix


def claim_unowned(engine: Engine, pack: ForcePack) -> None:
    """Give every row with no force (made before migration 0004) the pack's first force."""
    home = pack.home_force.code
    with seeding_session(engine) as session, session.begin():
        for model in _OWNED:
            session.execute(
                update(model).where(model.force.is_(None)).values(force=home)
            )


class OtherArea(RuntimeError):
    """The database holds the room of another pack's forces: serving this pack on it would
    mix two areas (a London room's incidents on a Hampshire map, the Met as a third force)."""


def check_forces_belong(engine: Engine, pack: ForcePack) -> None:
    """Refuse to start on a database whose rows belong to forces this pack does not have."""
    ours = {f.code for f in pack.forces}
    found: set[str] = set()
    with seeding_session(engine) as session:
        for model in _OWNED:
            found.update(
                code
                for code in session.scalars(select(model.force).distinct())
                if code is not None
            )
    if found - ours:
        raise OtherArea(
            f"this database holds the room of other forces ({', '.join(sorted(found - ours))}) "
            f"than the {pack.id} pack's ({', '.join(sorted(ours))}): start with that room's "
            "pack, or give this pack a database of its own"
        )
