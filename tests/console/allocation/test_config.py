"""console/allocation/config.py: the shipped policy file, a site's overrides, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.allocation import (
    AllocationConfig,
    config_from_mapping,
    load_config,
)
from platform_api.contract import (
    UnitType,
)

# ---------------------------------------------------------------- config


def test_the_shipped_file_matches_the_built_in_defaults() -> None:
    assert load_config() == AllocationConfig()


def test_a_site_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(
        """
        road_factor = 1.8   # hilly, winding roads
        [speed_kmh]
        foot_patrol = 6
        [required_capabilities]
        "Dog" = ["dog"]
        """,
        "utf-8",
    )
    config = load_config(path)
    assert config.road_factor == 1.8
    assert config.speed_kmh[UnitType.FOOT_PATROL] == 6.0
    assert config.speed_kmh[UnitType.RESPONSE_CAR] == 48.0
    assert config.required_for("dog") == frozenset({"dog"})
    assert config.required_for("Firearms") == frozenset()  # the table was replaced whole
    assert config.preferred_for("Missing person") == frozenset({"dog"})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"road_factr": 1.2}, "unknown allocation setting(s): road_factr"),
        ({"road_factor": 0.5}, "road_factor"),
        ({"road_factor": "fast"}, "road_factor: expected a number"),
        ({"speed_kmh": {"hovercraft": 90}}, "speed_kmh.hovercraft: unknown"),
        ({"speed_kmh": {"dog": 0}}, "speed_kmh.dog: must be positive"),
        ({"grade_weights": {"immediate": -1}}, "grade_weights.immediate"),
        ({"required_capabilities": {"Firearms": "firearms"}}, "required_capabilities.Firearms"),
    ],
)
def test_a_bad_setting_is_an_error_naming_it(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        config_from_mapping(data)
