"""The role matrix: every right, who holds it, and which route needs it. One place.

Routes do not name roles. Each one takes the `Authorised` user (`platform_api.auth`), which
looks its own (method, path) up in `ROUTE_RIGHTS` and lets in the roles `RIGHTS` gives that
right. `create_app` refuses to start if a route is in neither `ROUTE_RIGHTS` nor
`PUBLIC_ROUTES`; docs/platform.md's role table is generated from here (`role_table`) and a
test fails when the two differ; another test walks every route with every role.

The gateway (telephony and AVL) writes what those systems write and reads nothing of
callers: it may read a unit or an assignment (an MDT needs their versions), not the state,
calls, incidents or the event stream. Admin holds every right.
"""

from __future__ import annotations

from enum import StrEnum

from platform_api.contract import Role


class Right(StrEnum):
    SIGNED_IN = "who am I, sign out"
    READ_LIVE = "read the live state, calls, incidents and the event stream (callers' details)"
    READ_UNITS = "read a unit or an assignment"
    GEOCODE = "search addresses and places"
    READ_AREA = "read the area served: its force pack, map layers and gazetteer"
    RECEIVE_CALL = "receive a call (telephony), or key one in"
    REPORT_HANG_UP = "report that a caller hung up before an answer"
    HANDLE_CALL = "answer a call; close, raise an incident from or link a call one answered"
    CLOSE_OTHERS_CALL = "close a call someone else answered"
    EDIT_INCIDENT = "create, grade, relocate an incident; add log entries"
    CLOSE_INCIDENT = "close an incident"
    CREATE_UNIT = "create units (resource management)"
    REPORT_POSITIONS = "post AVL positions"
    UNIT_STATUS = "set a unit's status (available, committed, unavailable)"
    PROGRESS = "report an assignment's progress (en route, at scene, cleared)"
    CREW = "book a unit's crew on or off (resource management)"
    ACKNOWLEDGE = "acknowledge a dispatch (the unit's device)"
    READ_MARKERS = "read the warning markers at a place or for an incident"
    MANAGE_MARKERS = "create, revise and retire warning markers; list those due for review"
    DISPATCH = "assign and stand down units"
    REALLOCATE = "reallocate a committed unit (reason required)"
    AUDIT = "verify the log, export recordings, see who read callers' details"
    METRICS = "read the Prometheus metrics"
    MANAGE_USERS = "add users, lift a sign-in lockout"
    SEED_TRAINING = "seed a training sandbox (training platforms only)"


_HANDLERS = {Role.CALL_TAKER, Role.DISPATCHER, Role.SUPERVISOR}
_DISPATCH = {Role.DISPATCHER, Role.SUPERVISOR}
_HUMANS = {Role.CALL_TAKER, Role.DISPATCHER, Role.SUPERVISOR, Role.TRAINER}

# Who holds each right, besides admin (who holds them all).
_HOLDERS: dict[Right, set[Role]] = {
    Right.SIGNED_IN: {*_HUMANS, Role.GATEWAY},
    Right.READ_LIVE: _HUMANS,
    Right.READ_UNITS: {*_HUMANS, Role.GATEWAY},
    Right.GEOCODE: {*_HUMANS, Role.GATEWAY},
    Right.READ_AREA: _HUMANS,
    Right.RECEIVE_CALL: {Role.GATEWAY, *_HANDLERS},
    Right.REPORT_HANG_UP: {Role.GATEWAY},
    Right.HANDLE_CALL: _HANDLERS,
    Right.CLOSE_OTHERS_CALL: {Role.SUPERVISOR},
    Right.EDIT_INCIDENT: _HANDLERS,
    Right.CLOSE_INCIDENT: _DISPATCH,
    Right.CREATE_UNIT: {Role.GATEWAY},
    Right.REPORT_POSITIONS: {Role.GATEWAY},
    Right.UNIT_STATUS: {Role.GATEWAY, *_DISPATCH},
    Right.PROGRESS: {Role.GATEWAY, *_DISPATCH},
    Right.CREW: {Role.GATEWAY, *_DISPATCH},
    Right.ACKNOWLEDGE: {Role.GATEWAY},
    Right.READ_MARKERS: {*_HUMANS, Role.GATEWAY},
    Right.MANAGE_MARKERS: {Role.SUPERVISOR},
    Right.DISPATCH: _DISPATCH,
    Right.REALLOCATE: {Role.SUPERVISOR},
    Right.AUDIT: {Role.SUPERVISOR, Role.TRAINER},
    Right.METRICS: {Role.SUPERVISOR},
    Right.MANAGE_USERS: set(),
    Right.SEED_TRAINING: set(),
}

RIGHTS: dict[Right, frozenset[Role]] = {
    right: frozenset(holders | {Role.ADMIN}) for right, holders in _HOLDERS.items()
}

