# SPDX-License-Identifier: EUPL-1.2
"""Regions are data and may not overlap (one protection unit per municipality)."""

from __future__ import annotations

import pytest

from vroegsignaal.kpi.regions import RegionError, UnknownRegion, load_regions, parse_regions


def test_packaged_regions_load_and_partition() -> None:
    regions = load_regions()
    assert regions.unit("GM0153").code == "RG-TWENTE"
    assert regions.unit("GM0363").gemeenten == ("GM0363",)  # in no region: alone
    seen = [g for r in regions.regions.values() for g in r.gemeenten]
    assert len(seen) == len(set(seen))
    with pytest.raises(UnknownRegion):
        regions.get("RG-NERGENS")


@pytest.mark.parametrize("data", [
    {"regios": [{"code": "A", "naam": "A", "gemeenten": ["GM1"]},
                {"code": "B", "naam": "B", "gemeenten": ["GM1", "GM2"]}]},
    {"regios": [{"code": "A", "naam": "A", "gemeenten": []}]},
    {"regios": [{"naam": "zonder code", "gemeenten": ["GM1"]}]},
    {"geen": []},
])
def test_malformed_or_overlapping_regions_are_refused(data: object) -> None:
    with pytest.raises(RegionError):
        parse_regions(data)
