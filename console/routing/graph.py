"""ETAs on a local road network: one Dijkstra search from the incident per request.

The driving graph is stored reversed (every edge points from its end to its start), so
one search from the incident's nearest node gives every node's time *to* the incident:
every unit's ETA from a single search (`scipy.sparse.csgraph.dijkstra`), whatever the
number of units. Edge weights are seconds at the road class's blue-light speed; a unit
type's factor divides the road part of its time. Foot patrols get a second search, over
the undirected walking graph. A point (unit or incident) is joined to its nearest node at
the access speed; one further than `max_snap_m` from any road is off the network, and its
time is the straight-line estimate (the reason says so). A unit whose node cannot reach
the incident's (a one-way maze, another island of the graph) gets an infinite time.

Distances by road are only needed for the handful of units shown, so they are summed
afterwards along the search's predecessor tree (`RoadTravel.distance_m`).
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from console.routing.base import Bools, Floats, Origins, Rows
from console.routing.network import Ints, RoadNetwork
from console.routing.osm import ROAD_ATTRIBUTION
from console.routing.policy import RoutingPolicy
from console.routing.straight import StraightLine, StraightTravel
from platform_api.contract.geodesy import EARTH_RADIUS_M

NO_NODE = -9999  # scipy's marker for "no predecessor"


def _project(lat: Floats, lon: Floats, lat0: float) -> Floats:
    """Metres on a local plane (equirectangular about `lat0`): good to well under 1 % over
    a city, which is all that nearest-node snapping needs."""
    k = math.pi / 180 * EARTH_RADIUS_M
    return np.column_stack((lon * k * math.cos(math.radians(lat0)), lat * k))


@dataclass(frozen=True)
class _Searchable:
    """One mode's graph: reversed weights, lengths for the path walk, and its nodes."""

    weights: sp.csr_array
    lengths: dict[int, float]  # (u * n + v) -> metres of the edge u -> v in `weights`
    nodes: Ints
    tree: cKDTree


def _searchable(
    n: int, src: Ints, dst: Ints, weight: Floats, length: Floats, xy: Floats, directed: bool
) -> _Searchable | None:
    if src.size == 0:
        return None
    # reversed: the search runs from the destination back along the edges
    rows, cols = (dst, src) if directed else (src, dst)
    if not directed:  # store both directions: scipy would symmetrise on every search
        rows, cols = np.concatenate((rows, cols)), np.concatenate((cols, rows))
        weight, length = np.concatenate((weight, weight)), np.concatenate((length, length))
    key = rows * n + cols
    order = np.lexsort((weight, key))  # for each pair, the quickest edge first
    key, first = np.unique(key[order], return_index=True)
    keep = order[first]
    weights = sp.csr_array((weight[keep], (rows[keep], cols[keep])), shape=(n, n))
    # csgraph searches on 32-bit indices: store them so, or every search converts a copy
    weights.indices = weights.indices.astype(np.int32)
    weights.indptr = weights.indptr.astype(np.int32)
    nodes = np.unique(np.concatenate((src, dst)))
    lengths = dict(zip(key.tolist(), length[keep].tolist(), strict=True))
    return _Searchable(weights, lengths, nodes, cKDTree(xy[nodes]))


@dataclass
class RoadTravel:
    """A `Travel` from a road search; keeps what `distance_m` needs to walk the paths."""

    duration_s: Floats
    by_road: Bools
    unreachable: Bools
    fallback: StraightTravel
    extra_m: Floats  # snapping distances (unit to road, road to incident)
    node: Ints  # each origin's graph node (-1 when not routed)
    walker: Bools
    drive_pred: Ints | None
    walk_dist: Floats | None
    dest_node: int  # the incident's node in the driving graph
    graph: RoadGraph

    def distance_m(self, which: Rows) -> Floats:
        out = self.fallback.distance_m(which).copy()
        n = self.graph.network.node_count
        for k, row in enumerate(which.tolist()):
            if not self.by_road[row] or not math.isfinite(self.duration_s[row]):
                continue
            node = int(self.node[row])
            if self.walker[row]:
                assert self.walk_dist is not None
                out[k] = float(self.walk_dist[node]) + float(self.extra_m[row])
                continue
            assert self.drive_pred is not None and self.graph.drive is not None
            lengths, pred, total = self.graph.drive.lengths, self.drive_pred, 0.0
            while node != self.dest_node:
                before = int(pred[node])
                total += lengths[before * n + node]
                node = before
            out[k] = total + float(self.extra_m[row])
        return out


