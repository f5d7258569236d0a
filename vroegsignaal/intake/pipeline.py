# SPDX-License-Identifier: EUPL-1.2
"""The one intake pipeline every door calls (ADR 0001, DESIGN.md steps 1-7).

contract -> privacy filter -> eligibility -> idempotent store -> match -> score -> enqueue,
over a whole batch, in one transaction. Nothing is dropped silently: every input position
gets a SignalOutcome with a ReasonCode.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import psycopg
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vroegsignaal.cases.features import HISTORIE_MAANDEN, CaseFeatures, CaseSignal
from vroegsignaal.cases.state import CaseState, classify
from vroegsignaal.cases.workflow import INITIAL
from vroegsignaal.config import Settings, get_settings
from vroegsignaal.contract.enums import Zaaktype
from vroegsignaal.contract.raw import RawInput
from vroegsignaal.contract.signaal import SignaalBericht
from vroegsignaal.dates import add_months, month_start, today
from vroegsignaal.eligibility.brp import BrpPort, BrpStatus, GeenBrpKoppeling
from vroegsignaal.eligibility.check import check_signal
from vroegsignaal.eligibility.rules import Rules, RuleSet
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.intake.result import IntakeResult, SignalOutcome
from vroegsignaal.matching.repeat import PickedUp, is_repeat
from vroegsignaal.privacy.crypto import IdentifierCipher, Pseudonymiser
from vroegsignaal.privacy.filter import FilteredSignal, PrivacyFilter, count_unknown_fields
from vroegsignaal.queue.deadlines import uiterste_datum
from vroegsignaal.queue.rescoring import fingerprint, scorer_identity
from vroegsignaal.reference import load_reference
from vroegsignaal.scoring import Scorer, default_scorer
from vroegsignaal.storage import intake_repository as repo

log = logging.getLogger(__name__)

Ontvangst = dt.date | Literal["signaaldatum"] | None
BATCH_RETENTION_MONTHS = 24  # batch rows hold counts only


@lru_cache(maxsize=4)
def _privacy_filter(encryption_key: str, hmac_key: str) -> PrivacyFilter:
    settings = Settings.model_construct(encryption_key=encryption_key, hmac_key=hmac_key)
    return PrivacyFilter(
        IdentifierCipher.from_settings(settings), Pseudonymiser.from_settings(settings)
    )


def _as_inputs(batch: Sequence[Any]) -> list[RawInput]:
    out = []
    for i, item in enumerate(batch):
        if isinstance(item, RawInput):
            out.append(item)
        elif isinstance(item, Mapping):
            out.append(RawInput(i, item))
        else:
            raise TypeError(f"run_intake takes RawInput or mappings, not {type(item).__name__}")
    return out


def _contract_errors(exc: ValidationError) -> list[dict[str, Any]]:
    # Field path and error type only: pydantic's messages may echo the (personal) input.
    return [
        {"veld": ".".join(str(p) for p in e["loc"]), "fout": e["type"]}
        for e in exc.errors(include_input=False, include_url=False)
    ]


@dataclass(slots=True)
class _Candidate:
    outcome: SignalOutcome
    signal: FilteredSignal
    rules: Rules
    ontvangen_op: dt.date
    case: CaseState | None = None


def run_intake(
    batch: Sequence[Any],
    *,
    session: Session,
    source: str,
    ontvangen_op: Ontvangst = None,
    brp: BrpPort | None = None,
    scorer: Scorer | None = None,
    settings: Settings | None = None,
) -> IntakeResult:
    """Take a batch of messages through the pipeline and commit; returns what happened to each.

    `ontvangen_op` is the receipt date (default: today in the Netherlands); "signaaldatum"
    replays history as if each signal arrived the day it was sent (demo and backfills).

    Every door may race another writer (two API calls, a file and the Kafka consumer, a
    creditor sending the same signal twice at once): a unique key that was free at the
    pipeline's check can be taken by its insert. The batch then runs once more, and the
    check now sees those rows as replays.
    """
    args = {"session": session, "source": source, "ontvangen_op": ontvangen_op,
            "brp": brp, "scorer": scorer, "settings": settings}
    try:
        return _run_intake_once(batch, **args)
    except (IntegrityError, psycopg.IntegrityError):  # COPY raises psycopg's own
        session.rollback()
        log.info("intake batch lost a unique-key race; running it once more source=%s", source)
        return _run_intake_once(batch, **args)


def _run_intake_once(
    batch: Sequence[Any],
    *,
    session: Session,
    source: str,
    ontvangen_op: Ontvangst,
    brp: BrpPort | None,
    scorer: Scorer | None,
    settings: Settings | None,
) -> IntakeResult:
    settings = settings or get_settings()
    brp = brp or GeenBrpKoppeling()
    scorer = scorer or default_scorer(settings)
    privacy = _privacy_filter(settings.encryption_key, settings.hmac_key)
    reference = load_reference()
    rules = RuleSet.load(session)
    vandaag = today()
    # Refusals of unreadable messages are dated by the batch's receipt date when it is fixed.
    batch_dag = ontvangen_op if isinstance(ontvangen_op, dt.date) else vandaag
    batch_id = uuid.uuid4().hex
    dropped: Counter[str] = Counter()
    outcomes: list[SignalOutcome] = []
    refusals: list[dict[str, Any]] = []

    def refuse(o: SignalOutcome, day: dt.date, herkomst: str | None = None) -> None:
        refusals.append(
            {
                "sleutel": refusal_key(o, herkomst, batch_id),
                "batch_id": batch_id,
                "bron": source,
                "positie": o.positie,
                "schuldeiser": o.schuldeiser,
                "signaal_id": o.signaal_id,
                "reden": o.reden.value,
                "details": o.details,
                "bewaren_tot": add_months(day, 6),
            }
        )

    # 1. contract
    valid: list[tuple[SignalOutcome, SignaalBericht, dt.date]] = []
    for raw in _as_inputs(batch):
        if raw.data is None:
            o = SignalOutcome(
                raw.positie,
                ReasonCode.ONGELDIG_BERICHT,
                details=[{"fout": raw.fout or "ONLEESBAAR"}],
            )
            outcomes.append(o)
            refuse(o, batch_dag, raw.herkomst)
            continue
        count_unknown_fields(raw.data, dropped)
        ids = {k: raw.data.get(k) for k in ("schuldeiser", "signaalId")}
        try:
            bericht = SignaalBericht.model_validate(raw.data)
        except ValidationError as exc:
            o = SignalOutcome(
                raw.positie,
                ReasonCode.ONGELDIG_BERICHT,
                schuldeiser=_safe_id(ids["schuldeiser"]),
                signaal_id=_safe_id(ids["signaalId"]),
                details=_contract_errors(exc),
            )
            outcomes.append(o)
            refuse(o, batch_dag, raw.herkomst)
            continue
        received = (
            bericht.signaaldatum if ontvangen_op == "signaaldatum" else ontvangen_op or vandaag
        )
        o = SignalOutcome(
            raw.positie,
            ReasonCode.OPGEPAKT,
            schuldeiser=bericht.schuldeiser,
            signaal_id=bericht.signaalId,
            signaalpartner=bericht.signaalpartner.value,
        )
        outcomes.append(o)
        if bericht.signaaldatum > received + dt.timedelta(days=1):
            o.reden = ReasonCode.ONGELDIG_BERICHT
            o.details = [{"veld": "signaaldatum", "fout": "in_de_toekomst"}]
            refuse(o, received)
        elif bericht.bezwaar:
            o.reden = ReasonCode.BEZWAAR
            refuse(o, received)
        else:
            valid.append((o, bericht, received))

    # 4a. idempotency: a replayed (schuldeiser, signaalId) changes nothing
    known = repo.existing_signal_keys(
        session, list({(b.schuldeiser, b.signaalId) for _, b, _ in valid})
    )
    seen: set[tuple[str, str]] = set()
    fresh: list[tuple[SignalOutcome, SignaalBericht, dt.date]] = []
    for o, b, received in valid:
        key = (b.schuldeiser, b.signaalId)
        if key in known or key in seen:
            o.reden = ReasonCode.DUPLICAAT
            continue
        seen.add(key)
        fresh.append((o, b, received))

    # 2-3. privacy filter and stateless eligibility
    stored: list[_Candidate] = []
    for o, b, received in fresh:
        f = privacy.apply(b)
        for name in f.dropped:
            dropped[name] += 1
        gemeente = reference.gemeente_voor_postcode(f.postcode)
        r = rules.get(gemeente) if gemeente else None
        o.gemeentecode = gemeente
        brp_status = brp.status(b, f.postcode) if r is not None else BrpStatus.ONBEKEND
        reason = check_signal(f, gemeentecode=gemeente, rules=r, brp=brp_status)
        if reason is not None:
            o.reden = reason
        stored.append(_Candidate(o, f, r or Rules(gemeentecode=gemeente or ""), received))

    # 5. repeat rule and matching, in signal-date order so history is built up correctly
    eligible = sorted(
        (c for c in stored if c.outcome.reden is ReasonCode.OPGEPAKT),
        key=lambda c: (c.signal.bericht.signaaldatum, c.outcome.positie),
    )
    cases_by_household: dict[str, list[CaseState]] = {}
    touched: dict[tuple[str, str, dt.date], CaseState] = {}
    if eligible:
        first_day = eligible[0].signal.bericht.signaaldatum
        previous = repo.last_picked_up(
            session,
            list({c.signal.reference_key for c in eligible}),
            first_day - dt.timedelta(days=rules.max_herhaal_dagen),
        )
        cases_by_household = repo.household_cases(
            session,
            list({c.signal.household_key for c in eligible}),
            add_months(month_start(first_day), -rules.max_opeenvolgend_maanden),
        )
        _match(eligible, previous, cases_by_household, touched)

    # 6-7. classify, score and enqueue every case this batch touched
    nieuwe = [c for c in touched.values() if c.id is None]
    bestaande = [c for c in touched.values() if c.id is not None]
    signals_of = repo.case_signals(session, [c.id for c in bestaande if c.id is not None])
    for case in touched.values():
        case.zaaktype = classify(
            case,
            cases_by_household[case.household_key],
            rules.require(case.gemeentecode).opeenvolgend_maanden,
        )
        if case.id is not None:
            case.signalen = signals_of.get(case.id, []) + case.signalen
    # A late signal for an earlier month can make a later, untouched case opeenvolgend.
    # Only that: the household cases loaded here reach back from the batch's first month,
    # not from each older case's own month, so a case must never be downgraded on them.
    reclassified = []
    for household in {c.household_key for c in touched.values()}:
        for case in cases_by_household[household]:
            if case.id is not None and not case.touched:
                new_type = classify(
                    case,
                    cases_by_household[household],
                    rules.require(case.gemeentecode).opeenvolgend_maanden,
                )
                if new_type != case.loaded_type and new_type == Zaaktype.OPEENVOLGEND.value:
                    case.zaaktype = new_type
                    reclassified.append(case)

    result = IntakeResult(batch_id, source, outcomes, dropped, nieuwe_zaken=len(nieuwe))
    repo.insert_batch(
        session,
        {
            "batch_id": batch_id,
            "bron": source,
            "ontvangen_op": dt.datetime.now(dt.UTC),
            "aantallen": dict(result.per_reden()),
            "verwijderde_velden": dict(dropped),
            "bewaren_tot": add_months(vandaag, BATCH_RETENTION_MONTHS),
        },
    )
    repo.insert_refusals(session, refusals)
    repo.insert_cases(session, nieuwe)
    repo.update_cases(session, bestaande + reclassified)
    _enqueue(session, touched, rules, scorer, vandaag)
    repo.insert_signals(session, [_signal_row(c, batch_id, source) for c in stored])
    session.commit()
    log.info(
        "intake batch_id=%s source=%s received=%d stored=%d picked_up=%d new_cases=%d "
        "reasons=%s dropped_fields=%d",
        batch_id,
        source,
        len(outcomes),
        result.opgeslagen,
        result.opgepakt,
        len(nieuwe),
        dict(result.per_reden()),
        sum(dropped.values()),
    )
    return result


def refusal_key(o: SignalOutcome, herkomst: str | None, batch_id: str) -> str:
    """The refusal's natural key, hashed to a fixed length (ids and positions only).

    A creditor's own ids name a signal at every door: the same signal refused for the same
    reason is one refusal, however often it is sent. Without readable ids, the message's
    place in the source (Kafka offset, file line) names it; a door that knows neither gets
    one refusal per delivery.
    """
    if o.schuldeiser and o.signaal_id:
        natural = f"id|{o.schuldeiser}|{o.signaal_id}|{o.reden.value}"
    elif herkomst:
        natural = f"bron|{herkomst}"
    else:
        natural = f"batch|{batch_id}|{o.positie}"
    return hashlib.sha256(natural.encode()).hexdigest()


def _safe_id(value: Any) -> str | None:
    # Only echo an id that looks like one; anything else could be personal data.
    if isinstance(value, str) and 0 < len(value) <= 64 and value.replace("-", "").isalnum():
        return value
    return None


def _match(
    eligible: list[_Candidate],
    previous: dict[str, PickedUp],
    cases_by_household: dict[str, list[CaseState]],
    touched: dict[tuple[str, str, dt.date], CaseState],
) -> None:
    index = {
        (c.gemeentecode, c.household_key, c.matchingsperiode): c
        for cases in cases_by_household.values()
        for c in cases
    }
    for cand in eligible:
        b, f, r = cand.signal.bericht, cand.signal, cand.rules
        if is_repeat(
            previous.get(f.reference_key),
            signaaldatum=b.signaaldatum,
            ontstaansdatum=b.ontstaansdatum,
            bedrag=b.bedrag,
            crisissignaal=b.crisissignaal,
            herhaal_periode_dagen=r.herhaal_periode_dagen,
        ):
            cand.outcome.reden = ReasonCode.HERHAALDE_MELDING
            continue
        previous[f.reference_key] = PickedUp(b.signaaldatum, b.bedrag, b.crisissignaal)
        key = (r.gemeentecode, f.household_key, month_start(b.signaaldatum))
        case = index.get(key)
        retain = add_months(cand.ontvangen_op, r.bewaartermijn_maanden)
        if case is None:
            case = CaseState(
                gemeentecode=r.gemeentecode,
                household_key=f.household_key,
                matchingsperiode=key[2],
                zaaktype="enkelvoudig",
                aantal_signalen=0,
                datum_opgepakt=cand.ontvangen_op,
                bewaren_tot=retain,
            )
            index[key] = case
            cases_by_household.setdefault(f.household_key, []).append(case)
        case.aantal_signalen += 1
        case.bewaren_tot = max(case.bewaren_tot, retain)
        case.touched = True
        case.signalen.append(
            CaseSignal(
                b.signaalpartner.value,
                b.schuldeiser,
                b.bedrag,
                b.ontstaansdatum,
                b.signaaldatum,
                b.crisissignaal,
                b.warmeOverdracht,
            )
        )
        touched[key] = case
        cand.case = case  # its id is known once new cases are inserted


def _enqueue(
    session: Session,
    touched: dict[tuple[str, str, dt.date], CaseState],
    rules: RuleSet,
    scorer: Scorer,
    vandaag: dt.date,
) -> None:
    cases = list(touched.values())
    if not cases:
        return
    features = [
        CaseFeatures(
            tuple(c.signalen), c.zaaktype, max(s.signaaldatum for s in c.signalen), historie
        )
        for c, historie in zip(cases, _histories(session, cases), strict=True)
    ]
    scores = scorer.score(features)
    # Stored with the score, so the nightly rescoring skips what nothing has changed since.
    scorer_id = scorer_identity(scorer)
    prints = [fingerprint(f, scorer_id) for f in features]
    existing = repo.queue_items(session, [c.id for c in cases if c.id is not None])
    now = dt.datetime.now(dt.UTC)
    inserts, updates = [], []
    for case, score, invoer in zip(cases, scores, prints, strict=True):
        r = rules.require(case.gemeentecode)
        assert case.id is not None
        crisis = any(s.crisissignaal for s in case.signalen)
        received = case.datum_opgepakt or vandaag
        latest = max(s.signaaldatum for s in case.signalen)
        due = uiterste_datum(
            max(received, latest) if crisis else received,
            crisis=crisis,
            contact_termijn_dagen=r.contact_termijn_dagen,
            crisis_werkdagen=r.crisis_werkdagen,
        )
        item = existing.get(case.id)
        if item is None:
            inserts.append(
                {
                    "zaak_id": case.id,
                    "gemeentecode": case.gemeentecode,
                    "prioriteit": score.prioriteit,
                    "prioriteit_redenen": list(score.redenen),
                    "scoremodel": score.model,
                    "score_invoer": invoer,
                    "uiterste_datum": due,
                    "crisis": crisis,
                    "status": INITIAL.value,
                    "bewaren_tot": case.bewaren_tot,
                    "bijgewerkt_op": now,
                }
            )
        else:
            updates.append(
                {
                    "id": item["id"],
                    "prioriteit": score.prioriteit,
                    "prioriteit_redenen": list(score.redenen),
                    "scoremodel": score.model,
                    "score_invoer": invoer,
                    "uiterste_datum": min(item["uiterste_datum"], due),
                    "crisis": crisis,
                    "bewaren_tot": case.bewaren_tot,
                    "bijgewerkt_op": now,
                }
            )
    repo.insert_queue_items(session, inserts)
    repo.update_queue_items(session, updates)


def _histories(session: Session, cases: list[CaseState]) -> list[tuple[CaseSignal, ...]]:
    """Per case, the household's accepted signals of the `HISTORIE_MAANDEN` calendar months
    before its own month: one query for the whole batch, no query per case.

    Cases this batch touched carry all their signals in memory (stored and new, the new
    ones not yet written), so they are taken from there instead of the database.
    """
    since = add_months(min(c.matchingsperiode for c in cases), -HISTORIE_MAANDEN)
    stored = repo.household_history(session, list({c.household_key for c in cases}), since)
    touched_ids = {c.id for c in cases}
    by_household: dict[str, list[CaseState]] = {}
    for c in cases:
        by_household.setdefault(c.household_key, []).append(c)
    out = []
    for c in cases:
        start = add_months(c.matchingsperiode, -HISTORIE_MAANDEN)
        earlier = [
            s
            for zaak_id, periode, s in stored.get(c.household_key, ())
            if zaak_id not in touched_ids and start <= periode < c.matchingsperiode
        ]
        earlier += [
            s
            for other in by_household[c.household_key]
            if start <= other.matchingsperiode < c.matchingsperiode
            for s in other.signalen
        ]
        out.append(tuple(earlier))
    return out


def _signal_row(c: _Candidate, batch_id: str, source: str) -> dict[str, Any]:
    b, f, o = c.signal.bericht, c.signal, c.outcome
    case = c.case
    if case is not None:
        o.zaak_id = case.id
    status = o.reden.ddas_status
    return {
        "schuldeiser": b.schuldeiser,
        "signaal_id": b.signaalId,
        "signaalpartner": b.signaalpartner.value,
        "gemeentecode": o.gemeentecode,
        "pc4": f.pc4,
        "huishouden_sleutel": f.household_key,
        "referentie_sleutel": f.reference_key,
        "bedrag": b.bedrag,
        "ontstaansdatum": b.ontstaansdatum,
        "signaaldatum": b.signaaldatum,
        "ontvangen_op": c.ontvangen_op,
        "crisissignaal": b.crisissignaal,
        "warme_overdracht": b.warmeOverdracht,
        "status": status.value if status else "",
        "reden": o.reden.value,
        "zaak_id": o.zaak_id,
        "sleutel_id": f.key_id,
        "identificatie": f.identificatie,
        "batch_id": batch_id,
        "bron": source,
        "bewaren_tot": case.bewaren_tot
        if case is not None
        else add_months(c.ontvangen_op, c.rules.bewaartermijn_maanden),
    }
