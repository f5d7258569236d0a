# SPDX-License-Identifier: EUPL-1.2
"""The generated year lands on the DOMAIN.md figures ("Figures to calibrate against")."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict

import pytest

from synthetic.calibration import case_shares
from synthetic.geo import resolve_gemeenten
from tests.unit.synthetic.conftest import CALIBRATION_GEMEENTEN, Generated
from vroegsignaal.contract.enums import Signaalpartner as SP
from vroegsignaal.contract.enums import Zaaktype


def _valid_amounts(gen: Generated) -> dict[str, list[int]]:
    out: defaultdict[str, list[int]] = defaultdict(list)
    for m in gen.messages:
        if type(m.get("bedrag")) is int and m["bedrag"] >= 0 and "signaalpartner" in m:
            out[m["signaalpartner"]].append(m["bedrag"])
    return out


def test_rate_per_1000_inhabitants_per_month_is_about_4(calibration: Generated) -> None:
    # DOMAIN.md: 4.0 per 1,000 inhabitants per month (2023).
    population = sum(g.inwoners for g in resolve_gemeenten(CALIBRATION_GEMEENTEN))
    rate = 1000 * len(calibration.messages) / population / 12
    assert rate == pytest.approx(4.0, rel=0.04)
    assert calibration.run.stats.rate_per_1000() == pytest.approx(rate)


def test_each_municipality_gets_its_share(calibration: Generated) -> None:
    per_gemeente = calibration.run.stats.per_gemeente
    for g in resolve_gemeenten(CALIBRATION_GEMEENTEN):
        assert 1000 * per_gemeente[g.code] / g.inwoners / 12 == pytest.approx(4.0, rel=0.08)


def test_march_is_the_peak_month(calibration: Generated) -> None:
    per_month = Counter(m["signaaldatum"][:7] for m in calibration.messages if "signaaldatum" in m)
    assert len(per_month) == 12
    assert max(per_month, key=per_month.__getitem__) == "2024-03"
    # A mild seasonal shape: March stands out, no month collapses.
    mean = statistics.mean(per_month.values())
    assert per_month["2024-03"] > 1.12 * mean
    assert min(per_month.values()) > 0.8 * mean


def test_creditor_mix(calibration: Generated) -> None:
    per_partner = Counter(m.get("signaalpartner") for m in calibration.messages)
    total = sum(per_partner.values())
    share = {p: per_partner[p] / total for p in per_partner}
    # DOMAIN.md: health insurers send 45-52% of all signals.
    assert 0.45 <= share[SP.ZORG] <= 0.52
    assert share[SP.ENERGIE] > share[SP.HUUR] > share[SP.WATER] > 0.08
    experimental = {SP.CAK_ZORGVERZEKERINGEN, SP.DUO, SP.OVERIGE, SP.HYPOTHEEK}
    assert all(0 < share[p] < 0.03 for p in experimental)
    assert sum(s for p, s in share.items() if p not in {SP.ZORG, SP.ENERGIE, SP.HUUR, SP.WATER})


def test_case_types_when_grouped_by_address_and_month(calibration: Generated) -> None:
    # DOMAIN.md: single / multiple in a month / earlier signal within 6 months:
    # about 50% / 11% / 40% (2023). Months 1-6 lack a full 6-month look-back.
    shares = case_shares(calibration.messages, skip_months=6)
    assert shares.cases > 10_000
    assert shares.share(Zaaktype.MEERVOUDIG) == pytest.approx(0.11, abs=0.015)
    assert shares.share(Zaaktype.OPEENVOLGEND) == pytest.approx(0.40, abs=0.03)
    assert shares.share(Zaaktype.ENKELVOUDIG) == pytest.approx(0.50, abs=0.03)


def test_arrears_amounts_per_creditor_type(calibration: Generated) -> None:
    amounts = _valid_amounts(calibration)
    mean = {p: statistics.mean(v) for p, v in amounts.items()}
    assert 200 <= statistics.median(amounts[SP.ZORG]) <= 600  # a few hundred
    assert 200 <= statistics.median(amounts[SP.ENERGIE]) <= 700
    assert mean[SP.WATER] < mean[SP.ZORG] < mean[SP.ENERGIE] < mean[SP.HUUR]
    # DOMAIN.md: corporation tenants in arrears owe about EUR 1,280 each (2022).
    corporatie = [
        m["bedrag"]
        for m in calibration.messages
        if m.get("schuldeiser", "").startswith("WBV-") and type(m.get("bedrag")) is int
    ]
    assert statistics.mean(x for x in corporatie if x >= 0) == pytest.approx(1280, rel=0.15)


def test_arrears_age_is_mostly_inside_the_window(calibration: Generated) -> None:
    ages = [
        (dt.date.fromisoformat(m["signaaldatum"]) - dt.date.fromisoformat(m["ontstaansdatum"])).days
        for m in calibration.messages
        if "signaaldatum" in m and "ontstaansdatum" in m
    ]
    inside = sum(30 <= a <= 100 for a in ages) / len(ages)
    assert 0.85 <= inside < 0.97  # mostly 30-100 days, a small share outside
    assert min(ages) > 0


def test_crisis_signals_are_rare_and_may_fall_outside_the_window(calibration: Generated) -> None:
    crisis = [m for m in calibration.messages if m.get("crisissignaal")]
    assert 0.005 < len(crisis) / len(calibration.messages) < 0.03
    assert {m.get("signaalpartner", SP.HUUR) for m in crisis} <= {SP.HUUR, SP.ENERGIE, SP.WATER}
    late = [
        m
        for m in crisis
        if "ontstaansdatum" in m
        and (dt.date.fromisoformat(m["signaaldatum"]) - dt.date.fromisoformat(m["ontstaansdatum"]))
        > dt.timedelta(days=100)
    ]
    assert late


def test_flag_and_defect_rates(calibration: Generated) -> None:
    n = len(calibration.messages)
    kinds = calibration.run.stats.per_kind
    assert 0.002 <= kinds["ongeldig"] / n <= 0.008
    assert 0.0015 <= kinds["bezwaar"] / n <= 0.005
    assert 0.005 <= kinds["warme_overdracht"] / n <= 0.03
    assert 0 < kinds["onbekend_veld"] / n < 0.005
    assert kinds["geldig"] + kinds["bezwaar"] + kinds["ongeldig"] == n


def test_repeats_keep_the_arrears_and_never_shrink(calibration: Generated) -> None:
    last: dict[tuple[str, str, str], tuple[str, int]] = {}
    repeats = 0
    for m in calibration.messages:
        if type(m.get("bedrag")) is not int or m["bedrag"] < 0 or "signaaldatum" not in m:
            continue
        key = (m.get("schuldeiser"), m.get("klantreferentie"), m.get("ontstaansdatum"))
        if key in last:
            month, bedrag = last[key]
            assert m["signaaldatum"][:7] > month, "a repeat comes in a later month"
            assert m["bedrag"] >= bedrag, "a repeat's amount is the same or higher"
            repeats += 1
        last[key] = (m["signaaldatum"][:7], m["bedrag"])
    assert 0.08 < repeats / len(calibration.messages) < 0.3


def test_households_and_addresses(calibration: Generated) -> None:
    households = calibration.households
    assert len(households) == calibration.run.stats.households
    per_address = Counter((h.postcode, h.huisnummer, h.huisnummertoevoeging) for h in households)
    shared = sum(1 for c in per_address.values() if c > 1) / len(per_address)
    assert 0 < shared < 0.03  # several households on one address is rare
    codes = {h.gemeentecode for h in households}
    assert codes == set(CALIBRATION_GEMEENTEN)
    pc4 = {p for g in resolve_gemeenten(CALIBRATION_GEMEENTEN) for p in g.pc4}
    assert all(int(h.postcode[:4]) in pc4 for h in households)
    assert all((h.huur is None) == (h.woonvorm == "koop") for h in households)
    assert {h.woonvorm for h in households} == {"corporatie", "particulier", "koop"}
