"""`platform-api`: serve the platform, check the log's hash chain, add users, copy a database.

platform-api serve [--db URL] [--host H] [--port P] [--pack NAME|PATH] [--simulate] [--demo-users]
                   [--geocoder-url URL] [--gazetteer FILE]... [--no-access-log] [--no-migrate]
platform-api migrate [--db URL]     (bring the schema to the newest; safe to run concurrently)
platform-api verify [--db URL] [--anchor-key FILE] [--checkpoints FILE] [--no-anchor]
platform-api user-add NAME ROLE [--db URL] [--display-name TEXT]   (password on stdin)
platform-api unlock [NAME] [--address A] [--db URL]  (lift a lockout or an address throttle)
platform-api export [--db URL] [--from ISO] [--to ISO] [--from-seq N] [--to-seq N]
                    [--redact] FILE
platform-api import-calls CSV OUT --mapping MAPPING.toml [--pack NAME|PATH]
platform-api import-sf CSV OUT       (import-calls with the San Francisco mapping)
platform-api copy --from URL --to URL   (every table; the chain verified at the end)

Every command takes --log-format text|json. Options can come from CR_ environment
variables instead (CR_DB_URL or CR_DB_URL_FILE, CR_HOST, CR_PORT, CR_LOG_FORMAT, ...; each
option's help names its variable); a flag wins over its variable. Keep the database URL,
which holds its password, off the command line: use CR_DB_URL or CR_DB_URL_FILE.
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
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from platform_api import audit, auth, gctune, logs
from platform_api.anchor import default_paths, public_path
from platform_api.app import NotMigrated
from platform_api.contract import Role
from platform_api.db.engine import make_engine, snapshot_session, upgrade, write_session
from platform_api.embedded import EmbeddedPlatform
from platform_api.envconfig import (
    EnvError,
    db_url_from_env,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_str,
    mask_url,
)
from platform_api.forces import OtherArea
from platform_api.geocoding import GazetteerError
from platform_api.geocoding.geopy_adapter import split_url
from platform_api.imports.command import add_commands as add_import_commands
from platform_api.packs import DEFAULT_PACK, PackError, load_pack
from platform_api.settings import APP_NAME, Settings, default_db_url

log = logging.getLogger("platform_api")


def _serve(args: argparse.Namespace) -> int:
    gazetteer = args.gazetteer or env_list("CR_GAZETTEER")
    for path in gazetteer:
        if not Path(path).is_file():
            log.error("no gazetteer file at %s", path)
            return 2
    try:
        pack = load_pack(args.pack)
    except PackError as exc:
        log.error("%s", exc)
        return 2
    anchor = _anchor_paths(args)
    metrics_token = None
    if args.metrics_token_file:
        metrics_token = Path(args.metrics_token_file).read_text(encoding="utf-8").strip() or None
    settings = Settings(
        db_url=args.db,
        pack=args.pack,
        demo_users=args.demo_users or args.simulate,
        geocoder_url=args.geocoder_url,
        gazetteer_files=tuple(gazetteer),
        access_log=args.access_log,
        migrate=not args.no_migrate,
        metrics_token=metrics_token,
        anchor_key_file=str(anchor[0]) if anchor else None,
        anchor_file=str(anchor[1]) if anchor else None,
    )
    if args.geocoder_url and gazetteer:
        log.warning("--gazetteer is not used when --geocoder-url is given")
    try:
        platform = EmbeddedPlatform(
            settings,
            host=args.host,
            port=args.port,
            ssl_certfile=args.ssl_certfile,
            ssl_keyfile=args.ssl_keyfile,
        ).start()
    except (GazetteerError, NotMigrated, OtherArea) as exc:
        log.error("%s", exc)
        return 2
    except SQLAlchemyError as exc:
        # The driver's own message may name hosts and users; the URL shown is masked.
        log.error("cannot use the database %s (%s)", mask_url(args.db), type(exc).__name__)
        log.debug("database error", exc_info=True)
        return 2
    gctune.tune()  # a long-running server: the started platform out of the collector's way
    log.info(
        "platform listening on %s (pack %s, database %s)", platform.url, pack.id, mask_url(args.db)
    )
    if settings.demo_users:
        log.info("demo users: calltaker, dispatcher, supervisor, trainer, admin (password 'demo')")
    sim = None
    if args.simulate:
        from platform_api.simulator import SimConfig, Simulator

        sim = Simulator(platform.url, SimConfig(call_rate_per_hour=args.call_rate, pack=args.pack))
        sim.start()
        log.info("simulated %s shift running (%g calls/hour)", pack.name, args.call_rate)
    done = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    done.wait()
    log.info("stopping")
    if sim is not None:
        sim.stop()
    platform.stop()
    return 0


def _migrate(args: argparse.Namespace) -> int:
    engine = make_engine(args.db)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    print(f"database {mask_url(args.db)} is at the newest schema")
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
    try:
        with Session(engine) as session, session.begin():
            if paths is None:
                report = audit.verify(session)
            else:
                key, checkpoints = paths
                public = public_path(key) if public_path(key).exists() else key
                report = audit.verify(session, checkpoints, public)
    finally:
        engine.dispose()
    print(report.model_dump_json(indent=2))
    return 0 if report.ok else 1


def _user_add(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass()
    if len(password) < 8:
        print("the password must have at least 8 characters", file=sys.stderr)
        return 2
    engine = make_engine(args.db)
    try:
        upgrade(engine)
        with write_session(engine) as session, session.begin():
            auth.add_user(
                session, args.name, args.display_name or args.name, Role(args.role), password
            )
    finally:
        engine.dispose()
    print(f"user {args.name} ({args.role}) added")
    return 0


def _export(args: argparse.Namespace) -> int:
    from platform_api.errors import PlatformError
    from platform_api.export import build_header, event_lines, recording_chunks, resolve_window

    try:
        pack_id = load_pack(args.pack).id
    except PackError as exc:
        print(exc, file=sys.stderr)
        return 2
    engine = make_engine(args.db)
    source = f"platform {mask_url(args.db)}"
    try:
        with snapshot_session(engine) as session, session.begin():
            window = resolve_window(
                session,
                from_ts=args.from_ts,
                to_ts=args.to_ts,
                from_seq=args.from_seq,
                to_seq=args.to_seq,
            )
            header = build_header(session, window, source, pack_id)
        out = Path(args.file)
        partial = out.with_name(out.name + ".partial")
        with partial.open("w", encoding="utf-8") as stream:
            if args.redact:  # two passes over the events: the header needs the new last hash
                from platform_api.recording import header_line
                from platform_api.redact import redacted_events, redacted_header

                events = event_lines(engine, window)
                stream.write(header_line(redacted_header(header, events)) + "\n")
                for line in redacted_events(header, event_lines(engine, window)):
                    stream.write(line + "\n")
            else:
                for chunk in recording_chunks(engine, header, window):
                    stream.write(chunk)
        partial.replace(out)
    except PlatformError as exc:
        print(f"{exc.field}: {exc.message}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"{header.event_count} events (seq {window.first_seq}..{window.last_seq}) -> {out}")
    return 0


def _unlock(args: argparse.Namespace) -> int:
    from platform_api import login_guard

    if not args.name and not args.address:
        log.error("give a user NAME, or --address A (or both)")
        return 2
    engine = make_engine(args.db)
    try:
        upgrade(engine)
        with write_session(engine) as session, session.begin():
            if args.name:
                lifted = login_guard.clear(session, args.name)
                print(f"{args.name}: " + ("lockout lifted" if lifted else "no failed sign-ins"))
            if args.address:
                lifted = login_guard.clear_address(session, args.address)
                print(
                    f"{args.address}: " + ("throttle lifted" if lifted else "no failed sign-ins")
                )
    finally:
        engine.dispose()  # its pooled connections closed now, not by the collector
    return 0


def _copy(args: argparse.Namespace) -> int:
    from platform_api.dbcopy import CopyRefused, CopyUnverified, copy_database

    source = args.source or env_str("CR_COPY_FROM")
    target = args.target or env_str("CR_COPY_TO")
    if not source or not target:
        log.error("give --from and --to (or CR_COPY_FROM and CR_COPY_TO)")
        return 2
    try:
        report = copy_database(source, target)
    except CopyRefused as exc:
        log.error("copy refused: %s", exc)
        return 2
    except CopyUnverified as exc:
        log.error("copy failed verification: %s", exc)
        return 1
    print(report.summary(), flush=True)
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


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=db_url_from_env(),
        metavar="URL",
        help="SQLAlchemy URL (env CR_DB_URL, or CR_DB_URL_FILE naming a file that holds it; "
        "default: SQLite in the user data dir)",
    )


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
    """The command line; every default comes from a CR_ variable when it is set.

    Raises EnvError for a variable that does not parse.
    """
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--log-format",
        choices=logs.FORMATS,
        default=env_choice("CR_LOG_FORMAT", logs.FORMATS) or "text",
        help="text for people, json for one JSON object per line (env CR_LOG_FORMAT)",
    )
    parser = argparse.ArgumentParser(
        prog="platform-api",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # for subcommands without the common options (the imports): CR_LOG_FORMAT still applies
    parser.set_defaults(log_format=env_choice("CR_LOG_FORMAT", logs.FORMATS) or "text")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", parents=[common], help="run the platform server")
    _db_option(serve)
    serve.add_argument("--host", default=env_str("CR_HOST") or "127.0.0.1", help="(env CR_HOST)")
    serve.add_argument("--port", type=int, default=env_int("CR_PORT") or 8470, help="(env CR_PORT)")
    serve.add_argument(
        "--simulate",
        action="store_true",
        default=bool(env_bool("CR_SIMULATE")),
        help="run the simulated London shift (implies --demo-users; env CR_SIMULATE=1)",
    )
    serve.add_argument(
        "--demo-users",
        action="store_true",
        default=bool(env_bool("CR_DEMO_USERS")),
        help="create demo users, one per role, password 'demo' (never in a real room; "
        "env CR_DEMO_USERS=1)",
    )
    serve.add_argument(
        "--ssl-certfile",
        default=env_str("CR_SSL_CERTFILE"),
        help="serve HTTPS with this certificate (env CR_SSL_CERTFILE)",
    )
    serve.add_argument(
        "--ssl-keyfile",
        default=env_str("CR_SSL_KEYFILE"),
        help="the certificate's private key (env CR_SSL_KEYFILE)",
    )
    serve.add_argument(
        "--pack",
        default=env_str("CR_PACK") or DEFAULT_PACK,
        metavar="NAME|PATH",
        help="the force pack served to every console: a shipped pack (london, "
        "hampshire-thames-valley, san-francisco) or a pack's folder (env CR_PACK; "
        "default london)",
    )
    serve.add_argument(
        "--call-rate",
        type=float,
        default=env_float("CR_CALL_RATE") or 180.0,
        help="simulated calls per hour (env CR_CALL_RATE)",
    )
    geocoder_env = env_str("CR_GEOCODER_URL")
    serve.add_argument(
        "--geocoder-url",
        type=_geocoder_url,
        default=None if geocoder_env is None else _geocoder_url(geocoder_env),
        metavar="URL",
        help="geocode with this Nominatim-compatible server (via geopy) instead of the "
        "offline gazetteer (env CR_GEOCODER_URL)",
    )
    serve.add_argument(
        "--gazetteer",
        action="append",
        default=[],
        metavar="FILE",
        help="add a gazetteer CSV (name,lat,lon) to the offline one; repeatable "
        "(env CR_GAZETTEER, files separated by ':', used when no --gazetteer is given)",
    )
    access = env_bool("CR_ACCESS_LOG")
    serve.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=True if access is None else access,
        help="one log line per request (default on; env CR_ACCESS_LOG=0 turns it off)",
    )
    serve.add_argument(
        "--no-migrate",
        action="store_true",
        help="do not migrate at start (run `platform-api migrate` first); refuse an old schema",
    )
    serve.add_argument(
        "--metrics-token-file",
        default=None,
        metavar="FILE",
        help="a file holding the bearer token the Prometheus scraper sends to /metrics",
    )
    _anchor_arguments(serve)
    serve.set_defaults(func=_serve)

    migrate = sub.add_parser(
        "migrate", parents=[common], help="bring the database to the newest schema"
    )
    _db_option(migrate)
    migrate.set_defaults(func=_migrate)

    verify = sub.add_parser("verify", parents=[common], help="recompute the event log's hash chain")
    _db_option(verify)
    _anchor_arguments(verify)
    verify.set_defaults(func=_verify)

    user = sub.add_parser(
        "user-add", parents=[common], help="add a user; the password is read from stdin"
    )
    user.add_argument("name")
    user.add_argument("role", choices=[r.value for r in Role])
    user.add_argument("--display-name", default=None)
    _db_option(user)
    user.set_defaults(func=_user_add)

    unlock = sub.add_parser(
        "unlock", parents=[common], help="lift a user's sign-in lockout or an address's throttle"
    )
    unlock.add_argument("name", nargs="?", default=None)
    unlock.add_argument(
        "--address", default=None, help="also forget this client address's failed sign-ins"
    )
    _db_option(unlock)
    unlock.set_defaults(func=_unlock)

    export = sub.add_parser(
        "export", parents=[common], help="write a window of the event log as a recording"
    )
    export.add_argument("file", metavar="FILE")
    export.add_argument(
        "--pack",
        default=env_str("CR_PACK") or DEFAULT_PACK,
        metavar="NAME|PATH",
        help="the pack the platform serves, named in the recording's header (env CR_PACK)",
    )
    _db_option(export)
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

    add_import_commands(sub)

    copy = sub.add_parser(
        "copy",
        parents=[common],
        help="copy a platform database to an empty one and verify the copy's hash chain",
    )
    copy.add_argument(
        "--from", dest="source", default=None, metavar="URL", help="(env CR_COPY_FROM)"
    )
    copy.add_argument("--to", dest="target", default=None, metavar="URL", help="(env CR_COPY_TO)")
    copy.set_defaults(func=_copy)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
    except (EnvError, argparse.ArgumentTypeError) as exc:
        logs.configure()
        log.error("%s", exc)
        return 2
    args = parser.parse_args(argv)
    logs.configure(args.log_format)
    if getattr(args, "db", "x") is None:
        args.db = default_db_url(getattr(args, "pack", None) or DEFAULT_PACK)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
