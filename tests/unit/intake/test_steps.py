# SPDX-License-Identifier: EUPL-1.2
"""The intake steps without a database: each returns what it decided, and changes nothing
it is handed (intake/steps.py, queue/enqueue.py). The pipeline end to end is
tests/integration/test_intake_pipeline.py."""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from dataclasses import replace

from tests.factories import UTRECHT, signaal
from vroegsignaal.cases.features import CaseFeatures, CaseSignal
from vroegsignaal.cases.state import CaseState
from vroegsignaal.cases.workflow import CaseStatus
from vroegsignaal.contract.raw import RawInput
from vroegsignaal.eligibility.brp import GeenBrpKoppeling
from vroegsignaal.eligibility.rules import Rules, RuleSet
from vroegsignaal.intake import steps
from vroegsignaal.intake.reason_codes import ReasonCode as R
from vroegsignaal.intake.stored import Stored
from vroegsignaal.matching.repeat import PickedUp
from vroegsignaal.queue.enqueue import plan_queue_items
from vroegsignaal.reference import load_reference
from vroegsignaal.scoring import Score

MAART = dt.date(2026, 3, 10)
RULES = RuleSet({UTRECHT: replace(Rules.defaults(UTRECHT), minimumbedragen={"Zorg": 50})})


def _privacy():  # type: ignore[no-untyped-def]
    from vroegsignaal.config import get_settings
    from vroegsignaal.intake.pipeline import _privacy_filter

    s = get_settings()
    return _privacy_filter(s.encryption_key, s.hmac_key)


def _read(*data: object) -> steps.ContractStep:
    inputs = [d if isinstance(d, RawInput) else RawInput(i, d) for i, d in enumerate(data)]
    return steps.read_contract(inputs, ontvangen_op=MAART, today=MAART)  # type: ignore[arg-type]


def test_contract_step_sorts_valid_from_refused_and_counts_unknown_fields() -> None:
    ok = signaal(bsn="123", client__beroep="x")
    before = copy.deepcopy(ok)
    read = _read(
        ok,
        RawInput(1, None, "ONGELDIGE_JSON", "kafka:t:0:7"),
        {"signaalId": "S-1", "schuldeiser": "Jan Jansen 12", "Jansen": 1},  # not an id: not echoed
        signaal(bezwaar=True),
        signaal(signaaldatum=MAART + dt.timedelta(days=2)),
    )
    assert ok == before, "the message is not changed"
    assert [m.positie for m in read.valid] == [0]
    assert [(r.positie, r.reden, r.schuldeiser, r.signaal_id) for r in read.refused] == [
        (1, R.ONGELDIG_BERICHT, None, None),
        (2, R.ONGELDIG_BERICHT, None, "S-1"),
        (3, R.BEZWAAR, "WBV-TEST", read.refused[2].signaal_id),
        (4, R.ONGELDIG_BERICHT, "WBV-TEST", read.refused[3].signaal_id),
    ]
    assert read.refused[0].details == [{"fout": "ONGELDIGE_JSON"}]
    assert read.refused[0].herkomst == "kafka:t:0:7"
    assert read.refused[3].details == [{"veld": "signaaldatum", "fout": "in_de_toekomst"}]
    assert all("Jansen" not in str(r) for r in read.refused)
    # Plain names are counted by name; "Jansen" could be anyone's: counted, never named.
    assert read.unknown_fields == Counter(
        {"bsn": 1, "client.beroep": 1, "onherkenbaar veld": 1}
    )


def test_replays_are_told_apart_from_new_signals_and_from_conflicts() -> None:
    a, b = signaal(signaalId="A"), signaal(signaalId="B")
    other_b, other_a = dict(b, bedrag=1000), dict(a, bedrag=1000)
    read = _read(a, b, dict(b), dict(a), other_b, other_a)
    key = _privacy().content_key
    stored = {("WBV-TEST", "A"): Stored(R.BUITEN_TERMIJN, key(read.valid[0].bericht)),
              ("WBV-TEST", "C"): Stored(R.OPGEPAKT, None)}
    fresh, replays = steps.split_replays(read.valid, stored, key)
    assert [m.bericht.signaalId for m in fresh] == ["B"]
    assert [(r.message.order, r.first_reason, r.first_order, r.conflict) for r in replays] == [
        (0, R.BUITEN_TERMIJN, None, False), (2, None, 1, False), (3, R.BUITEN_TERMIJN, None, False),
        (4, None, 1, True), (5, R.BUITEN_TERMIJN, None, True)]
    assert [r.reden for r in steps.conflict_refusals(replays)] == [R.SIGNAALID_CONFLICT] * 2


def _checked(*messages: dict) -> list[steps.Checked]:
    read = _read(*messages)
    checked, _ = steps.check_eligibility(
        read.valid, privacy=_privacy(), reference=load_reference(), rules=RULES,
        brp=GeenBrpKoppeling(),
    )
    return checked


