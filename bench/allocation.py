"""Allocation benchmark: recommendations among 5,000 units, a rebalance of 200 x 2,000.

Units and incidents are placed at random inside London's boroughs, with the simulated
force's mix of unit types (mostly response cars and foot patrols, some specialists) and of
classifications. Recommendation runs over a cached `UnitIndex`, as the console keeps one,
for a different incident each repetition; building the index (once per bootstrap) and
ranking from plain units are timed too, for context. The rebalance is timed end to end,
from pydantic entities to proposals, as the supervisor's executor call runs it.

The road figures rank the same 5,000 units by a road graph (`recommend_routed` with a
`RoadGraph`, its search in an executor thread as the console runs it): a synthetic street
grid over London's extent (317 x 317 = 100,489 nodes, arterial and one-way streets), since
the shipped OpenStreetMap extract is far smaller.

    python bench/allocation.py [--units 5000] [--repeat 2000] [--incidents 200]
                               [--rebalance-units 2000] [--road-repeat 300]
                               [--road-side 317] [--seed 1]

Last line: JSON with recommend_p50_ms, recommend_p99_ms, recommend_road_p50_ms,
recommend_road_p99_ms, road_graph_nodes, rebalance_ms and context.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadgen import percentile
from console.allocation import (
    AllocationConfig,
    UnitIndex,
    propose_rebalance,
    recommend,
    recommend_routed,
)
from console.routing import RoadGraph, StraightLine, grid_city, load_policy
from platform_api.contract import (
    AssignmentPublic,
    AssignmentState,
    Grade,
    IncidentPublic,
    IncidentStatus,
    LocatedPublic,
    PositionPublic,
    Thrive,
    UnitPublic,
    UnitStatus,
    UnitType,
)
from platform_api.geo import boroughs
from platform_api.simulator.scenarios import KINDS

NOW = datetime.now(UTC)
# The simulated force's mix: 5 borough units (4 cars, 1 foot) per 34 specialists over 33.
TYPE_WEIGHTS = {
    UnitType.RESPONSE_CAR: 132,
    UnitType.FOOT_PATROL: 33,
    UnitType.ARMED_RESPONSE: 12,
    UnitType.DOG: 8,
    UnitType.TRAFFIC: 8,
    UnitType.PUBLIC_ORDER: 6,
}
CAPS = {
    UnitType.ARMED_RESPONSE: ["firearms"],
    UnitType.DOG: ["dog"],
    UnitType.TRAFFIC: ["traffic"],
    UnitType.PUBLIC_ORDER: ["public_order"],
}


def make_units(rng: random.Random, count: int, available_share: float) -> list[UnitPublic]:
    places = boroughs()
    types = list(TYPE_WEIGHTS)
    weights = list(TYPE_WEIGHTS.values())
    units = []
    for k in range(count):
        b = rng.choice(places)
        lat, lon = b.random_point(rng)
        unit_type = rng.choices(types, weights)[0]
        if rng.random() < available_share:
            status = UnitStatus.AVAILABLE
        else:
            status = rng.choice(
                [
                    UnitStatus.ASSIGNED,
                    UnitStatus.AT_SCENE,
                    UnitStatus.COMMITTED,
                    UnitStatus.UNAVAILABLE,
                ]
            )
        fix_age = rng.expovariate(1 / 20)  # most fixes fresh, a few stale
        units.append(
            UnitPublic(
                id=f"u{k}",
                version=1,
                callsign=f"U{k}",
                type=unit_type,
                capabilities=CAPS.get(unit_type, []),
                home_station=f"{b.name} police station",
                borough=b.name,
                status=status,
                status_since=NOW,
                position=PositionPublic(lat=lat, lon=lon, at=NOW - timedelta(seconds=fix_age)),
                incident_id=None,
            )
        )
    return units


def make_incidents(rng: random.Random, count: int) -> list[IncidentPublic]:
    places = boroughs()
    weights = [k.weight_999 for k in KINDS]
    incidents = []
    for k in range(count):
        b = rng.choice(places)
        lat, lon = b.random_point(rng)
        kind = rng.choices(KINDS, weights)[0]
        incidents.append(
            IncidentPublic(
                id=f"i{k}",
                version=1,
                reference=f"LDN-BENCH-{k:04d}",
                opening_classification=kind.classification,
                closing_classification=None,
                grade=Grade(kind.grade_999),
                target_at=None,
                thrive=Thrive(),
                location=LocatedPublic(lat=lat, lon=lon, borough=b.name),
                status=IncidentStatus.OPEN,
                created_at=NOW,
                created_by="bench",
                closed_at=None,
                call_ids=[],
                log=[],
            )
        )
    return incidents


def commit(
    rng: random.Random, units: list[UnitPublic], incidents: list[IncidentPublic]
) -> list[AssignmentPublic]:
    """An active assignment for every assigned or at-scene unit, to a random incident."""
    out = []
    for u in units:
        if u.status not in (UnitStatus.ASSIGNED, UnitStatus.AT_SCENE):
            continue
        target = rng.choice(incidents)
        u.incident_id = target.id
        out.append(
            AssignmentPublic(
                id=f"a-{u.id}",
                version=1,
                unit_id=u.id,
                incident_id=target.id,
                state=AssignmentState.EN_ROUTE,
                dispatched_at=NOW,
                dispatched_by="bench",
                en_route_at=NOW,
                at_scene_at=None,
                cleared_at=None,
                cleared_reason=None,
            )
        )
    return out


def ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def road_times(
    args: argparse.Namespace,
    config: AllocationConfig,
    index: UnitIndex,
    targets: list[IncidentPublic],
    assignments: list[AssignmentPublic],
) -> tuple[list[float], int, float]:
    """Per-call milliseconds of road-ranked recommendations, the graph's size, build ms."""
    start = time.perf_counter()
    # London's extent: 51.28..51.70 N, 0.51 W..0.34 E; 186 m spacing spans it
    network = grid_city(args.road_side, spacing_m=186.0, origin=(51.28, -0.51))
    graph = RoadGraph(network, load_policy(), StraightLine(config.road_factor, config.speed_kmh))
    build_ms = ms_since(start)

    async def run() -> list[float]:
        out: list[float] = []
        for k in range(args.road_repeat):
            start = time.perf_counter()
            await recommend_routed(targets[k % len(targets)], index, assignments, config,
                                   graph, now=NOW)
            out.append(ms_since(start))
        return out

    return asyncio.run(run()), network.node_count, build_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--incidents", type=int, default=200)
    parser.add_argument("--rebalance-units", type=int, default=2000)
    parser.add_argument("--road-repeat", type=int, default=300)
    parser.add_argument("--road-side", type=int, default=317)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    config = AllocationConfig()

    units = make_units(rng, args.units, available_share=0.6)
    targets = make_incidents(rng, 500)
    others = make_incidents(rng, 300)
    assignments = commit(rng, units, others)
    known = {i.id: i for i in others}

    start = time.perf_counter()
    index = UnitIndex.from_units(units)
    index_build_ms = ms_since(start)

    times: list[float] = []
    shown = 0
    for k in range(args.repeat):
        start = time.perf_counter()
        recs = recommend(targets[k % len(targets)], index, assignments, config, now=NOW)
        times.append(ms_since(start))
        shown += len(recs)
    supervisor: list[float] = []
    for k in range(min(args.repeat, 500)):
        start = time.perf_counter()
        recommend(
            targets[k % len(targets)],
            index,
            assignments,
            config,
            incidents=known,
            include_committed=True,
            now=NOW,
        )
        supervisor.append(ms_since(start))
    uncached: list[float] = []
    for k in range(10):
        start = time.perf_counter()
        recommend(targets[k], units, assignments, config, now=NOW)
        uncached.append(ms_since(start))
    print(
        f"recommend among {args.units} units ({len(assignments)} committed): "
        f"p50 {percentile(times, 50):.3f} ms, p99 {percentile(times, 99):.3f} ms; "
        f"supervisor p50 {percentile(supervisor, 50):.3f} ms; "
        f"index build {index_build_ms:.1f} ms",
        flush=True,
    )

    road, road_nodes, road_build_ms = road_times(args, config, index, targets, assignments)
    print(
        f"recommend by road ({road_nodes} nodes): p50 {percentile(road, 50):.2f} ms, "
        f"p99 {percentile(road, 99):.2f} ms; graph build {road_build_ms:.0f} ms",
        flush=True,
    )

    pool = make_units(rng, args.rebalance_units, available_share=1.0)
    open_incidents = make_incidents(rng, args.incidents)
    runs: list[float] = []
    proposals = []
    for _ in range(5):
        start = time.perf_counter()
        proposals = propose_rebalance(open_incidents, pool, config, now=NOW)
        runs.append(ms_since(start))
    print(
        f"rebalance {args.incidents} incidents x {args.rebalance_units} units: "
        f"median {statistics.median(runs):.1f} ms (first {runs[0]:.1f} ms), "
        f"{len(proposals)} proposals",
        flush=True,
    )

    print(
        json.dumps(
            {
                "recommend_p50_ms": round(percentile(times, 50), 4),
                "recommend_p99_ms": round(percentile(times, 99), 4),
                "recommend_road_p50_ms": round(percentile(road, 50), 3),
                "recommend_road_p99_ms": round(percentile(road, 99), 3),
                "road_graph_nodes": road_nodes,
                "road_graph_build_ms": round(road_build_ms, 1),
                "rebalance_ms": round(statistics.median(runs), 2),
                "rebalance_first_ms": round(runs[0], 2),
                "rebalance_proposals": len(proposals),
                "recommend_supervisor_p50_ms": round(percentile(supervisor, 50), 4),
                "recommend_supervisor_p99_ms": round(percentile(supervisor, 99), 4),
                "recommend_uncached_p50_ms": round(statistics.median(uncached), 2),
                "index_build_ms": round(index_build_ms, 2),
                "units": args.units,
                "committed_units": len(assignments),
                "repeat": args.repeat,
                "mean_recommendations": round(shown / max(1, args.repeat), 2),
                "rebalance_incidents": args.incidents,
                "rebalance_units": args.rebalance_units,
                "seed": args.seed,
            }
        )
    )


if __name__ == "__main__":
    main()
