"""`platform-api`: serve the platform, check the log's hash chain, add users.

platform-api serve [--db URL] [--host H] [--port P] [--simulate] [--demo-users]
                   [--geocoder-url URL] [--gazetteer FILE]...
platform-api verify [--db URL] [--anchor-key FILE] [--checkpoints FILE] [--no-anchor]
platform-api user-add NAME ROLE [--db URL] [--display-name TEXT]   (password on stdin)
platform-api unlock NAME [--db URL]  (lift a sign-in lockout)
platform-api export [--db URL] [--from ISO] [--to ISO] [--from-seq N] [--to-seq N]
                    [--redact] FILE
platform-api import-sf CSV FILE      (San Francisco fire calls -> a recording)
"""

from __future__ import annotations

import argparse
import getpass
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from types import FrameType

import platformdirs
from sqlalchemy.orm import Session

from platform_api import audit, auth
from platform_api.anchor import default_paths, public_path
from platform_api.contract import Role
from platform_api.db.engine import make_engine, upgrade, write_session
from platform_api.embedded import EmbeddedPlatform
from platform_api.geocoding import GazetteerError
from platform_api.geocoding.geopy_adapter import split_url
from platform_api.settings import APP_NAME, Settings, default_db_url

log = logging.getLogger("platform_api")


def _serve(args: argparse.Namespace) -> int:
    for path in args.gazetteer:
        if not Path(path).is_file():
            print(f"no gazetteer file at {path}", file=sys.stderr)
            return 2
    anchor = _anchor_paths(args)
    metrics_token = None
    if args.metrics_token_file:
        metrics_token = Path(args.metrics_token_file).read_text(encoding="utf-8").strip() or None
    settings = Settings(
        db_url=args.db,
        demo_users=args.demo_users or args.simulate,
        geocoder_url=args.geocoder_url,
        gazetteer_files=tuple(args.gazetteer),
        metrics_token=metrics_token,
        anchor_key_file=str(anchor[0]) if anchor else None,
        anchor_file=str(anchor[1]) if anchor else None,
    )
    if args.geocoder_url and args.gazetteer:
        print("note: --gazetteer is not used when --geocoder-url is given", file=sys.stderr)
    try:
        platform = EmbeddedPlatform(
            settings,
            host=args.host,
            port=args.port,
            ssl_certfile=args.ssl_certfile,
            ssl_keyfile=args.ssl_keyfile,
        ).start()
    except GazetteerError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"platform listening on {platform.url} (database {args.db})", flush=True)
    if settings.demo_users:
        print(
            "demo users: calltaker, dispatcher, supervisor, trainer, admin (password 'demo')",
            flush=True,
        )
    sim = None
    if args.simulate:
        from platform_api.simulator import SimConfig, Simulator

        sim = Simulator(platform.url, SimConfig(call_rate_per_hour=args.call_rate))
        sim.start()
        print(f"simulated London shift running ({args.call_rate:g} calls/hour)", flush=True)
    done = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    done.wait()
    print("stopping...", flush=True)
    if sim is not None:
        sim.stop()
    platform.stop()
    return 0


def _anchor_paths(args: argparse.Namespace) -> tuple[Path, Path] | None:
    """The key and checkpoint files (`serve` and `verify` agree on the defaults)."""
    if args.no_anchor:
        return None
    key, log = default_paths(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)), args.db)
    return Path(args.anchor_key or key), Path(args.checkpoints or log)


def _verify_anchor_paths(args: argparse.Namespace) -> tuple[Path, Path] | None:
    """As `_anchor_paths`, except that defaults nobody ever wrote mean "not anchored"."""
    paths = _anchor_paths(args)
    if paths is None or args.anchor_key or args.checkpoints:
        return paths
    key, log = paths
    return paths if key.exists() or log.exists() else None


def _verify(args: argparse.Namespace) -> int:
    engine = make_engine(args.db)
    paths = _verify_anchor_paths(args)
    with Session(engine) as session, session.begin():
        if paths is None:
            report = audit.verify(session)
        else:
            key, checkpoints = paths
            public = public_path(key) if public_path(key).exists() else key
            report = audit.verify(session, checkpoints, public)
    print(report.model_dump_json(indent=2))
    return 0 if report.ok else 1


