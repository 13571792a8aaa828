"""Logging for `platform-api`: plain text for people, JSON lines for log collectors, and the
access log.

`configure("json")` makes every line on stderr one JSON object (`ts`, `level`, `logger`,
`message`, and any structured fields a record carries, such as the access log's `method`,
`path`, `status`, `duration_ms`, `client`), so a collector (journald's JSON export, Loki,
Elasticsearch) needs no parsing rules. uvicorn's own loggers are left unconfigured by the
platform (`log_config=None` in `embedded`), so they come out the same way.

The access log is one line per request on the `platform_api.access` logger, written by the
app's middleware when `Settings.access_log` is set (`platform-api serve` sets it unless
`--no-access-log`). It holds no header (no bearer token reaches a log) and no query string
(`/v1/geo/search?q=` carries a caller's address: personal data); probes and
metrics scrapes (`/livez`, `/readyz`, `/healthz`, `/metrics`) are logged at DEBUG, below the
default level, so a probe every few seconds does not bury the requests that matter. An
event stream's line is written when its response starts, so its duration is the time to
the first byte.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
access_log = logging.getLogger("platform_api.access")
_QUIET_PATHS = frozenset({"/livez", "/readyz", "/healthz", "/metrics"})
# Attributes every LogRecord has; anything else on a record came from `extra=` and is data.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


def configure(fmt: str = "text", level: int = logging.INFO) -> None:
    """Send logs to stderr in `fmt` ("text" or "json"); idempotent.

    When something else already configured the root logger (a test runner, an application
    embedding the platform), it is left as it is, as `logging.basicConfig` would.
    """
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, "_control_room", False)]
    if root.handlers and not ours:
        return
    for handler in ours:
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._control_room = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the simulator's requests are noise


def log_request(method: str, path: str, status: int, duration_s: float, client: str | None) -> None:
    """One access-log line (see the module docstring for what it leaves out and why)."""
    level = logging.DEBUG if path in _QUIET_PATHS else logging.INFO
    if not access_log.isEnabledFor(level):
        return
    duration_ms = round(duration_s * 1000, 1)
    access_log.log(
        level,
        "%s %s %d %.1f ms %s",
        method,
        path,
        status,
        duration_ms,
        client or "-",
        extra={
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
            "client": client,
        },
    )
