# SPDX-License-Identifier: EUPL-1.2
"""Regions: sets of municipalities that compare their KPIs, kept as data (regions.yaml).

A region is also the unit of small-cell protection: the KPIs of its municipalities form
one table with the region's totals, protected at once (vroegsignaal/kpi/disclosure.py).
That is why regions may not overlap: two regions protected apart could each publish a
cell the other withholds. A municipality in no region is a unit on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from vroegsignaal.config import get_settings
from vroegsignaal.errors import NotFound, VroegsignaalError


class RegionError(VroegsignaalError):
    """The region file is malformed: no list, a region without code, name or municipalities,
    a region twice, or a municipality in two regions."""

    code = "REGIO_ONGELDIG"
    title = "De regio-indeling is ongeldig"


class UnknownRegion(NotFound):
    """No region with this code (404)."""

    code = "REGIO_ONBEKEND"
    title = "Onbekende regio"


@dataclass(frozen=True, slots=True)
class Region:
    """`code` names the region (also the protection unit), `gemeenten` its CBS codes."""

    code: str
    naam: str
    gemeenten: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Regions:
    """Every region by code, and the region of each municipality."""

    regions: dict[str, Region]
    of_gemeente: dict[str, str]

    def get(self, code: str) -> Region:
        """The region `code`; `UnknownRegion` when there is none."""
        try:
            return self.regions[code]
        except KeyError:
            raise UnknownRegion(f"regio {code}") from None

    def unit(self, gemeentecode: str) -> Region:
        """The protection unit of a municipality: its region, or itself alone."""
        code = self.of_gemeente.get(gemeentecode)
        if code is not None:
            return self.regions[code]
        return Region(gemeentecode, gemeentecode, (gemeentecode,))


def parse_regions(data: object) -> Regions:
    """Regions from the YAML structure `{"regios": [{code, naam, gemeenten}]}`; raises
    `RegionError` for a malformed file, a duplicate code or a municipality in two regions."""
    if not isinstance(data, dict) or not isinstance(data.get("regios"), list):
        raise RegionError("verwacht een lijst 'regios'")
    regions: dict[str, Region] = {}
    of_gemeente: dict[str, str] = {}
    for item in data["regios"]:
        try:
            region = Region(str(item["code"]), str(item["naam"]),
                            tuple(str(g) for g in item["gemeenten"]))
        except (KeyError, TypeError) as exc:
            raise RegionError(f"regio zonder code, naam of gemeenten: {exc}") from None
        if region.code in regions or not region.gemeenten:
            raise RegionError(f"regio {region.code}: dubbel of zonder gemeenten")
        for g in region.gemeenten:
            if g in of_gemeente:
                raise RegionError(f"{g} staat in {of_gemeente[g]} en in {region.code}")
            of_gemeente[g] = region.code
        regions[region.code] = region
    return Regions(regions, of_gemeente)


@lru_cache(maxsize=4)
def _load(path: str) -> Regions:
    if path:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = resources.files(__package__).joinpath("regions.yaml").read_text(encoding="utf-8")
    return parse_regions(yaml.safe_load(text))


def load_regions() -> Regions:
    """The configured regions (`Settings.kpi_regions_file`, else the packaged file)."""
    return _load(get_settings().kpi_regions_file)