class RoadGraph:
    """The road-graph router (see the module docstring).

    When the caller needs only the quickest few units (`needed`) the search is bounded:
    most of a city is further than any useful unit. It starts `first_horizon_s` out and
    doubles (up to `horizon_s`, then unbounded) until it has found `needed` units surely
    quicker than anything beyond it, so for those units the answer is the same as an
    unbounded search's. Units too far in a straight line to be inside the horizon at the
    top speed are not even snapped to the graph.
    """

    name = "road graph"

    def __init__(
        self,
        network: RoadNetwork,
        policy: RoutingPolicy,
        fallback: StraightLine,
        attribution: str | None = ROAD_ATTRIBUTION,
        first_horizon_s: float = 600.0,
        horizon_s: float = 2400.0,
    ) -> None:
        self.network = network
        self.policy = policy
        self.fallback = fallback
        self.attribution = attribution
        self.first_horizon_s = first_horizon_s
        self.horizon_s = horizon_s
        n = network.node_count
        self._lat0 = float(np.mean(network.lat))
        xy = _project(network.lat, network.lon, self._lat0)
        speed = np.array(
            [policy.drive_kmh.get(c, 0.0) / 3.6 for c in network.classes], dtype=np.float64
        )
        class_speed = speed[network.road_class]
        d = network.drivable & (class_speed > 0)
        self.drive = _searchable(
            n,
            network.src[d],
            network.dst[d],
            network.length_m[d] / class_speed[d],
            network.length_m[d],
            xy,
            directed=True,
        )
        w = network.walkable
        self.walk = _searchable(
            n,
            network.src[w],
            network.dst[w],
            network.length_m[w],
            network.length_m[w],
            xy,
            directed=False,
        )
        self._fastest = max([1.0, *policy.type_factor.values()])
        # no way of moving is quicker than this (m/s): it bounds who a search can reach
        self._top_mps = (
            max([policy.walk_kmh, policy.access_kmh, *policy.drive_kmh.values()])
            * self._fastest
            / 3.6
        )

    async def travel(
        self,
        dest_lat: float,
        dest_lon: float,
        origins: Origins,
        needed: int | None = None,
        margin_s: float = 0.0,
    ) -> RoadTravel:
        """`table` in an executor thread: a search over a large graph takes milliseconds."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            None, self.table, dest_lat, dest_lon, origins, needed, margin_s
        )

    def table(
        self,
        dest_lat: float,
        dest_lon: float,
        origins: Origins,
        needed: int | None = None,
        margin_s: float = 0.0,
    ) -> RoadTravel:
        """Times to (dest_lat, dest_lon). With `needed`, units beyond the search horizon may
        be left at inf (not `unreachable`): they are slower than the `needed` quickest, with
        `margin_s` to spare (a ranking bonus the caller may give some units). The horizon
        starts at `first_horizon_s` and doubles until it holds enough units."""
        horizon = self.first_horizon_s
        while needed is not None and needed > 0 and horizon <= self.horizon_s:
            bounded = self._search(dest_lat, dest_lon, origins, horizon)
            sure = horizon / self._fastest - margin_s
            if int(np.count_nonzero(bounded.duration_s <= sure)) >= needed:
                return bounded
            horizon *= 2
        return self._search(dest_lat, dest_lon, origins, None)

    def _search(
        self, dest_lat: float, dest_lon: float, origins: Origins, horizon: float | None
    ) -> RoadTravel:
        policy = self.policy
        access = policy.access_kmh / 3.6
        walk_mps = policy.walk_kmh / 3.6
        base = self.fallback.table(dest_lat, dest_lon, origins)
        count = len(origins)
        duration = base.duration_s.copy()
        by_road = np.zeros(count, dtype=np.bool_)
        unreachable = np.zeros(count, dtype=np.bool_)
        extra = np.zeros(count, dtype=np.float64)
        node = np.full(count, -1, dtype=np.int64)
        walker = origins.walkers
        xy = _project(origins.lat, origins.lon, self._lat0)
        dest_xy = _project(np.array([dest_lat]), np.array([dest_lon]), self._lat0)[0]
        drive_pred: Ints | None = None
        walk_dist: Floats | None = None
        dest_node = -1
        for driving, graph, rows in ((True, self.drive, ~walker), (False, self.walk, walker)):
            if graph is None or not rows.any():
                continue
            dest_snap, dest_i = graph.tree.query(dest_xy)
            if dest_snap > policy.max_snap_m:
                continue  # the incident is off this network: straight-line for all
            start = int(graph.nodes[dest_i])
            limit = np.inf if horizon is None else horizon * (1.0 if driving else walk_mps)
            if driving:
                dest_node = start
                reach, drive_pred = dijkstra(
                    graph.weights, indices=start, return_predecessors=True, limit=limit
                )
                picked_time = reach
            else:
                reach = walk_dist = dijkstra(graph.weights, indices=start, limit=limit)
                picked_time = reach / walk_mps
            if horizon is not None:  # too far to get inside the horizon at any speed
                beyond = rows & (base.distances > horizon * self._top_mps)
                duration[beyond] = np.inf
                rows = rows & ~beyond
            picked = np.flatnonzero(rows)
            # the bound prunes the tree walk; a point beyond it comes back as (inf, size)
            snap, idx = graph.tree.query(xy[picked], distance_upper_bound=policy.max_snap_m)
            near = np.isfinite(snap)
            picked, snap, at = picked[near], snap[near], graph.nodes[idx[near]]
            road_s = picked_time[at]
            if driving:
                road_s = road_s / origins.per_type(policy.type_factor)[picked]
            duration[picked] = road_s + (snap + dest_snap) / access
            by_road[picked] = True
            if horizon is None:
                unreachable[picked] = ~np.isfinite(road_s)
            extra[picked] = snap + dest_snap
            node[picked] = at
        return RoadTravel(
            duration,
            by_road,
            unreachable,
            base,
            extra,
            node,
            walker,
            drive_pred,
            walk_dist,
            dest_node,
            self,
        )
