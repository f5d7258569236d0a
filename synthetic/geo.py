# SPDX-License-Identifier: EUPL-1.2
"""Municipalities and their PC4 areas, read from the shipped reference data."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np


@dataclass(frozen=True)
class Gemeente:
    code: str
    naam: str
    provincie: str
    inwoners: int
    pc4: tuple[int, ...]
    pc4_inwoners: tuple[int, ...]
    plaats: tuple[str, ...]


@cache
def _load_all() -> dict[str, Gemeente]:
    path = resources.files("vroegsignaal").joinpath("reference/data/pc4_gemeente.csv")
    rows: dict[str, list[tuple[int, int, str, str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code, inwoners = row["gemeentecode"], row["inwoners"]
            if not code or not inwoners or int(inwoners) <= 0:
                continue  # no municipality or nobody lives there: no signals either
            rows.setdefault(code, []).append(
                (
                    int(row["pc4"]),
                    int(inwoners),
                    row["plaats"] or row["gemeentenaam"],
                    row["gemeentenaam"],
                    row["provincie"],
                )
            )
    return {
        code: Gemeente(
            code=code,
            naam=items[0][3],
            provincie=next((i[4] for i in items if i[4]), ""),
            inwoners=sum(i[1] for i in items),
            pc4=tuple(i[0] for i in items),
            pc4_inwoners=tuple(i[1] for i in items),
            plaats=tuple(i[2] for i in items),
        )
        for code, items in rows.items()
    }


def all_gemeentecodes() -> tuple[str, ...]:
    return tuple(sorted(_load_all()))


def resolve_gemeenten(names_or_codes: Sequence[str]) -> tuple[Gemeente, ...]:
    """Look up municipalities by CBS code (GM0363) or name (Amsterdam); sorted by code."""
    if isinstance(names_or_codes, str):
        raise TypeError("gemeenten must be a sequence of codes or names, not one string")
    table = _load_all()
    by_name = {g.naam.casefold(): g for g in table.values()}
    found: dict[str, Gemeente] = {}
    for item in names_or_codes:
        g = table.get(item.strip().upper()) or by_name.get(item.strip().casefold())
        if g is None:
            raise ValueError(f"unknown gemeente {item!r} (use a CBS code like GM0363 or a name)")
        found[g.code] = g
    if not found:
        raise ValueError("at least one gemeente is needed")
    return tuple(found[c] for c in sorted(found))


@dataclass(frozen=True)
class Pc4Table:
    """PC4 areas of the selected municipalities, concatenated for vectorised draws."""

    pc4: np.ndarray  # int, one per area
    plaats: tuple[str, ...]  # place name per area
    gem: np.ndarray  # municipality index per area
    cum: np.ndarray  # per municipality g, cumulative weights rescaled into (g, g + 1]
    last: np.ndarray  # index of each municipality's last area

    @classmethod
    def build(cls, gemeenten: Sequence[Gemeente]) -> Pc4Table:
        pc4: list[int] = []
        plaats: list[str] = []
        gem: list[int] = []
        cum: list[np.ndarray] = []
        for g_idx, g in enumerate(gemeenten):
            w = np.asarray(g.pc4_inwoners, dtype=float)
            cum.append(g_idx + np.cumsum(w) / w.sum())
            pc4.extend(g.pc4)
            plaats.extend(g.plaats)
            gem.extend([g_idx] * len(g.pc4))
        return cls(
            pc4=np.asarray(pc4, dtype=np.int64),
            plaats=tuple(plaats),
            gem=np.asarray(gem, dtype=np.int32),
            cum=np.concatenate(cum),
            last=np.cumsum([len(g.pc4) for g in gemeenten]) - 1,
        )

    def draw(self, rng: np.random.Generator, gem: np.ndarray) -> np.ndarray:
        """Area index per household, weighted by population within its municipality."""
        u = gem + rng.random(gem.size)
        idx = np.searchsorted(self.cum, u, side="left")
        # Float rounding at g + 1 must not spill into the next municipality.
        return np.minimum(idx, self.last[gem])
