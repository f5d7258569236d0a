# SPDX-License-Identifier: EUPL-1.2
"""Turn simulated month batches into contract messages, with realistic defects.

Defects: `bezwaar: true` (an otherwise valid message), invalid messages (a missing
required field, a bad postcode, a negative or a decimal amount) and, independently,
an unknown extra field that the privacy filter must count and drop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np

from synthetic import names
from synthetic.config import PARTNERS
from synthetic.creditors import SCHULDEISER_CODES
from synthetic.engine import MonthBatch, Simulation
from synthetic.stats import GenerationStats
from vroegsignaal.contract.signaal import CONTRACT_VERSION

DEFECTS = ("ontbrekend_veld", "ongeldige_postcode", "negatief_bedrag", "decimaal_bedrag")
_MISSING = (
    "bedrag",
    "ontstaansdatum",
    "signaaldatum",
    "signaalpartner",
    "schuldeiser",
    "signaalId",
    "client.achternaam",
    "client.postcode",
    "client.huisnummer",
)
_BAD_POSTCODES = ("0123 AB", "1234 A", "12345 AB", "1234-AB", "ABCD 12", "1234 A1")
_CENTS = (0.5, 0.25, 0.99, 0.01, 0.75)
UNKNOWN_FIELDS = ("bsn", "opmerking", "dossierstatus")
_OPMERKINGEN = ("klant belt niet terug", "regeling afgebroken", "eerder betalingsregeling gehad")
_PARTNER_NAMES = tuple(str(p) for p in PARTNERS)


def fake_bsn(x: int) -> str:
    """Nine digits that fail the BSN eleven-test, so they can never be a real BSN."""
    digits = [int(c) for c in f"{x % 1_000_000_000:09d}"]
    total = sum(w * d for w, d in zip(range(9, 1, -1), digits[:8], strict=True)) - digits[8]
    if total % 11 == 0:
        digits[8] = (digits[8] + 1) % 10  # shifts the sum by one: no longer divisible
    return "".join(map(str, digits))


class _Draws(NamedTuple):
    order: np.ndarray
    warm: np.ndarray
    invalid: np.ndarray
    bezwaar: np.ndarray
    unknown: np.ndarray
    defect: np.ndarray
    pick: np.ndarray


class MessageBuilder:
    def __init__(self, sim: Simulation, stats: GenerationStats) -> None:
        self.sim = sim
        self.stats = stats
        self._tag = sim.run_tag
        self._seq = 0
        self._iso_base = 0
        self._iso: list[str] = []

    def _iso_dates(self, ordinals: np.ndarray) -> list[str]:
        """ISO strings through a lookup table: far cheaper than a date object per message."""
        lo, hi = int(ordinals.min()), int(ordinals.max())
        base, size = self._iso_base, len(self._iso)
        if not size or lo < base or hi >= base + size:
            new_lo = min(lo, base if size else lo) - 400
            new_hi = max(hi, base + size - 1 if size else hi) + 400
            self._iso_base = new_lo
            self._iso = [dt.date.fromordinal(o).isoformat() for o in range(new_lo, new_hi + 1)]
        iso, base = self._iso, self._iso_base
        return [iso[o - base] for o in ordinals.tolist()]

    def _clients(
        self, hh: np.ndarray, knows_phone: np.ndarray, knows_email: np.ndarray
    ) -> list[dict[str, str]]:
        """Client blocks in contract field order; absent optional fields are left out."""
        h, ad = self.sim.households, self.sim.addresses
        addr = h["addr"][hh]
        naam = h["naam"][hh]
        voorl_codes = h["voorletters"][hh]
        voorl = [names.VOORLETTERS[c] for c in voorl_codes.tolist()]
        vv = [names.ACHTERNAMEN[i][0] for i in naam.tolist()]
        an = [names.ACHTERNAMEN[i][1] for i in naam.tolist()]
        born = [dt.date.fromordinal(o).isoformat() if o else "" for o in h["geboren"][hh].tolist()]
        straat = [names.STRAATNAMEN[i] for i in ad["straat"][addr].tolist()]
        toev = [names.TOEVOEGINGEN[i] if i >= 0 else "" for i in ad["toevoeging"][addr].tolist()]
        postcode = names.postcodes(ad["pc4"][addr], ad["letters"][addr])
        plaats = self.sim.pc4.plaats
        woonplaats = [plaats[i] for i in ad["area"][addr].tolist()]
        tel = names.telefoonnummers(h["tel"][hh])
        mail = names.emails(voorl_codes, naam, h["mailnr"][hh])
        out: list[dict[str, str]] = []
        for row in zip(
            voorl,
            vv,
            an,
            born,
            straat,
            ad["huisnummer"][addr].tolist(),
            toev,
            postcode,
            woonplaats,
            tel,
            mail,
            knows_phone.tolist(),
            knows_email.tolist(),
            strict=True,
        ):
            vl, v, a, b, st, hn, tv, pc, wp, t, e, kp, ke = row
            c = {"voorletters": vl}
            if v:
                c["voorvoegsel"] = v
            c["achternaam"] = a
            if b:
                c["geboortedatum"] = b
            c["straatnaam"] = st
            c["huisnummer"] = str(hn)
            if tv:
                c["huisnummertoevoeging"] = tv
            c["postcode"] = pc
            c["woonplaats"] = wp
            if kp:
                c["telefoonnummer"] = t
            if ke:
                c["email"] = e
            out.append(c)
        return out

    def draw(self, batch: MonthBatch) -> _Draws | None:
        """The random choices of one month's messages, counted in `stats`.

        Separate from building the dicts so `SyntheticRun.simulate` can stay on the same
        random stream (and so the same households) without building any message.
        """
        sim, cfg, rng = self.sim, self.sim.config, self.sim.rng
        assert rng is not None
        n = batch.hh.size
        if not n:
            return None
        order = np.lexsort((rng.random(n), batch.day))
        hh, acct, day = batch.hh[order], batch.acct[order], batch.day[order]
        partner = sim.accounts["partner"][acct]
        ontstaan = batch.ontstaan[order]
        warm = rng.random(n) < cfg.kans_warme_overdracht
        u = rng.random(n)
        invalid = u < cfg.kans_ongeldig
        bezwaar = ~invalid & (u < cfg.kans_ongeldig + cfg.kans_bezwaar)
        unknown = rng.random(n) < cfg.kans_onbekend_veld
        defect = rng.integers(0, len(DEFECTS), size=n)
        pick = rng.integers(0, 1_000_000_000, size=n)
        self._count(batch, hh, partner, day, ontstaan, warm, invalid, bezwaar, unknown, defect)
        return _Draws(order, warm, invalid, bezwaar, unknown, defect, pick)

    def emit(self, batch: MonthBatch) -> Iterator[dict[str, Any]]:
        draws = self.draw(batch)
        if draws is None:
            return
        order, warm, invalid, bezwaar, unknown, defect, pick = draws
        n = order.size
        hh, acct, day = batch.hh[order], batch.acct[order], batch.day[order]
        a = self.sim.accounts
        partner = a["partner"][acct]
        ontstaan = batch.ontstaan[order]

        sids = [f"{self._tag}-{i:08d}" for i in range(self._seq, self._seq + n)]
        self._seq += n
        codes = [SCHULDEISER_CODES[s] for s in a["schuldeiser"][acct].tolist()]
        partners = [_PARTNER_NAMES[p] for p in partner.tolist()]
        refs = [f"{r:09d}" for r in a["ref"][acct].tolist()]
        ontstaan_iso = self._iso_dates(ontstaan)
        day_iso = self._iso_dates(day)
        clients = self._clients(hh, a["knows_phone"][acct], a["knows_email"][acct])
        special = (invalid | bezwaar | unknown).tolist()
        rows = zip(
            sids,
            codes,
            partners,
            refs,
            batch.bedrag[order].tolist(),
            ontstaan_iso,
            day_iso,
            batch.crisis[order].tolist(),
            warm.tolist(),
            clients,
            special,
            strict=True,
        )
        for i, (sid, code, sp, ref, bedrag, ont, sdag, crisis, wo, client, spc) in enumerate(rows):
            msg: dict[str, Any] = {
                "berichtversie": CONTRACT_VERSION,
                "signaalId": sid,
                "schuldeiser": code,
                "signaalpartner": sp,
                "klantreferentie": ref,
                "bedrag": bedrag,
                "ontstaansdatum": ont,
                "signaaldatum": sdag,
                "crisissignaal": crisis,
                "warmeOverdracht": wo,
                "bezwaar": False,
                "client": client,
            }
            if spc:
                if invalid[i]:
                    _spoil(msg, DEFECTS[defect[i]], int(pick[i]))
                elif bezwaar[i]:
                    msg["bezwaar"] = True
                if unknown[i]:
                    _add_unknown(msg, int(pick[i]))
            yield msg

    def _count(
        self,
        batch: MonthBatch,
        hh: np.ndarray,
        partner: np.ndarray,
        day: np.ndarray,
        ontstaan: np.ndarray,
        warm: np.ndarray,
        invalid: np.ndarray,
        bezwaar: np.ndarray,
        unknown: np.ndarray,
        defect: np.ndarray,
    ) -> None:
        st, sim = self.stats, self.sim
        n = hh.size
        lo, hi = sim.config.venster_dagen
        st.total += n
        gem = np.bincount(sim.households["gem"][hh], minlength=len(sim.gemeenten))
        st.per_gemeente.update(
            {g.code: int(c) for g, c in zip(sim.gemeenten, gem, strict=True) if c}
        )
        per_p = np.bincount(partner, minlength=len(PARTNERS))
        st.per_signaalpartner.update({_PARTNER_NAMES[i]: int(c) for i, c in enumerate(per_p) if c})
        days, counts = np.unique(day, return_counts=True)
        for d, c in zip(days.tolist(), counts.tolist(), strict=True):
            st.per_maand[dt.date.fromordinal(d).strftime("%Y-%m")] += c
        age = day - ontstaan
        n_inv, n_bez = int(invalid.sum()), int(bezwaar.sum())
        st.per_kind.update(
            {
                "geldig": n - n_inv - n_bez,
                "bezwaar": n_bez,
                "ongeldig": n_inv,
                "crisis": int(batch.crisis.sum()),
                "warme_overdracht": int(warm.sum()),
                "herhaling": int(batch.repeat.sum()),
                "buiten_venster": int(((age < lo) | (age > hi)).sum()),
                "onbekend_veld": int(unknown.sum()),
            }
        )
        for k, c in enumerate(np.bincount(defect[invalid], minlength=len(DEFECTS)).tolist()):
            if c:
                st.per_kind[f"ongeldig:{DEFECTS[k]}"] += c


def _spoil(msg: dict[str, Any], defect: str, pick: int) -> None:
    if defect == "ontbrekend_veld":
        name = _MISSING[pick % len(_MISSING)]
        if name.startswith("client."):
            msg["client"].pop(name.removeprefix("client."), None)
        else:
            msg.pop(name, None)
    elif defect == "ongeldige_postcode":
        msg["client"]["postcode"] = _BAD_POSTCODES[pick % len(_BAD_POSTCODES)]
    elif defect == "negatief_bedrag":
        msg["bedrag"] = -max(1, msg["bedrag"])
    else:  # decimaal_bedrag: creditors sending cents although the contract says whole euros
        msg["bedrag"] = msg["bedrag"] + _CENTS[pick % len(_CENTS)]


def _add_unknown(msg: dict[str, Any], pick: int) -> None:
    name = UNKNOWN_FIELDS[(pick // 7) % len(UNKNOWN_FIELDS)]
    if name == "bsn":
        msg["client"]["bsn"] = fake_bsn(pick)
    elif name == "opmerking":
        msg["opmerking"] = _OPMERKINGEN[pick % len(_OPMERKINGEN)]
    else:
        msg["dossierstatus"] = "incasso"
