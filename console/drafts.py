"""Incident-form drafts kept on disk, so nothing typed is lost to a closed form or a crash.

One JSON file per user and platform; a draft is keyed by the call it belongs to (or
"walk-in"). Writes go to a temporary file renamed over the old one, so a crash mid-write
leaves the previous draft intact.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

WALK_IN = "walk-in"


class Drafts:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._drafts: dict[str, dict[str, Any]] = {}
        if path.exists():
            try:
                loaded = json.loads(path.read_text("utf-8"))
            except (OSError, json.JSONDecodeError):
                # A damaged file must not stop the console; keep it aside for a look.
                path.replace(path.with_suffix(".damaged"))
            else:
                if isinstance(loaded, dict):
                    self._drafts = {str(k): v for k, v in loaded.items() if isinstance(v, dict)}

    def load(self, key: str) -> dict[str, Any] | None:
        return self._drafts.get(key)

    def keys(self) -> list[str]:
        return list(self._drafts)

    def save(self, key: str, fields: dict[str, Any]) -> None:
        if self._drafts.get(key) == fields:
            return
        self._drafts[key] = fields
        self._write()

    def discard(self, key: str) -> None:
        if self._drafts.pop(key, None) is not None:
            self._write()

    def _write(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._drafts, indent=1), "utf-8")
        tmp.replace(self._path)
