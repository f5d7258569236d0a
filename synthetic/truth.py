# SPDX-License-Identifier: EUPL-1.2
"""The latent truth behind the generated signals, one record per household.

This is the hook for simulated outcomes (eviction, debt help, ...) with known true
probabilities: an outcome model reads `HouseholdTruth` only. Keep its randomness on
its own stream, e.g. `Generator(PCG64(SeedSequence(seed, spawn_key=(1,))))`, so that
adding outcomes never changes the signals a seed produces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vroegsignaal.contract.enums import Signaalpartner


@dataclass(frozen=True, slots=True)
class AccountTruth:
    """One creditor account; a new ontstaansdatum in `signalen` starts a new arrears episode."""

    signaalpartner: Signaalpartner
    schuldeiser: str
    klantreferentie: str
    ontstaansdatum: dt.date  # of the latest arrears episode
    maandtermijn: int
    # (signaaldatum, ontstaansdatum, bedrag, crisissignaal) per signal, burn-in included.
    signalen: tuple[tuple[dt.date, dt.date, int, bool], ...]

    @property
    def bedrag(self) -> int:
        """Arrears at the last signal."""
        return self.signalen[-1][2]

    @property
    def episodes(self) -> int:
        return len({s[1] for s in self.signalen})


@dataclass(frozen=True, slots=True)
class HouseholdTruth:
    """Latent state of one debt household (internal id, never in a message)."""

    household_id: int
    gemeentecode: str
    postcode: str
    huisnummer: str
    huisnummertoevoeging: str | None
    woonvorm: str  # "corporatie", "particulier" or "koop"
    huur: int | None  # monthly rent; None for owner-occupiers
    alleenstaand: bool
    stress: float  # latent financial stress in [0, 1]; drives repeats and arrears growth
    accounts: tuple[AccountTruth, ...]
    # The resident's date of birth as creditors know it (None when they do not). Kept for
    # measuring fairness across age bands only; never a model feature.
    geboortedatum: dt.date | None = None

    @property
    def n_schuldeisers(self) -> int:
        return len(self.accounts)

    @property
    def totale_achterstand(self) -> int:
        return sum(a.bedrag for a in self.accounts)

    @property
    def huurachterstand(self) -> int:
        return sum(a.bedrag for a in self.accounts if a.signaalpartner == Signaalpartner.HUUR)
