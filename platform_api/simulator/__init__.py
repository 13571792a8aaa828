"""A simulated London shift, driven entirely through the platform's public API."""

from platform_api.simulator.config import SimConfig
from platform_api.simulator.runner import SimStats, Simulator

__all__ = ["SimConfig", "SimStats", "Simulator"]
