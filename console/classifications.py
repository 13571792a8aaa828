"""Opening classifications for the incident form, from a file a site can edit.

Call-takers type what the caller says ("knife", "rtc"), so a search matches names and
keywords, names first. The shipped list is `resources/call_handling/classifications.json`;
a site's own comes in through `ConsoleSettings.classifications_file` (the composition root
loads it and hands it to the form).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from platform_api.contract import Grade


@dataclass(frozen=True)
class Classification:
    name: str
    grade: Grade  # the grade usually given; the call-taker decides
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Classifications:
    items: tuple[Classification, ...]

    @classmethod
    def load(cls, path: Path | None = None) -> Classifications:
        """A site's JSON file, or the shipped list when None."""
        if path is None:
            resource = resources.files("resources") / "call_handling" / "classifications.json"
            text = resource.read_text("utf-8")
        else:
            text = path.read_text("utf-8")
        return cls(
            tuple(
                Classification(c["name"], Grade(c["grade"]), tuple(c["keywords"]))
                for c in json.loads(text)["classifications"]
            )
        )

    def by_name(self, name: str) -> Classification | None:
        folded = name.strip().casefold()
        return next((c for c in self.items if c.name.casefold() == folded), None)

    def search(self, text: str) -> list[Classification]:
        """Names starting with the text, then names containing it, then keyword matches."""
        folded = text.strip().casefold()
        if not folded:
            return list(self.items)
        starts = [c for c in self.items if c.name.casefold().startswith(folded)]
        contains = [c for c in self.items if folded in c.name.casefold() and c not in starts]
        keyword = [
            c
            for c in self.items
            if c not in starts
            and c not in contains
            and any(folded in k or k.startswith(folded) for k in c.keywords)
        ]
        return starts + contains + keyword
