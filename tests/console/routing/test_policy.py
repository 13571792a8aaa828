"""Road speeds are site data: the shipped file loads, and a site's typo is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.routing import PolicyError, load_policy
from platform_api.contract import UnitType


def test_shipped_policy_drives_main_roads_and_not_footways() -> None:
    policy = load_policy()
    assert policy.drive_kmh["primary"] > policy.drive_kmh["residential"] > 0
    assert "footway" not in policy.drive_kmh
    assert policy.factor(UnitType.PUBLIC_ORDER) < 1.0 < policy.factor(UnitType.ARMED_RESPONSE)
    assert policy.factor(UnitType.FOOT_PATROL) == 1.0  # walkers do not use road speeds


def test_a_site_file_changes_only_what_it_names(tmp_path: Path) -> None:
    site = tmp_path / "routing.toml"
    site.write_text("[drive_kmh]\nresidential = 20\n[access]\nmax_snap_m = 100\n")
    shipped, policy = load_policy(), load_policy(site)
    assert policy.drive_kmh["residential"] == 20
    assert policy.drive_kmh["primary"] == shipped.drive_kmh["primary"]
    assert policy.max_snap_m == 100 and policy.access_kmh == shipped.access_kmh


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[drive_kmh]\nresidential = -3\n", "drive_kmh.residential: expected a positive number"),
        ("[drive_kmh]\nresidential = true\n", "drive_kmh.residential: expected a positive"),
        ("[type_factor]\nhovercraft = 2\n", "type_factor.hovercraft: unknown unit type"),
        ("speed = 3\n", "unknown setting(s) speed"),
        ("[access]\nsnap = 3\n", "access: unknown setting(s) snap"),
        ("[drive_kmh\n", "routing.toml"),
    ],
)
def test_a_wrong_site_file_is_refused_naming_file_and_key(
    tmp_path: Path, text: str, words: str
) -> None:
    site = tmp_path / "routing.toml"
    site.write_text(text)
    with pytest.raises(PolicyError) as caught:
        load_policy(site)
    assert str(site) in str(caught.value)
    assert words in str(caught.value)
