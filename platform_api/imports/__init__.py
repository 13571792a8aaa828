"""Any call log as a recording: `platform-api import-calls CSV --mapping M.toml --pack P OUT`.

    report = import_calls(Path("calls.csv"), load_mapping(Path("m.toml")), load_pack("london"),
                          Path("out.jsonl"))
    print(report.summary())

The mapping names the columns (`mapping`), rows become clean calls or are counted as left
out with their reason (`read`), and the clean rows become the events the platform would
have logged (`build`). The San Francisco import is one such mapping,
`resources/imports/sf-fire-calls.toml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from platform_api.contract import RecordingHeader, StatePublic
from platform_api.imports.build import Builder, apply, plan
from platform_api.imports.mapping import CallMapping, MappingError, load_mapping
from platform_api.imports.read import Rejects, read_calls
from platform_api.packs import ForcePack
from platform_api.recording import make_header, write_recording

__all__ = [
    "CallMapping",
    "ImportReport",
    "MappingError",
    "import_calls",
    "load_mapping",
    "shipped_mapping",
]


def shipped_mapping(name: str) -> Path:
    """A mapping kept in the repo (`resources/imports/NAME.toml`)."""
    return Path(str(resources.files("resources") / "imports" / f"{name}.toml"))


@dataclass(frozen=True)
class ImportReport:
    header: RecordingHeader
    rows_read: int
    rows_used: int
    calls: int
    units: int
    rejects: Rejects

    def summary(self) -> str:
        """What an operator needs to trust the import: what went in, what was left out."""
        text = (
            f"{self.rows_used} of {self.rows_read} rows used: {self.calls} calls, "
            f"{self.units} units, {self.header.event_count} events"
        )
        if self.rejects.total:
            reasons = ", ".join(f"{n} {why}" for why, n in self.rejects.counts.most_common())
            first = "; ".join(f"line {line}: {why}" for line, why in self.rejects.examples)
            text += f"\n{self.rejects.total} rows left out: {reasons}\nfirst: {first}"
        return text


def import_calls(csv_path: Path, mapping: CallMapping, pack: ForcePack, out: Path) -> ImportReport:
    """Write the recording of `csv_path` to `out` (atomically); say what was left out.

    Raises ValueError when no row can be used (the message says why the first ones failed).
    """
    rows, rejects = read_calls(csv_path, mapping, pack)
    if not rows:
        first = "; ".join(f"line {line}: {why}" for line, why in rejects.examples)
        raise ValueError(f"{csv_path}: no usable rows ({first or 'the file is empty'})")
    steps = plan(rows)
    start = steps[0][0]
    builder = Builder(mapping)
    builder.add_units(rows, start, pack)
    initial = StatePublic.model_validate(
        {
            "as_of_seq": 0,
            "calls": [],
            "incidents": [],
            "assignments": [],
            "units": [dict(u, position=dict(u["position"])) for u in builder.units.values()],
        }
    )
    for at, _, _, kind, row in steps:
        apply(builder, at, kind, row)
    header = make_header(
        source=f"{mapping.source_name}: {csv_path.name} (pack {pack.id})",
        area=mapping.area,
        pack=pack.id,
        initial_state=initial,
        from_ts=start,
        to_ts=steps[-1][0],
        first_seq=1,
        last_seq=builder.chain.seq,
        prev_hash=builder.chain.prev_hash,
        last_hash=builder.chain.hash,
    )
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8") as stream:
        write_recording(stream, header, builder.lines)
    partial.replace(out)
    return ImportReport(
        header,
        len(rows) + rejects.total,
        len(rows),
        len(builder.calls),
        len(builder.units),
        rejects,
    )
