# SPDX-License-Identifier: EUPL-1.2
"""The monthly simulation behind the synthetic signals.

Model, per municipality and month (vectorised with numpy):
1. The number of address-months with signals ("cases") is Poisson around
   rate x inhabitants x season / mean signals per case.
2. A share of them continues a household that signalled in the last 6 months
   (weighted towards short gaps and high latent stress); the rest are new households
   at a new address in a PC4 area drawn by population (rarely an existing address).
3. Each case gets 1-4 signals from distinct creditor types; a continuing household
   mostly hears again from a creditor with open arrears (a repeat: same schuldeiser,
   klantreferentie and ontstaansdatum, amount the same or grown by missed instalments).
4. Arrears past the 30-100 day window are repeated only as crisis signals (eviction,
   end of supply, disconnection) or by a late creditor; otherwise they count as
   settled and the creditor's next signal is a new arrears episode on the same account.
A burn-in of `inloop_maanden` runs first so the first emitted month already has history.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from synthetic import names
from synthetic.config import PARTNER_INDEX, PARTNERS, GeneratorConfig
from synthetic.creditors import (
    TENURE_CORPORATIE,
    TENURE_KOOP,
    TENURE_PARTICULIER,
    CreditorPicker,
)
from synthetic.geo import Pc4Table, resolve_gemeenten
from synthetic.state import (
    AccountIndex,
    accounts_table,
    addresses_table,
    households_table,
)
from synthetic.stats import GenerationStats
from vroegsignaal.contract.enums import Signaalpartner as SP

N_PARTNERS = len(PARTNERS)
HUUR = PARTNER_INDEX[SP.HUUR]
HYPOTHEEK = PARTNER_INDEX[SP.HYPOTHEEK]
_CRISIS_PARTNERS = (SP.HUUR, SP.ENERGIE, SP.WATER)
_PRIME = 999_999_937  # klantreferentie = affine bijection of the account id modulo this prime
_DAYS_PER_MONTH = 30.44


def add_months(d: dt.date, k: int) -> dt.date:
    y, m = divmod(d.month - 1 + k, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _weekdays(a: dt.date, b: dt.date) -> np.ndarray:
    o = np.arange(a.toordinal(), b.toordinal(), dtype=np.int64)
    return o[(o + 6) % 7 < 5]  # ordinal 1 (0001-01-01) was a Monday


def _duplicates(key: np.ndarray) -> np.ndarray:
    """True for every occurrence of a key after its first."""
    order = np.argsort(key, kind="stable")
    ks = key[order]
    dup = np.zeros(key.size, dtype=bool)
    dup[order[1:]] = ks[1:] == ks[:-1]
    return dup


@dataclass(frozen=True)
class MonthBatch:
    """The signals of one simulated month (unsorted), as parallel arrays."""

    month: int  # -inloop_maanden .. months-1; negative months are never emitted
    hh: np.ndarray
    acct: np.ndarray
    day: np.ndarray  # signaaldatum as date ordinal
    ontstaan: np.ndarray  # ontstaansdatum as date ordinal
    bedrag: np.ndarray
    crisis: np.ndarray
    repeat: np.ndarray


class Simulation:
    """Latent state plus the monthly step; `SyntheticRun` turns its batches into messages."""

    def __init__(
        self,
        *,
        gemeenten: Sequence[str],
        start: dt.date,
        months: int,
        seed: int,
        scale: float,
        config: GeneratorConfig,
    ) -> None:
        if months < 1:
            raise ValueError("months must be at least 1")
        if not scale > 0:
            raise ValueError("scale must be positive")
        if isinstance(start, dt.datetime) or not isinstance(start, dt.date):
            raise TypeError("start must be a datetime.date")
        self.config = cfg = config
        self.gemeenten = resolve_gemeenten(gemeenten)
        self.start, self.months, self.seed, self.scale = start, months, seed, scale
        self.pc4 = Pc4Table.build(self.gemeenten)
        self._pop = np.array([g.inwoners for g in self.gemeenten], dtype=float)

        w = np.array([cfg.partner_aandeel.get(p, 0.0) for p in PARTNERS])
        season = np.array(
            [
                cfg.seizoen_zorg
                if p is SP.ZORG
                else cfg.seizoen_energie
                if p is SP.ENERGIE
                else cfg.seizoen_overig
                for p in PARTNERS
            ]
        )
        weighted = w[:, None] * season  # (partner, calendar month)
        self._season_total = weighted.sum(axis=0)
        # Hypotheek only arises from Huur, so it repeats with Huur's weight.
        self._repeat_w = np.where(w > 0, w, w[HUUR])
        self._mix_cum = np.cumsum(weighted / self._season_total, axis=0)
        self._size_cum = np.cumsum(cfg.groepsgrootte_kansen)
        self._mean_size = float(
            np.dot(np.arange(1, len(cfg.groepsgrootte_kansen) + 1), cfg.groepsgrootte_kansen)
        )
        lognorm = cfg.bedrag_lognormaal
        self._med = np.array([lognorm.get(p, (1.0, 0.0))[0] for p in PARTNERS])
        self._sig = np.array([lognorm.get(p, (1.0, 0.0))[1] for p in PARTNERS])
        self._termijn = np.array([cfg.maandtermijn.get(p, 0.0) for p in PARTNERS])
        self._crisis_rep = np.array([cfg.kans_crisis_herhaling.get(p, 0.0) for p in PARTNERS])
        self._crisis_first = np.array(
            [cfg.kans_crisis_eerste if p in _CRISIS_PARTNERS else 0.0 for p in PARTNERS]
        )

        self.households = households_table()
        self.addresses = addresses_table()
        self.accounts = accounts_table()
        self.account_index = AccountIndex(N_PARTNERS)
        self._addr_keys = np.empty(0, dtype=np.int64)
        self.log: list[MonthBatch] = []
        self.rng: np.random.Generator | None = None
        self._picker: CreditorPicker | None = None
        self._ref_mul = self._ref_add = 0

    @property
    def run_tag(self) -> str:
        """Short tag that makes signaalIds of different runs distinct."""
        ident = repr((self.seed, [g.code for g in self.gemeenten], self.start, self.months))
        ident += repr(self.scale)
        return hashlib.blake2b(ident.encode(), digest_size=3).hexdigest().upper()

    def begin(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._picker = CreditorPicker(rng, [g.provincie for g in self.gemeenten])
        self._ref_mul = int(rng.integers(1, _PRIME))
        self._ref_add = int(rng.integers(0, _PRIME))

    # -- one month ------------------------------------------------------------------

    def step(self, m: int) -> MonthBatch:
        rng, cfg = self.rng, self.config
        assert rng is not None, "call begin() first"
        m0, m1 = add_months(self.start, m), add_months(self.start, m + 1)
        cal = m0.month - 1
        lam = (cfg.signalen_per_1000_per_maand / 1000.0 * self._pop * self._season_total[cal]) * (
            self.scale / self._mean_size
        )
        n_groups = rng.poisson(lam)
        n_cont = rng.binomial(n_groups, cfg.kans_vervolgmaand)
        cont_h, cont_per_gem = self._pick_continuing(rng, m, n_cont)
        new_gem = np.repeat(np.arange(len(self.gemeenten)), n_groups - cont_per_gem)
        new_h = self._new_households(rng, new_gem, m0)
        groups_h = np.concatenate([cont_h, new_h])
        n_cont_groups = cont_h.size

        sizes = 1 + np.minimum(
            np.searchsorted(self._size_cum, rng.random(groups_h.size), side="right"),
            self._size_cum.size - 1,
        )
        slot_group = np.repeat(np.arange(groups_h.size), sizes)
        first = np.ones(slot_group.size, dtype=bool)
        first[1:] = slot_group[1:] != slot_group[:-1]
        slot_h = groups_h[slot_group]
        partner = self._draw_partners(rng, slot_group.size, cal)
        again = first & (slot_group < n_cont_groups)
        again &= rng.random(slot_group.size) < cfg.kans_zelfde_schuldeiser
        if again.any():
            partner[again] = self._open_partner(rng, slot_h[again])
        self._set_tenure(rng, new_h, slot_group - n_cont_groups, partner)
        partner = self._own_home(partner, slot_h)
        weekdays = _weekdays(m0, m1)
        day = weekdays[rng.integers(0, weekdays.size, slot_group.size)]

        keep, partner, crisis = self._resolve(rng, cal, slot_group, slot_h, partner, day)
        slot_h, partner, day, crisis = slot_h[keep], partner[keep], day[keep], crisis[keep]
        acct, repeat, bedrag = self._book(rng, slot_h, partner, day, crisis)
        self.households["last_month"][slot_h] = m
        if m >= 0:
            np.add.at(self.households["n_out"], slot_h, 1)
        ontstaan = self.accounts["ontstaan"][acct].copy()
        batch = MonthBatch(m, slot_h, acct, day, ontstaan, bedrag, crisis, repeat)
        self.log.append(batch)
        return batch

    def _draw_partners(self, rng: np.random.Generator, n: int, cal: int) -> np.ndarray:
        idx = np.searchsorted(self._mix_cum[:, cal], rng.random(n), side="right")
        return np.minimum(idx, N_PARTNERS - 1).astype(np.int64)

    def _open_partner(self, rng: np.random.Generator, hh: np.ndarray) -> np.ndarray:
        """A random creditor type the household already has an account with."""
        # Weighted by the creditor mix, so repeats keep the overall shares in place.
        has = self.account_index.matrix[hh] >= 0
        keys = np.log(1.0 - rng.random(has.shape)) / self._repeat_w
        return np.where(has, keys, -np.inf).argmax(axis=1).astype(np.int64)

    def _own_home(self, partner: np.ndarray, hh: np.ndarray) -> np.ndarray:
        # An owner-occupier's housing arrears are mortgage arrears.
        koop = self.households["tenure"][hh] == TENURE_KOOP
        return np.where((partner == HUUR) & koop, HYPOTHEEK, partner)

    def _pick_continuing(
        self, rng: np.random.Generator, m: int, n_cont: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        n_gem = len(self.gemeenten)
        gaps = np.asarray(self.config.gat_gewichten)
        gap = m - self.households["last_month"]
        cand = np.flatnonzero((gap >= 1) & (gap <= gaps.size))
        if cand.size == 0 or not n_cont.any():
            return np.empty(0, dtype=np.int64), np.zeros(n_gem, dtype=np.int64)
        w = gaps[gap[cand] - 1] * (0.5 + self.households["stress"][cand])
        # Weighted sampling without replacement (Efraimidis-Spirakis): top keys win.
        key = np.log(1.0 - rng.random(cand.size)) / w
        g = self.households["gem"][cand]
        order = np.lexsort((-key, g))
        gs = g[order]
        rank = np.arange(gs.size) - np.searchsorted(gs, gs, side="left")
        take = rank < n_cont[gs]
        return cand[order[take]], np.bincount(gs[take], minlength=n_gem)

    def _set_tenure(
        self,
        rng: np.random.Generator,
        new_h: np.ndarray,
        new_group: np.ndarray,
        partner: np.ndarray,
    ) -> None:
        """Rent or own: a household whose first signals include rent arrears rents."""
        n = new_h.size
        if not n:
            return
        cfg = self.config
        in_new = new_group >= 0
        has_huur = np.bincount(new_group[in_new & (partner == HUUR)], minlength=n) > 0
        koop = ~has_huur & (rng.random(n) < cfg.kans_koop)
        corp = rng.random(n) < cfg.kans_corporatie
        tenure = np.where(koop, TENURE_KOOP, np.where(corp, TENURE_CORPORATIE, TENURE_PARTICULIER))
        med = np.where(corp, cfg.huur_corporatie[0], cfg.huur_particulier[0])
        sig = np.where(corp, cfg.huur_corporatie[1], cfg.huur_particulier[1])
        rent = np.rint(med * np.exp(sig * rng.standard_normal(n)))
        self.households["tenure"][new_h] = tenure
        self.households["rent"][new_h] = np.where(koop, 0, rent)

    def _resolve(
        self,
        rng: np.random.Generator,
        cal: int,
        slot_group: np.ndarray,
        slot_h: np.ndarray,
        partner: np.ndarray,
        day: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Make creditor types distinct within a case; returns (keep, partner, crisis)."""
        n = partner.size
        dup = _duplicates(slot_group * N_PARTNERS + partner)
        for _ in range(30):  # a case of four can need a few tries
            if not dup.any():
                break
            fresh = self._draw_partners(rng, int(dup.sum()), cal)
            partner[dup] = self._own_home(fresh, slot_h[dup])
            dup = _duplicates(slot_group * N_PARTNERS + partner)
        existing = self.account_index.matrix[slot_h, partner] >= 0
        u = rng.random(n)
        crisis = u < np.where(existing, self._crisis_rep[partner], self._crisis_first[partner])
        return ~dup, partner, crisis

    def _book(
        self,
        rng: np.random.Generator,
        hh: np.ndarray,
        partner: np.ndarray,
        day: np.ndarray,
        crisis: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Open accounts and arrears episodes, grow repeated ones.

        A repeat keeps the arrears episode (same ontstaansdatum, amount the same or
        grown by missed instalments). Past the window it is only sent as a crisis
        signal or by a late creditor; otherwise the old arrears count as settled and
        a new episode starts. Returns (account, is_repeat, bedrag).
        """
        cfg = self.config
        acct = self.account_index.matrix[hh, partner].astype(np.int64)
        new = acct < 0
        n_new = int(new.sum())
        ids = self.accounts.add(n_new)
        a = self.accounts.cols  # after add(): columns may have been reallocated
        h = self.households
        hn, pn = hh[new], partner[new]
        rent = h["rent"][hn]
        a["hh"][ids] = hn
        a["partner"][ids] = pn
        assert self._picker is not None
        a["schuldeiser"][ids] = self._picker.pick(rng, pn, h["gem"][hn], h["tenure"][hn])
        a["ref"][ids] = (ids * self._ref_mul + self._ref_add) % _PRIME
        noise = np.exp(0.2 * rng.standard_normal(n_new))
        a["termijn"][ids] = np.rint(np.where(pn == HUUR, rent, self._termijn[pn] * noise))
        a["knows_phone"][ids] = rng.random(n_new) < cfg.kans_telefoon
        a["knows_email"][ids] = rng.random(n_new) < cfg.kans_email
        self.account_index.matrix[hn, pn] = ids
        acct[new] = ids

        age = day - a["ontstaan"][acct]
        late_ok = crisis | (rng.random(acct.size) < cfg.kans_late_herhaling)
        episode = new | ((age > cfg.venster_dagen[1]) & ~late_ok)
        ep = acct[episode]
        n_ep = ep.size
        # New arrears arise after the previous signal about this account.
        start = day[episode] - self._draw_age(rng, n_ep)
        a["ontstaan"][ep] = np.where(new[episode], start, np.maximum(start, a["last_day"][ep] + 1))
        a["bedrag"][ep] = self._first_amount(rng, partner[episode], h["rent"][hh[episode]])

        rep = ~episode
        ar = acct[rep]
        gap = np.maximum(1, np.rint((day[rep] - a["last_day"][ar]) / _DAYS_PER_MONTH))
        stress = h["stress"][hh[rep]]
        p_grow = np.clip(cfg.kans_bedrag_stijgt * (0.6 + 1.2 * stress), 0.0, 1.0)
        grow = rng.random(ar.size) < p_grow
        a["bedrag"][ar] = a["bedrag"][ar] + np.where(grow, a["termijn"][ar] * gap, 0)
        a["last_day"][acct] = day
        return acct, rep, a["bedrag"][acct].copy()

    def _draw_age(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Age of the arrears at a first signal: mostly inside the 30-100 day window."""
        cfg = self.config
        lo, hi = cfg.venster_dagen
        u = rng.random(n)
        core = lo + np.minimum(rng.gamma(*cfg.leeftijd_gamma, size=n), hi - lo)
        early = rng.integers(10, lo, size=n)
        late = rng.integers(hi + 1, 2 * hi + 1, size=n)
        age = np.where(u < cfg.kans_te_vroeg, early, np.where(u > 1 - cfg.kans_te_laat, late, core))
        return np.rint(age).astype(np.int64)

    def _first_amount(
        self, rng: np.random.Generator, partner: np.ndarray, rent: np.ndarray
    ) -> np.ndarray:
        z = rng.standard_normal(partner.size)
        amount = self._med[partner] * np.exp(self._sig[partner] * z)
        months_med, months_sig = self.config.huur_achterstand_maanden
        huur = partner == HUUR
        amount[huur] = rent[huur] * months_med * np.exp(months_sig * z[huur])
        return np.maximum(5, np.rint(amount)).astype(np.int64)

    # -- households and addresses ---------------------------------------------------

    def _new_households(self, rng: np.random.Generator, gem: np.ndarray, m0: dt.date) -> np.ndarray:
        cfg = self.config
        n = gem.size
        before = self.households.size
        ids = self.households.add(n)
        self.account_index.ensure(self.households.size)
        h = self.households
        h["gem"][ids] = gem
        h["alone"][ids] = rng.random(n) < cfg.kans_alleenstaand
        h["stress"][ids] = rng.beta(*cfg.stress_beta, size=n)
        addr = np.full(n, -1, dtype=np.int64)
        shared = np.flatnonzero(rng.random(n) < cfg.kans_gedeeld_adres)
        if shared.size and before:
            # Move in with an earlier debt household of the same municipality.
            eg = h["gem"][:before]
            order = np.argsort(eg, kind="stable")
            egs = eg[order]
            sg = gem[shared]
            lo = np.searchsorted(egs, sg, side="left")
            hi = np.searchsorted(egs, sg, side="right")
            ok = hi > lo
            pick = lo + (rng.random(sg.size) * (hi - lo)).astype(np.int64)
            addr[shared[ok]] = h["addr"][order[pick[ok]]]
        need = addr < 0
        addr[need] = self._new_addresses(rng, gem[need])
        h["addr"][ids] = addr
        self._new_people(rng, ids, m0)
        return ids

    def _new_addresses(self, rng: np.random.Generator, gem: np.ndarray) -> np.ndarray:
        n = gem.size
        area = self.pc4.draw(rng, gem)
        pc4 = self.pc4.pc4[area]
        n_letters = len(names.POSTCODE_LETTERS)
        letters = rng.integers(0, n_letters, size=n)
        hn = names.huisnummers(rng, n)
        toev = np.where(
            rng.random(n) < self.config.kans_toevoeging,
            rng.integers(0, len(names.TOEVOEGINGEN), size=n),
            -1,
        )
        for _ in range(50):  # an address is unique; redraw the few clashes
            key = ((pc4 * 1000 + letters) * 10_000 + hn) * 100 + (toev + 1)
            clash = np.isin(key, self._addr_keys) | _duplicates(key)
            if not clash.any():
                break
            k = int(clash.sum())
            letters[clash] = rng.integers(0, n_letters, size=k)
            hn[clash] = names.huisnummers(rng, k)
        self._addr_keys = np.union1d(self._addr_keys, key)
        ids = self.addresses.add(n)
        ad = self.addresses
        ad["gem"][ids] = gem
        ad["area"][ids] = area
        ad["pc4"][ids] = pc4
        ad["letters"][ids] = letters
        ad["huisnummer"][ids] = hn
        ad["toevoeging"][ids] = toev
        ad["straat"][ids] = rng.integers(0, len(names.STRAATNAMEN), size=n)
        return ids

    def _new_people(self, rng: np.random.Generator, ids: np.ndarray, m0: dt.date) -> None:
        cfg, h, n = self.config, self.households, ids.size
        h["voorletters"][ids] = names.draw_voorletters(rng, n)
        h["naam"][ids] = rng.integers(0, len(names.ACHTERNAMEN), size=n)
        age_years = 20 + np.minimum(rng.gamma(4.0, 5.5, size=n), 68)
        born = m0.toordinal() - (age_years * 365.25).astype(np.int64)
        h["geboren"][ids] = np.where(rng.random(n) < cfg.kans_geboortedatum, born, 0)
        h["tel"][ids] = rng.integers(10_000_000, 100_000_000, size=n)
        h["mailnr"][ids] = rng.integers(1, 1000, size=n)


def new_stats(sim: Simulation) -> GenerationStats:
    return GenerationStats(inwoners={g.code: g.inwoners for g in sim.gemeenten}, months=sim.months)


def iter_months(sim: Simulation) -> Iterator[MonthBatch]:
    """Run the burn-in silently, then yield each emitted month's batch."""
    sim.begin(np.random.Generator(np.random.PCG64(sim.seed)))
    for m in range(-sim.config.inloop_maanden, sim.months):
        batch = sim.step(m)
        if m >= 0:
            yield batch
