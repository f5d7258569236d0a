# SPDX-License-Identifier: EUPL-1.2
"""Public entry points: `generate_signals` and the richer `SyntheticRun`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from synthetic import names
from synthetic.config import PARTNERS, GeneratorConfig
from synthetic.creditors import SCHULDEISER_CODES
from synthetic.engine import Simulation, iter_months, new_stats
from synthetic.messages import MessageBuilder
from synthetic.truth import AccountTruth, HouseholdTruth

WOONVORMEN = ("corporatie", "particulier", "koop")


class SyntheticRun:
    """One seeded generator run: iterate it once for the messages, then read
    `stats` and `households()` (the latent truth per household)."""

    def __init__(
        self,
        *,
        gemeenten: Sequence[str],
        start: dt.date,
        months: int = 12,
        seed: int = 0,
        scale: float = 1.0,
        config: GeneratorConfig | None = None,
    ) -> None:
        self._sim = Simulation(
            gemeenten=gemeenten,
            start=start,
            months=months,
            seed=seed,
            scale=scale,
            config=config or GeneratorConfig(),
        )
        self.stats = new_stats(self._sim)
        self._started = False
        self._finished = False

    @property
    def config(self) -> GeneratorConfig:
        return self._sim.config

    @property
    def gemeentecodes(self) -> tuple[str, ...]:
        return tuple(g.code for g in self._sim.gemeenten)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self.signals()

    def signals(self) -> Iterator[dict[str, Any]]:
        """JSON-ready contract messages, sorted by signaaldatum."""
        if self._started:
            raise RuntimeError("a SyntheticRun can be iterated once; create a new one")
        self._started = True
        return self._signals()

    def _signals(self) -> Iterator[dict[str, Any]]:
        builder = MessageBuilder(self._sim, self.stats)
        for batch in iter_months(self._sim):
            yield from builder.emit(batch)
        self.stats.households = int(np.count_nonzero(self._sim.households["n_out"]))
        self._finished = True

    def simulate(self) -> SyntheticRun:
        """Run every month without building message dicts; then read `households()`.

        For training data and outcomes, where only the latent truth is needed. The random
        choices of the messages are still drawn (and counted in `stats`), so the same seed
        gives the same households as iterating the messages, in a fraction of the time.
        """
        if self._started:
            raise RuntimeError("a SyntheticRun can be iterated once; create a new one")
        self._started = True
        builder = MessageBuilder(self._sim, self.stats)
        for batch in iter_months(self._sim):
            builder.draw(batch)
        self.stats.households = int(np.count_nonzero(self._sim.households["n_out"]))
        self._finished = True
        return self

    def households(self) -> Iterator[HouseholdTruth]:
        """Latent state of every household with at least one emitted signal, by id."""
        if not self._finished:
            raise RuntimeError("iterate all signals before reading the truth")
        sim = self._sim
        log = sim.log
        s_acct = np.concatenate([b.acct for b in log])
        order = np.argsort(s_acct, kind="stable")  # chronological within an account
        s_acct = s_acct[order]
        s_day = np.concatenate([b.day for b in log])[order].tolist()
        s_ontstaan = np.concatenate([b.ontstaan for b in log])[order].tolist()
        s_bedrag = np.concatenate([b.bedrag for b in log])[order].tolist()
        s_crisis = np.concatenate([b.crisis for b in log])[order].tolist()
        a, h = sim.accounts, sim.households
        n_acct = a.size
        sig_lo = np.searchsorted(s_acct, np.arange(n_acct), side="left").tolist()
        sig_hi = np.searchsorted(s_acct, np.arange(n_acct), side="right").tolist()
        by_hh = np.argsort(a["hh"], kind="stable")
        hh_sorted = a["hh"][by_hh]
        out = np.flatnonzero(h["n_out"] > 0)
        acc_lo = np.searchsorted(hh_sorted, out, side="left").tolist()
        acc_hi = np.searchsorted(hh_sorted, out, side="right").tolist()
        cols = {k: a[k].tolist() for k in ("partner", "schuldeiser", "ref", "termijn", "ontstaan")}
        by_hh_l = by_hh.tolist()
        gem, addr = h["gem"].tolist(), h["addr"].tolist()
        tenure, rent = h["tenure"].tolist(), h["rent"].tolist()
        alone, stress = h["alone"].tolist(), h["stress"].tolist()
        geboren = h["geboren"].tolist()
        ad = sim.addresses
        postcode = names.postcodes(ad["pc4"], ad["letters"])
        huisnummer, toev = ad["huisnummer"].tolist(), ad["toevoeging"].tolist()
        codes = self.gemeentecodes
        date = dt.date.fromordinal
        for hid, lo, hi in zip(out.tolist(), acc_lo, acc_hi, strict=True):
            accounts = []
            for k in by_hh_l[lo:hi]:
                sl = range(sig_lo[k], sig_hi[k])
                accounts.append(
                    AccountTruth(
                        signaalpartner=PARTNERS[cols["partner"][k]],
                        schuldeiser=SCHULDEISER_CODES[cols["schuldeiser"][k]],
                        klantreferentie=f"{cols['ref'][k]:09d}",
                        ontstaansdatum=date(cols["ontstaan"][k]),
                        maandtermijn=cols["termijn"][k],
                        signalen=tuple(
                            (date(s_day[i]), date(s_ontstaan[i]), s_bedrag[i], s_crisis[i])
                            for i in sl
                        ),
                    )
                )
            a_id = addr[hid]
            yield HouseholdTruth(
                household_id=hid,
                gemeentecode=codes[gem[hid]],
                postcode=postcode[a_id],
                huisnummer=str(huisnummer[a_id]),
                huisnummertoevoeging=names.TOEVOEGINGEN[toev[a_id]] if toev[a_id] >= 0 else None,
                woonvorm=WOONVORMEN[tenure[hid]],
                huur=rent[hid] if WOONVORMEN[tenure[hid]] != "koop" else None,
                alleenstaand=alone[hid],
                stress=stress[hid],
                accounts=tuple(accounts),
                geboortedatum=date(geboren[hid]) if geboren[hid] else None,
            )


def generate_signals(
    *,
    gemeenten: Sequence[str],
    start: dt.date,
    months: int = 12,
    seed: int = 0,
    scale: float = 1.0,
    config: GeneratorConfig | None = None,
    truth: Callable[[HouseholdTruth], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Seeded synthetic vroegsignalen in the contract format, sorted by signaaldatum.

    `gemeenten` are CBS codes or names; `scale` multiplies the signal rate. When
    `truth` is given it is called once per household after the last message.
    """
    run = SyntheticRun(
        gemeenten=gemeenten, start=start, months=months, seed=seed, scale=scale, config=config
    )  # validates the arguments now, not at the first next()
    return _with_truth(run, truth)


def _with_truth(
    run: SyntheticRun, truth: Callable[[HouseholdTruth], None] | None
) -> Iterator[dict[str, Any]]:
    yield from run
    if truth is not None:
        for household in run.households():
            truth(household)