def _user_add(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass()
    if len(password) < 8:
        print("the password must have at least 8 characters", file=sys.stderr)
        return 2
    engine = make_engine(args.db)
    upgrade(engine)
    with write_session(engine) as session, session.begin():
        auth.add_user(session, args.name, args.display_name or args.name, Role(args.role), password)
    print(f"user {args.name} ({args.role}) added")
    return 0


def _unlock(args: argparse.Namespace) -> int:
    from platform_api import login_guard

    engine = make_engine(args.db)
    upgrade(engine)
    with write_session(engine) as session, session.begin():
        lifted = login_guard.clear(session, args.name)
    print(f"{args.name}: " + ("lockout lifted" if lifted else "no failed sign-ins"))
    return 0


def _export(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from platform_api.errors import PlatformError
    from platform_api.export import build_header, event_lines, recording_chunks, resolve_window

    engine = make_engine(args.db)
    source = f"platform {make_url(args.db).render_as_string(hide_password=True)}"
    try:
        with Session(engine) as session, session.begin():
            window = resolve_window(
                session,
                from_ts=args.from_ts,
                to_ts=args.to_ts,
                from_seq=args.from_seq,
                to_seq=args.to_seq,
            )
            header = build_header(session, window, source)
    except PlatformError as exc:
        print(f"{exc.field}: {exc.message}", file=sys.stderr)
        return 2
    out = Path(args.file)
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8") as stream:
        if args.redact:  # two passes over the events: the header needs the new last hash
            from platform_api.recording import header_line
            from platform_api.redact import redacted_events, redacted_header

            stream.write(header_line(redacted_header(header, event_lines(engine, window))) + "\n")
            for line in redacted_events(header, event_lines(engine, window)):
                stream.write(line + "\n")
        else:
            for chunk in recording_chunks(engine, header, window):
                stream.write(chunk)
    partial.replace(out)
    print(f"{header.event_count} events (seq {window.first_seq}..{window.last_seq}) -> {out}")
    return 0


def _import_sf(args: argparse.Namespace) -> int:
    from platform_api.sf_import import import_sf

    try:
        header = import_sf(Path(args.csv), Path(args.file))
    except (OSError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"{header.event_count} events from {args.csv} -> {args.file}")
    return 0


def _when(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO time: {value!r}") from exc
    if parsed.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a time zone, e.g. {value}Z")
    return parsed


def _geocoder_url(value: str) -> str:
    try:
        split_url(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return value.strip()


def _anchor_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--anchor-key",
        default=None,
        metavar="FILE",
        help="Ed25519 key that signs checkpoints of the log (made on first use; a verifier "
        "may give the .pub beside it); default: in the user data dir",
    )
    parser.add_argument(
        "--checkpoints",
        default=None,
        metavar="FILE",
        help="append-only file of signed checkpoints; default: in the user data dir, one "
        "per database",
    )
    parser.add_argument(
        "--no-anchor", action="store_true", help="no signed checkpoints (not for a live room)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="platform-api",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the platform server")
    serve.add_argument(
        "--db", default=None, help="SQLAlchemy URL (default: SQLite in the user data dir)"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8470)
    serve.add_argument(
        "--simulate",
        action="store_true",
        help="run the simulated London shift (implies --demo-users)",
    )
    serve.add_argument(
        "--demo-users",
        action="store_true",
        help="create demo users, one per role, password 'demo' (never in a real room)",
    )
    serve.add_argument("--ssl-certfile", default=None, help="serve HTTPS with this certificate")
    serve.add_argument("--ssl-keyfile", default=None, help="the certificate's private key")
    serve.add_argument("--call-rate", type=float, default=180.0, help="simulated calls per hour")
    serve.add_argument(
        "--geocoder-url",
        type=_geocoder_url,
        default=None,
        metavar="URL",
        help="geocode with this Nominatim-compatible server (via geopy) instead of the "
        "offline gazetteer",
    )
    serve.add_argument(
        "--gazetteer",
        action="append",
        default=[],
        metavar="FILE",
        help="add a gazetteer CSV (name,lat,lon) to the offline one; repeatable",
    )
    serve.add_argument(
        "--metrics-token-file",
        default=None,
        metavar="FILE",
        help="a file holding the bearer token the Prometheus scraper sends to /metrics",
    )
    _anchor_arguments(serve)
    serve.set_defaults(func=_serve)

    verify = sub.add_parser("verify", help="recompute the event log's hash chain")
    verify.add_argument("--db", default=None)
    _anchor_arguments(verify)
    verify.set_defaults(func=_verify)

    user = sub.add_parser("user-add", help="add a user; the password is read from stdin")
    user.add_argument("name")
    user.add_argument("role", choices=[r.value for r in Role])
    user.add_argument("--display-name", default=None)
    user.add_argument("--db", default=None)
    user.set_defaults(func=_user_add)

    unlock = sub.add_parser("unlock", help="lift a user's sign-in lockout")
    unlock.add_argument("name")
    unlock.add_argument("--db", default=None)
    unlock.set_defaults(func=_unlock)

    export = sub.add_parser("export", help="write a window of the event log as a recording")
    export.add_argument("file", metavar="FILE")
    export.add_argument("--db", default=None)
    export.add_argument("--from", dest="from_ts", type=_when, default=None, metavar="ISO")
    export.add_argument("--to", dest="to_ts", type=_when, default=None, metavar="ISO")
    export.add_argument("--from-seq", type=int, default=None, metavar="N")
    export.add_argument("--to-seq", type=int, default=None, metavar="N")
    export.add_argument(
        "--redact",
        action="store_true",
        help="pseudonymise callers' numbers and names (for training rooms)",
    )
    export.set_defaults(func=_export)

    sf = sub.add_parser("import-sf", help="turn the San Francisco fire calls CSV into a recording")
    sf.add_argument("csv", metavar="CSV")
    sf.add_argument("file", metavar="FILE")
    sf.set_defaults(func=_import_sf)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the simulator's requests are noise
    args = build_parser().parse_args(argv)
    if getattr(args, "db", "x") is None:
        args.db = default_db_url()
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
