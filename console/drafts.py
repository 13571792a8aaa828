"""Incident-form drafts kept on disk, so nothing typed is lost to a closed form or a crash.

A draft is an `IncidentDraft`: what the call-taker has entered so far, typed, and turned into
the contract's `IncidentCreate` only when it is complete. One JSON file per user and
platform holds them, keyed by the call a draft belongs to (or "walk-in"). Writes go to a
temporary file renamed over the old one, so a crash mid-write leaves the previous draft.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from platform_api.contract import Grade, IncidentCreate, IncidentLocation, Thrive

WALK_IN = "walk-in"


class PickedPoint(TypedDict):
    """A location chosen in the form: where, what it is called, and how it was found."""

    lat: float
    lon: float
    address: str | None
    borough: str | None
    inside: bool | None  # inside the force area; None until the platform has said
    source: str  # "address", "handset" or "map"


@dataclass(frozen=True)
class IncidentDraft:
    classification: str = ""
    grade: Grade | None = None
    caller_name: str = ""
    narrative: str = ""
    thrive: dict[str, str] = field(default_factory=dict)
    location: PickedPoint | None = None

    def is_empty(self) -> bool:
        return (
            not any(
                (self.classification, self.grade, self.caller_name, self.narrative, self.thrive)
            )
            and self.location is None
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["grade"] = self.grade.value if self.grade else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IncidentDraft:
        """Tolerant: a field that is missing or of the wrong kind is left empty."""
        grade = data.get("grade")
        thrive = data.get("thrive")
        location = data.get("location")
        return cls(
            classification=str(data.get("classification") or ""),
            grade=Grade(grade) if grade in set(Grade) else None,
            caller_name=str(data.get("caller_name") or ""),
            narrative=str(data.get("narrative") or ""),
            thrive={str(k): str(v) for k, v in thrive.items()} if isinstance(thrive, dict) else {},
            location=PickedPoint(**location) if isinstance(location, dict) else None,  # type: ignore[typeddict-item]
        )

    def incident_create(self, classification: str, caller: str | None) -> IncidentCreate:
        """The command's body; `caller` ("name (number)") heads the narrative for a call.

        Raises ValueError (pydantic's) when a required field is missing: validate first.
        """
        if self.location is None or self.grade is None:
            raise ValueError("a draft needs a grade and a location")
        narrative = self.narrative.strip()
        if caller:
            narrative = f"Caller: {caller}\n{narrative}".strip()
        point = self.location
        return IncidentCreate(
            opening_classification=classification,
            grade=self.grade,
            location=IncidentLocation(lat=point["lat"], lon=point["lon"], address=point["address"]),
            thrive=Thrive(**{k: v for k, v in self.thrive.items() if v}),
            narrative=narrative or None,
        )


class Drafts:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._drafts: dict[str, IncidentDraft] = {}
        if path.exists():
            try:
                loaded = json.loads(path.read_text("utf-8"))
            except (OSError, json.JSONDecodeError):
                # A damaged file must not stop the console; keep it aside for a look.
                path.replace(path.with_suffix(".damaged"))
            else:
                if isinstance(loaded, dict):
                    self._drafts = {
                        str(k): IncidentDraft.from_json(v)
                        for k, v in loaded.items()
                        if isinstance(v, dict)
                    }

    def load(self, key: str) -> IncidentDraft | None:
        return self._drafts.get(key)

    def keys(self) -> list[str]:
        return list(self._drafts)

    def save(self, key: str, draft: IncidentDraft) -> None:
        if self._drafts.get(key) == draft:
            return
        self._drafts[key] = draft
        self._write()

    def discard(self, key: str) -> None:
        if self._drafts.pop(key, None) is not None:
            self._write()

    def _write(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        data = {key: draft.to_json() for key, draft in self._drafts.items()}
        tmp.write_text(json.dumps(data, indent=1), "utf-8")
        tmp.replace(self._path)