def test_eligibility_gives_each_signal_its_verdict_and_municipality() -> None:
    checked = _checked(signaal(), signaal(signaalpartner="Zorg", bedrag=10),
                       signaal(client__postcode="1000 AA"), signaal(client__postcode="9999 ZZ"))
    assert [(c.gemeentecode, c.refusal) for c in checked] == [
        (UTRECHT, None), (UTRECHT, R.ONDER_MINIMUMBEDRAG), (None, R.ONBEKENDE_POSTCODE),
        ("GM1966", R.BUITEN_GEMEENTE)]  # a municipality without rules here
    assert checked[2].rules.bewaartermijn_maanden == 6  # from defaults.yaml


def test_matching_copies_the_zaken_it_changes_and_finds_repeats() -> None:
    first, repeat, other = (
        signaal(signaalId="1", klantreferentie="K"),
        signaal(signaalId="2", klantreferentie="K", signaaldatum=MAART),
        signaal(signaalId="3", klantreferentie="L", signaalpartner="Energie"),
    )
    checked = _checked(repeat, other)
    key = checked[0].signal.household_key
    loaded = CaseState(UTRECHT, key, dt.date(2026, 3, 1), "enkelvoudig", 1, MAART, MAART,
                       id=7, loaded_type="enkelvoudig", status=CaseStatus.AFGESLOTEN, versie=3)
    before = copy.deepcopy(loaded)
    previous = {checked[0].signal.reference_key: PickedUp(MAART, 900, False)}
    m = steps.match(checked, previous=previous, household_cases={key: [loaded]}, rules=RULES)
    assert loaded == before, "the loaded zaak is not changed"
    assert m.repeats == {0}
    assert [(c.id, c.aantal_signalen, c.zaaktype) for c in m.touched] == [(7, 2, "meervoudig")]
    assert m.reopened == m.touched and m.case_of[1] is m.touched[0]
    assert m.touched[0].datum_opgepakt == MAART  # its werkvoorraad time starts again
    assert first["signaalId"] == "1"


def test_outcomes_come_back_in_input_order_each_decided_once() -> None:
    a = signaal(signaalId="A")
    read = _read(RawInput(0, None, "GEEN_OBJECT"), a, dict(a), signaal(signaalpartner="Zorg",
                                                                        bedrag=1))
    fresh, replays = steps.split_replays(read.valid, {}, _privacy().content_key)
    checked, _ = steps.check_eligibility(
        fresh, privacy=_privacy(), reference=load_reference(), rules=RULES,
        brp=GeenBrpKoppeling(),
    )
    m = steps.match([c for c in checked if c.refusal is None], previous={},
                    household_cases={}, rules=RULES)
    m.touched[0].id = 11  # as inserted
    outcomes = steps.decide_outcomes(read, replays, checked, m)
    assert [(o.positie, o.reden, o.zaak_id, o.first_reason) for o in outcomes] == [
        (0, R.ONGELDIG_BERICHT, None, None),
        (1, R.OPGEPAKT, 11, None),
        (2, R.DUPLICAAT, None, R.OPGEPAKT),  # told the status of the first
        (3, R.ONDER_MINIMUMBEDRAG, None, None),
    ]


def _features(day: dt.date, crisis: bool = False) -> CaseFeatures:
    s = CaseSignal("Huur", "WBV", 900, day - dt.timedelta(days=40), day, crisis, False)
    return CaseFeatures((s,), "enkelvoudig", day)


def test_enqueue_plans_new_updated_and_reopened_items() -> None:
    def case(i: int) -> CaseState:
        return CaseState(UTRECHT, "h", dt.date(2026, 3, 1), "enkelvoudig", 1, MAART, MAART, id=i)

    cases = [case(1), case(2), case(3)]
    feats = [_features(MAART), _features(MAART, crisis=True), _features(MAART)]
    scores = [Score(0.5, ("r",), "regel-v1")] * 3
    earlier = dt.date(2026, 3, 12)
    plan = plan_queue_items(
        cases, feats, scores, ["a", "b", "c"],
        existing={2: {"id": 20, "uiterste_datum": earlier},
                  3: {"id": 30, "uiterste_datum": earlier}},
        reopened=frozenset({3}), rules=RULES, today=MAART,
        now=dt.datetime(2026, 3, 10, tzinfo=dt.UTC),
    )
    assert [(r["zaak_id"], r["uiterste_datum"], r["status"]) for r in plan.inserts] == [
        (1, MAART + dt.timedelta(days=14), "Nog niet opgepakt")]
    assert [(r["id"], r["uiterste_datum"], r["crisis"]) for r in plan.updates] == [
        (20, min(earlier, dt.date(2026, 3, 13)), True)]  # only ever earlier
    assert [(r["id"], r["uiterste_datum"], r["te_laat_sinds"]) for r in plan.reopened] == [
        (30, MAART + dt.timedelta(days=14), None)]  # fresh, not min
