"""Configuration from the environment, and database URLs made safe to print.

Every `platform-api` option can come from a `CR_` variable (`--db` from `CR_DB_URL`,
`--port` from `CR_PORT`...; `platform-api serve --help` names each one). A flag given on the
command line wins over its variable, and a variable over the built-in default, so a systemd
unit or a container sets the site's configuration once and an operator can still override
one value by hand.

A database URL holds the password, and a command line is readable by every user of the
machine (`ps`, `/proc/*/cmdline`), so the URL need never be given there: `CR_DB_URL`, or
`CR_DB_URL_FILE` naming a file that holds it (systemd's `LoadCredential=`, a container
secret). With PostgreSQL the URL may also leave the password out and let libpq find it
(`PGPASSFILE`, `~/.pgpass`). Whatever prints or logs a URL goes through `mask_url`.

A variable that does not parse is an `EnvError` naming it; `platform-api` exits 2 with it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PREFIX = "CR_"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})
# Query parameters that libpq (and so psycopg) reads as secrets.
_SECRET_PARAMS = frozenset({"password", "sslpassword"})


class EnvError(ValueError):
    """A configuration variable that does not parse; the message names it."""


def _get(name: str, environ: Mapping[str, str] | None) -> str | None:
    env = os.environ if environ is None else environ
    value = env.get(name)
    return None if value is None else value.strip()


def env_str(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The variable's text, or None when unset or empty."""
    value = _get(name, environ)
    return value or None


def env_int(name: str, environ: Mapping[str, str] | None = None) -> int | None:
    value = env_str(name, environ)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise EnvError(f"{name} must be a whole number, not {value!r}") from None


def env_float(name: str, environ: Mapping[str, str] | None = None) -> float | None:
    value = env_str(name, environ)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise EnvError(f"{name} must be a number, not {value!r}") from None


def env_bool(name: str, environ: Mapping[str, str] | None = None) -> bool | None:
    """1/true/yes/on or 0/false/no/off (any case); None when unset."""
    value = _get(name, environ)
    if value is None:
        return None
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise EnvError(f"{name} must be one of 1/true/yes/on or 0/false/no/off, not {value!r}")


def env_list(name: str, environ: Mapping[str, str] | None = None) -> list[str]:
    """Several values separated by the path separator (':' on Unix), as in PATH."""
    value = env_str(name, environ)
    return [] if value is None else [v for v in value.split(os.pathsep) if v]


def env_choice(
    name: str, choices: tuple[str, ...], environ: Mapping[str, str] | None = None
) -> str | None:
    value = env_str(name, environ)
    if value is not None and value not in choices:
        raise EnvError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def db_url_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """`CR_DB_URL`, or the first line of the file `CR_DB_URL_FILE` names; not both."""
    url = env_str(PREFIX + "DB_URL", environ)
    path = env_str(PREFIX + "DB_URL_FILE", environ)
    if url and path:
        raise EnvError("set CR_DB_URL or CR_DB_URL_FILE, not both")
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise EnvError(f"CR_DB_URL_FILE: cannot read {path}: {exc.strerror}") from None
        if not text:
            raise EnvError(f"CR_DB_URL_FILE: {path} is empty")
        return text.splitlines()[0].strip()
    return url


def mask_url(url: str) -> str:
    """The URL with its password (and any secret query parameter) shown as ***."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return "<a database URL that does not parse>"
    hidden = {
        key: "***" if key.lower() in _SECRET_PARAMS else value
        for key, value in parsed.query.items()
    }
    return parsed.set(query=hidden).render_as_string(hide_password=True)
