# SPDX-License-Identifier: EUPL-1.2
"""Reference data: municipalities and PC4 postcode areas (CBS, 2021; see data/SOURCE.md)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class GemeenteRef:
    """A municipality of the CBS code list, with its 2021 population."""

    gemeentecode: str
    naam: str
    inwoners: int


@dataclass(frozen=True, slots=True)
class ReferenceData:
    """Municipalities and the PC4-to-municipality table (CBS open data, SOURCE.md)."""

    gemeenten: dict[str, GemeenteRef]
    pc4_gemeente: dict[str, str]
    pc4_inwoners: dict[str, int]

    def gemeente_voor_postcode(self, postcode: str) -> str | None:
        """The CBS code of the municipality of a (normalised) postcode, or None."""
        return self.pc4_gemeente.get(postcode[:4])

    def pc4s(self, gemeentecode: str) -> list[str]:
        """The PC4 areas of a municipality, sorted."""
        return [pc4 for pc4, code in self.pc4_gemeente.items() if code == gemeentecode]


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def load_reference() -> ReferenceData:
    """The packaged reference data, loaded once per process."""
    gemeenten = {
        r["gemeentecode"]: GemeenteRef(
            r["gemeentecode"], r["gemeentenaam"], int(r["inwoners"] or 0)
        )
        for r in _rows("gemeenten.csv")
    }
    pc4_gemeente: dict[str, str] = {}
    pc4_inwoners: dict[str, int] = {}
    for r in _rows("pc4_gemeente.csv"):
        if r["gemeentecode"]:
            pc4_gemeente[r["pc4"]] = r["gemeentecode"]
        pc4_inwoners[r["pc4"]] = int(r["inwoners"] or 0)
    return ReferenceData(gemeenten, pc4_gemeente, pc4_inwoners)
