"""`verify`: the hash chain, the projections against the log, and the signed checkpoints.

Three questions, one report (`contract.ChainReport`):

1. Does every event hash to its stored hash and link to the one before (`verify_chain`)?
2. Do the projections say what the log says? The log is folded from its first event with the
   consumers' rules (`platform_api.fold`) and compared with the live state the tables serve
   (`/v1/state`); every differing row is named (`units/<id>: callsign`). An edited
   projection row (a unit's callsign) is otherwise served to every console unnoticed.
   Entities that left the live state (closed incidents, finished calls) are kept only in the
   log and its recordings, and are not compared.
3. Does the log still carry the hashes the platform signed outside the database
   (`platform_api.anchor`)? A rewritten chain passes 1 but fails 3.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from platform_api import anchor
from platform_api.contract import ChainReport
from platform_api.contract.fold import KINDS, StateFold
from platform_api.db.models import EventRow
from platform_api.eventlog import head_seq, iter_all, verify_chain
from platform_api.services.views import current_state


def fold_log(session: Session) -> StateFold:
    fold = StateFold(0, {kind: {} for kind in KINDS})
    for row in iter_all(session):
        fold.apply(row.seq, row.ts, row.type, json.loads(row.payload))
    return fold


def _fields(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def projection_differences(session: Session) -> list[str]:
    """Rows of the live state where the tables and the folded log disagree, by name."""
    folded = fold_log(session).to_state().model_dump(mode="json")
    served = current_state(session).model_dump(mode="json")
    found: list[str] = []
    for kind in KINDS:
        by_log = {e["id"]: e for e in folded[kind]}
        by_table = {e["id"]: e for e in served[kind]}
        for id_ in sorted(set(by_log) | set(by_table)):
            log_form, table_form = by_log.get(id_), by_table.get(id_)
            if log_form is None:
                found.append(f"{kind}/{id_}: in the tables, not in the log")
            elif table_form is None:
                found.append(f"{kind}/{id_}: in the log, not in the tables")
            elif log_form != table_form:
                found.append(f"{kind}/{id_}: {', '.join(_fields(log_form, table_form))} differ")
    return found


def verify(
    session: Session, checkpoints: Path | None = None, public_key: Path | None = None
) -> ChainReport:
    """The whole check; `checkpoints` and `public_key` given when the log is anchored."""
    head = head_seq(session)
    report = verify_chain(iter_all(session), head)
    differences = projection_differences(session)
    problems: list[str] = []
    checked: int | None = None
    if checkpoints is not None and public_key is not None:

        def hash_at(seq: int) -> str | None:
            row = session.get(EventRow, seq)
            return None if row is None else row.hash

        result = anchor.check(checkpoints, anchor.load_public_key(public_key), hash_at)
        checked, problems = result.checked, result.problems
    reasons = [r for r in (report.reason,) if r] + problems
    if differences:
        reasons.append(f"{len(differences)} projection rows differ from the log")
    return ChainReport(
        ok=report.ok and not differences and not problems,
        checked=report.checked,
        head_seq=report.head_seq,
        first_bad_seq=report.first_bad_seq,
        reason="; ".join(reasons) or None,
        projection_differences=differences,
        checkpoints_checked=checked,
        checkpoint_problems=problems,
    )
