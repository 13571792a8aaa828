"""Each role starts from a layout made for its work, and is not offered what it may not do.

The platform decides what a role may do (platform_api/auth.py: call handlers answer and raise
incidents; dispatchers and supervisors also assign, stand down and set unit status; trainers
watch and export). A console that offers a call-taker "Assign" and then stops them with
"role call_taker may not do this" wastes a moment nobody has: here the docks a role does not
use are hidden (View brings any back) and the actions it may not take are disabled.

The layout applied here is the role's default: "Reset layout" returns to it, and a user's own
arrangement is saved per user on top of it, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

CALL_HANDLERS = ("call_taker", "dispatcher", "supervisor")
DISPATCHERS = ("dispatcher", "supervisor", "admin")


@dataclass(frozen=True)
class RoleLayout:
    hidden: tuple[str, ...]  # docks not shown at first
    raised: tuple[str, ...]  # the tab in front where docks share a place
    may_take_calls: bool
    may_dispatch: bool


LAYOUTS = {
    # queue, form (with its duplicates), map; the status bar counts what waits to be sent
    "call_taker": RoleLayout(
        hidden=("incidents", "recommend", "units", "room", "events", "outbox"),
        raised=("form",),
        may_take_calls=True,
        may_dispatch=False,
    ),
    "dispatcher": RoleLayout(
        hidden=("room",), raised=("detail", "events"), may_take_calls=True, may_dispatch=True
    ),
    "supervisor": RoleLayout(
        hidden=(), raised=("detail", "room"), may_take_calls=True, may_dispatch=True
    ),
    # watches the room and the log; exports recordings (View menu)
    "trainer": RoleLayout(
        hidden=("form", "recommend", "outbox"),
        raised=("detail", "room"),
        may_take_calls=False,
        may_dispatch=False,
    ),
}


def layout_for(role: str) -> RoleLayout:
    """The role's layout; an unknown role (admin) gets the supervisor's."""
    return LAYOUTS.get(role, LAYOUTS["supervisor"])
