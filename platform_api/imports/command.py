"""The `import-calls` and `import-sf` commands of `platform-api` (see `platform_api.imports`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from platform_api.imports import import_calls, load_mapping, shipped_mapping
from platform_api.imports.mapping import MappingError
from platform_api.packs import DEFAULT_PACK, PackError, load_pack


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    calls = sub.add_parser(
        "import-calls", help="turn a force's call log (CSV) into a recording, by a mapping"
    )
    calls.add_argument("csv", metavar="CSV")
    calls.add_argument("file", metavar="OUT")
    calls.add_argument(
        "--mapping",
        required=True,
        metavar="MAPPING.toml",
        help="which columns hold what (docs/imports.md)",
    )
    calls.add_argument(
        "--pack",
        default=DEFAULT_PACK,
        metavar="NAME|PATH",
        help="the force pack whose area and gazetteer the calls are in",
    )
    calls.set_defaults(func=_import_calls)

    sf = sub.add_parser(
        "import-sf",
        help="the San Francisco fire calls CSV as a recording "
        "(import-calls with resources/imports/sf-fire-calls.toml)",
    )
    sf.add_argument("csv", metavar="CSV")
    sf.add_argument("file", metavar="OUT")
    sf.set_defaults(
        func=_import_calls, mapping=str(shipped_mapping("sf-fire-calls")), pack="san-francisco"
    )


def _import_calls(args: argparse.Namespace) -> int:
    try:
        mapping = load_mapping(Path(args.mapping))
        pack = load_pack(args.pack)
        report = import_calls(Path(args.csv), mapping, pack, Path(args.file))
    except (OSError, ValueError) as exc:  # MappingError and PackError are ValueErrors
        print(f"import-calls: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    print(f"-> {args.file}")
    return 0


__all__ = ["MappingError", "PackError", "add_commands"]
