"""Grades as the operator meets them: one letter, a word, a short label and a sort rank.

Every screen (the form's one-key grade box, the command line's `g I`, the board's column and
filter, the detail pane, the recommendations' reasons and command labels) reads this one
table, so a grade can never be spelt two ways. The response targets are the contract's
(`GRADE_TARGET_MINUTES`): the platform computes `target_at` from the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from platform_api.contract import GRADE_TARGET_MINUTES, Grade


@dataclass(frozen=True)
class GradeInfo:
    grade: Grade
    letter: str  # lower case; shown upper case
    word: str
    short: str  # for a narrow column


GRADES: tuple[GradeInfo, ...] = (
    GradeInfo(Grade.IMMEDIATE, "i", "Immediate", "Immediate"),
    GradeInfo(Grade.PRIORITY, "p", "Priority", "Priority"),
    GradeInfo(Grade.SCHEDULED, "s", "Scheduled", "Scheduled"),
    GradeInfo(
        Grade.RESOLVED_WITHOUT_DEPLOYMENT,
        "r",
        "Resolved without deployment",
        "Resolved w/o deployment",
    ),
)

BY_LETTER: dict[str, Grade] = {g.letter: g.grade for g in GRADES}
WORD: dict[Grade, str] = {g.grade: g.word for g in GRADES}
LABEL: dict[Grade, str] = {g.grade: f"{g.letter.upper()} - {g.short}" for g in GRADES}
RANK: dict[Grade, int] = {g.grade: rank for rank, g in enumerate(GRADES)}
KEYS_HELP = ", ".join(f"{g.letter.upper()} {g.word}" for g in GRADES)


def target_words(grade: Grade) -> str:
    minutes = GRADE_TARGET_MINUTES.get(grade)
    return f"attend within {minutes} min" if minutes else "no attendance target"


LETTER: dict[Grade, str] = {g.grade: g.letter.upper() for g in GRADES}
# A downgrade from these, and a stand-down from them, needs a reason (the platform refuses
# it without one: platform_api/services/incidents.py, REASON_NEEDED_FROM).
REASON_NEEDED_FROM = (Grade.IMMEDIATE, Grade.PRIORITY)


def needs_reason(old: Grade, new: Grade) -> bool:
    """Whether re-grading `old` to `new` is a downgrade that must give its reason."""
    return old in REASON_NEEDED_FROM and RANK[new] > RANK[old]
