"""Which dispatches are overdue for acknowledgement, judged by the Store's clock.

The platform stamps each assignment with `ack_due_at` (site data: seconds by grade); a
console compares it with `Store.now()` (`AssignmentPublic.unacknowledged_at`), so the flag
appears on time without asking the platform anything, and a replay flags what the
recording's clock says was overdue.
"""

from __future__ import annotations

from console.store import Store
from platform_api.contract import AssignmentPublic

FLAG = "NOT ACKNOWLEDGED"


def unit_assignments(store: Store) -> dict[str, AssignmentPublic]:
    """Each committed unit's live assignment, by unit id."""
    return {a.unit_id: a for a in store.assignments.values()}
