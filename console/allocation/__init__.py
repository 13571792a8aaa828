"""Unit allocation logic (issue 6): ranked recommendations and rebalance proposals.

Pure Python and numpy/scipy, no Qt: widgets call it, and the rebalance may run in an
executor thread. The public API:

- `AllocationConfig`, `load_config`, `config_from_mapping`: a site's policy (speeds, road
  factor, capabilities per classification, grade weights); `resources/allocation.toml`.
- `UnitIndex`: units as numpy columns, kept by the caller and patched as the Store changes.
- `recommend` (straight line) and `recommend_routed` (a `console.routing` router) ->
  `Recommendation`s, and `exclusion_reason` for a unit left out.
- `propose_rebalance` -> `Proposal`s; `unresourced` says which incidents it considers.
"""

from console.allocation.config import AllocationConfig, config_from_mapping, load_config
from console.allocation.index import UnitIndex
from console.allocation.rebalance import Proposal, propose_rebalance, unresourced
from console.allocation.recommend import (
    Recommendation,
    exclusion_reason,
    recommend,
    recommend_routed,
)

__all__ = [
    "AllocationConfig",
    "Proposal",
    "Recommendation",
    "UnitIndex",
    "config_from_mapping",
    "exclusion_reason",
    "load_config",
    "propose_rebalance",
    "recommend",
    "recommend_routed",
    "unresourced",
]
