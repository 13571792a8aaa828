"""Opening classifications for the incident form, from a file a site can edit.

Call-takers type what the caller says ("knife", "rtc"), so a search matches names and
keywords, names first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from platform_api.contract import Grade


@dataclass(frozen=True)
class Classification:
    name: str
    grade: Grade  # the grade usually given; the call-taker decides
    keywords: tuple[str, ...]


@cache
def classifications() -> tuple[Classification, ...]:
    text = (resources.files("resources") / "call_handling" / "classifications.json").read_text(
        "utf-8"
    )
    return tuple(
        Classification(c["name"], Grade(c["grade"]), tuple(c["keywords"]))
        for c in json.loads(text)["classifications"]
    )


def by_name(name: str) -> Classification | None:
    folded = name.strip().casefold()
    return next((c for c in classifications() if c.name.casefold() == folded), None)


def search(text: str) -> list[Classification]:
    """Names starting with the text, then names containing it, then keyword matches."""
    folded = text.strip().casefold()
    if not folded:
        return list(classifications())
    starts = [c for c in classifications() if c.name.casefold().startswith(folded)]
    contains = [c for c in classifications() if folded in c.name.casefold() and c not in starts]
    keyword = [
        c
        for c in classifications()
        if c not in starts
        and c not in contains
        and any(folded in k or k.startswith(folded) for k in c.keywords)
    ]
    return starts + contains + keyword
