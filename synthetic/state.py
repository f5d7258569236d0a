# SPDX-License-Identifier: EUPL-1.2
"""Growable column tables for the generator's latent state (households, addresses, accounts)."""

from __future__ import annotations

from typing import Any

import numpy as np


class Table:
    """Numpy columns that grow by doubling; rows [0, size) are valid."""

    def __init__(self, spec: dict[str, tuple[Any, Any]], capacity: int = 4096) -> None:
        self._spec = spec  # name -> (dtype, fill value for new rows)
        self.size = 0
        self.cols: dict[str, np.ndarray] = {
            name: np.full(capacity, fill, dtype=dtype) for name, (dtype, fill) in spec.items()
        }

    def add(self, n: int) -> np.ndarray:
        """Reserve n new rows (filled with defaults) and return their ids."""
        need = self.size + n
        cap = next(iter(self.cols.values())).shape[0]
        if need > cap:
            new_cap = max(need, 2 * cap)
            for name, (dtype, fill) in self._spec.items():
                grown = np.full(new_cap, fill, dtype=dtype)
                grown[: self.size] = self.cols[name][: self.size]
                self.cols[name] = grown
        ids = np.arange(self.size, need, dtype=np.int64)
        self.size = need
        return ids

    def __getitem__(self, name: str) -> np.ndarray:
        """The valid rows of a column (a view: writes go to the table)."""
        return self.cols[name][: self.size]


class AccountIndex:
    """(household, partner) -> account id, -1 when the household has no such account."""

    def __init__(self, n_partners: int, capacity: int = 4096) -> None:
        self.matrix = np.full((capacity, n_partners), -1, dtype=np.int32)

    def ensure(self, n_households: int) -> None:
        cap = self.matrix.shape[0]
        if n_households > cap:
            grown = np.full((max(n_households, 2 * cap), self.matrix.shape[1]), -1, np.int32)
            grown[:cap] = self.matrix
            self.matrix = grown


def households_table() -> Table:
    return Table(
        {
            "gem": (np.int32, 0),
            "addr": (np.int64, -1),
            "tenure": (np.int8, 0),
            "rent": (np.int32, 0),
            "alone": (np.bool_, False),
            "stress": (np.float64, 0.0),
            "last_month": (np.int32, -10_000),
            "n_out": (np.int32, 0),
            # The resident, stored as codes and formatted only when a message is built.
            "voorletters": (np.int32, 0),
            "naam": (np.int16, 0),
            "geboren": (np.int32, 0),  # date ordinal; 0 = not known to creditors
            "tel": (np.int64, 0),
            "mailnr": (np.int16, 0),
        }
    )


def addresses_table() -> Table:
    return Table(
        {
            "gem": (np.int32, 0),
            "area": (np.int64, 0),  # index into the PC4 table
            "pc4": (np.int64, 0),
            "letters": (np.int16, 0),
            "huisnummer": (np.int32, 0),
            "toevoeging": (np.int8, -1),
            "straat": (np.int16, 0),
        }
    )


def accounts_table() -> Table:
    return Table(
        {
            "hh": (np.int64, 0),
            "partner": (np.int8, 0),
            "schuldeiser": (np.int16, 0),
            "ref": (np.int64, 0),
            "termijn": (np.int32, 0),
            "ontstaan": (np.int32, 0),  # date ordinal
            "bedrag": (np.int64, 0),
            "last_day": (np.int32, 0),
            "knows_phone": (np.bool_, False),
            "knows_email": (np.bool_, False),
        }
    )