ROUTE_RIGHTS: dict[tuple[str, str], Right] = {
    ("POST", "/v1/auth/logout"): Right.SIGNED_IN,
    ("GET", "/v1/auth/me"): Right.SIGNED_IN,
    ("GET", "/v1/state"): Right.READ_LIVE,
    ("GET", "/v1/calls"): Right.READ_LIVE,
    ("GET", "/v1/calls/{call_id}"): Right.READ_LIVE,
    ("GET", "/v1/incidents/{incident_id}"): Right.READ_LIVE,
    ("GET", "/v1/events"): Right.READ_LIVE,
    ("GET", "/v1/units/{unit_id}"): Right.READ_UNITS,
    ("GET", "/v1/assignments/{assignment_id}"): Right.READ_UNITS,
    ("GET", "/v1/geo/search"): Right.GEOCODE,
    ("GET", "/v1/geo/reverse"): Right.GEOCODE,
    ("GET", "/v1/pack"): Right.READ_AREA,
    ("GET", "/v1/pack/map"): Right.READ_AREA,
    ("GET", "/v1/pack/gazetteer"): Right.READ_AREA,
    ("POST", "/v1/calls"): Right.RECEIVE_CALL,
    ("POST", "/v1/calls/{call_id}/abandon"): Right.REPORT_HANG_UP,
    ("POST", "/v1/calls/{call_id}/answer"): Right.HANDLE_CALL,
    ("POST", "/v1/calls/{call_id}/close"): Right.HANDLE_CALL,
    ("POST", "/v1/calls/{call_id}/incident"): Right.HANDLE_CALL,
    ("POST", "/v1/calls/{call_id}/link"): Right.HANDLE_CALL,
    ("POST", "/v1/incidents"): Right.EDIT_INCIDENT,
    ("POST", "/v1/incidents/{incident_id}/grade"): Right.EDIT_INCIDENT,
    ("POST", "/v1/incidents/{incident_id}/log"): Right.EDIT_INCIDENT,
    ("POST", "/v1/incidents/{incident_id}/location"): Right.EDIT_INCIDENT,
    ("POST", "/v1/incidents/{incident_id}/close"): Right.CLOSE_INCIDENT,
    ("POST", "/v1/units"): Right.CREATE_UNIT,
    ("POST", "/v1/positions"): Right.REPORT_POSITIONS,
    ("POST", "/v1/units/{unit_id}/status"): Right.UNIT_STATUS,
    ("POST", "/v1/assignments/{assignment_id}/progress"): Right.PROGRESS,
    ("POST", "/v1/units/{unit_id}/book-on"): Right.CREW,
    ("POST", "/v1/units/{unit_id}/book-off"): Right.CREW,
    ("POST", "/v1/assignments/{assignment_id}/acknowledge"): Right.ACKNOWLEDGE,
    ("GET", "/v1/history"): Right.READ_LIVE,
    ("GET", "/v1/markers/near"): Right.READ_MARKERS,
    ("GET", "/v1/incidents/{incident_id}/markers"): Right.READ_MARKERS,
    ("POST", "/v1/markers"): Right.MANAGE_MARKERS,
    ("POST", "/v1/markers/{marker_id}/revise"): Right.MANAGE_MARKERS,
    ("POST", "/v1/markers/{marker_id}/retire"): Right.MANAGE_MARKERS,
    ("GET", "/v1/markers/due"): Right.MANAGE_MARKERS,
    ("POST", "/v1/units/{unit_id}/assign"): Right.DISPATCH,
    ("POST", "/v1/units/{unit_id}/stand-down"): Right.DISPATCH,
    ("POST", "/v1/units/{unit_id}/reallocate"): Right.REALLOCATE,
    ("GET", "/v1/audit/verify"): Right.AUDIT,
    ("GET", "/v1/recordings"): Right.AUDIT,
    ("GET", "/v1/audit/reads"): Right.AUDIT,
    ("GET", "/metrics"): Right.METRICS,
    ("POST", "/v1/users"): Right.MANAGE_USERS,
    ("DELETE", "/v1/users/{username}/lockout"): Right.MANAGE_USERS,
    ("POST", "/v1/training/seed"): Right.SEED_TRAINING,
}

# Open to anyone: signing in, liveness, and the contract itself.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("POST", "/v1/auth/login"),
        ("GET", "/healthz"),
        ("GET", "/livez"),
        ("GET", "/readyz"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/docs/oauth2-redirect"),
        ("GET", "/redoc"),
    }
)


def may(role: Role, right: Right) -> bool:
    return role in RIGHTS[right]


def role_table() -> str:
    """The Markdown table docs/platform.md carries (a test keeps the two the same)."""
    roles = [Role.GATEWAY, Role.CALL_TAKER, Role.DISPATCHER, Role.SUPERVISOR, Role.TRAINER]
    roles.append(Role.ADMIN)
    lines = [
        "| right | " + " | ".join(r.value for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for right in Right:
        marks = " | ".join("✓" if may(r, right) else "" for r in roles)
        lines.append(f"| {right.value} | {marks} |")
    return "\n".join(lines) + "\n"


def routes_table() -> str:
    """Which right each route needs (also generated into docs/platform.md)."""
    lines = ["| route | right |", "|---|---|"]
    for (method, path), right in ROUTE_RIGHTS.items():
        lines.append(f"| `{method} {path}` | {right.value} |")
    return "\n".join(lines) + "\n"


def docs_block() -> str:
    """The generated part of docs/platform.md's Roles section."""
    return role_table() + "\n" + routes_table()


if __name__ == "__main__":
    print(docs_block(), end="")
