# SPDX-License-Identifier: EUPL-1.2
"""The one intake pipeline every door calls (ADR 0001, DESIGN.md steps 1-7).

contract -> privacy filter -> eligibility -> idempotent store -> match -> score -> enqueue,
over a whole batch, in one transaction. Nothing is dropped silently: every input gets a
SignalOutcome with a ReasonCode. The steps are functions in `intake/steps.py` and
`queue/enqueue.py` that return what they decide; this module loads what they need, calls
them in order, writes their decisions, commits and announces `IntakeCommitted`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import psycopg
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from vroegsignaal import events
from vroegsignaal.accounts.principal import SystemPrincipal
from vroegsignaal.cases import address_links
from vroegsignaal.cases.features import history_start
from vroegsignaal.cases.state import CaseState
from vroegsignaal.cases.workflow import (
    INITIAL,
    KEPT_WITH_ZAAK,
    CaseChanged,
    CaseStatus,
    append_history,
    check_transition,
    retain,
    role_of,
)
from vroegsignaal.config import Settings, get_settings
from vroegsignaal.contract.raw import RawInput
from vroegsignaal.dates import add_months, month_start, today
from vroegsignaal.eligibility.brp import BrpPort, GeenBrpKoppeling
from vroegsignaal.eligibility.rules import RuleSet
from vroegsignaal.intake import steps
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.intake.result import IntakeResult, SignalOutcome
from vroegsignaal.intake.steps import Checked, Ontvangst, Refusal
from vroegsignaal.privacy.crypto import IdentifierCipher, Pseudonymiser
from vroegsignaal.privacy.filter import PrivacyFilter
from vroegsignaal.queue.enqueue import plan_queue_items
from vroegsignaal.queue.rescoring import fingerprint, scorer_identity
from vroegsignaal.reference import load_reference
from vroegsignaal.retention.policy import RetentionPolicy
from vroegsignaal.scoring import Scorer, default_scorer
from vroegsignaal.storage import intake_repository as repo
from vroegsignaal.storage.db import is_busy
from vroegsignaal.storage.tables import WerkvoorraadItem

__all__ = ["Ontvangst", "RawInput", "refusal_key", "run_intake"]

log = logging.getLogger(__name__)
INTAKE = SystemPrincipal("intake")
# How far back a zaak at the same number is linked as "mogelijk hetzelfde adres": the
# window of the zaaktype's history (opeenvolgend), so no two parallel zaken go unnoticed.
HISTORY_MONTHS = 6
# On SQLite a batch that waited longer than the busy timeout for the writer lock runs again
# (storage/db.py); together a writer waits minutes before it gives up with a 503.
BUSY_ATTEMPTS = 4


@lru_cache(maxsize=4)
def _privacy_filter(encryption_key: str, hmac_key: str) -> PrivacyFilter:
    settings = Settings.model_construct(encryption_key=encryption_key, hmac_key=hmac_key)
    return PrivacyFilter(
        IdentifierCipher.from_settings(settings), Pseudonymiser.from_settings(settings)
    )


def _as_inputs(batch: Sequence[RawInput | Mapping[str, Any]]) -> list[RawInput]:
    return [item if isinstance(item, RawInput) else RawInput(i, item) for i, item in
            enumerate(batch)]


def run_intake(
    batch: Sequence[RawInput | Mapping[str, Any]],
    *,
    session: Session,
    source: str,
    ontvangen_op: Ontvangst = None,
    brp: BrpPort | None = None,
    scorer: Scorer | None = None,
    settings: Settings | None = None,
    bus: events.EventBus | None = None,
) -> IntakeResult:
    """Take a batch of messages through the pipeline, commit, announce; what happened to each.

    `batch` holds `RawInput`s, or plain message mappings (then `positie` is the index).
    `source` names the door ("api", "kafka", "batch", ...; stored as `bron`), for tracing
    only: it never changes a rule. `ontvangen_op` is the receipt date (default: today in
    the Netherlands); "signaaldatum" replays history as if each signal arrived the day it
    was sent (demo and backfills). `brp` is the population-register port (default: none
    connected), `scorer` the risk scorer (default: the promoted model, else the rule),
    `bus` where `IntakeCommitted` is announced after the commit (default `events.BUS`).

    Every door may race another writer (two API calls, a file and the Kafka consumer, a
    creditor sending the same signal twice at once): a unique key that was free at the
    pipeline's check can be taken by its insert, or a zaak the batch reopens can be moved
    meanwhile. The batch then runs once more, and sees what the other wrote.

    Raises what the database raises when that second run fails too, or for any other
    reason (the session is then left to the caller to roll back); nothing is committed
    or announced then.
    """
    inputs = _as_inputs(batch)
    args: dict[str, Any] = {
        "session": session, "source": source, "ontvangen_op": ontvangen_op, "brp": brp,
        "scorer": scorer, "settings": settings, "bus": bus,
    }
    for attempt in range(1, BUSY_ATTEMPTS + 1):
        try:
            try:
                return _run_once(inputs, **args)
            except (IntegrityError, psycopg.IntegrityError, CaseChanged):  # COPY: psycopg's
                session.rollback()
                log.info("intake batch lost a race with another writer; running it once "
                         "more source=%s", source)
                return _run_once(inputs, **args)
        except OperationalError as exc:
            if not is_busy(exc) or attempt == BUSY_ATTEMPTS:
                raise
            session.rollback()
            log.warning("intake batch waited too long for the SQLite writer lock; retrying "
                        "source=%s attempt=%d", source, attempt)
            time.sleep(random.uniform(0.05, 0.5) * attempt)
    raise AssertionError("unreachable")


@dataclass(frozen=True, slots=True)
class _Context:
    """What a batch needs besides its messages, loaded once per run."""

    settings: Settings
    privacy: PrivacyFilter
    rules: RuleSet
    retention: RetentionPolicy
    brp: BrpPort
    scorer: Scorer
    today: dt.date


def _run_once(
    inputs: Sequence[RawInput],
    *,
    session: Session,
    source: str,
    ontvangen_op: Ontvangst,
    brp: BrpPort | None,
    scorer: Scorer | None,
    settings: Settings | None,
    bus: events.EventBus | None,
) -> IntakeResult:
    settings = settings or get_settings()
    ctx = _Context(
        settings=settings,
        privacy=_privacy_filter(settings.encryption_key, settings.hmac_key),
        rules=RuleSet.load(session),
        retention=RetentionPolicy.cached(settings),
        brp=brp or GeenBrpKoppeling(),
        scorer=scorer or default_scorer(settings),
        today=today(),
    )
    batch_id = uuid.uuid4().hex

    # 1. contract, 4a. idempotency, 2-3. privacy filter and eligibility
    contract = steps.read_contract(inputs, ontvangen_op=ontvangen_op, today=ctx.today)
    stored = repo.stored_reasons(
        session, list({(m.bericht.schuldeiser, m.bericht.signaalId) for m in contract.valid})
    )
    fresh, replays = steps.split_replays(contract.valid, stored, ctx.privacy.content_key)
    checked, privacy_dropped = steps.check_eligibility(
        fresh, privacy=ctx.privacy, reference=load_reference(), rules=ctx.rules, brp=ctx.brp
    )
    # 5. repeat rule and matching, a confirmed "same address" link followed
    links = address_links.confirmed_links(
        session, list({c.signal.household_key for c in checked if c.refusal is None})
    )
    checked = steps.follow_links(checked, links, ctx.privacy.pseudonymiser)
    matching = _match(session, [c for c in checked if c.refusal is None], ctx.rules, links)
    new, existing = matching.new, matching.existing
    # 4. store: the zaken first (their ids), then the outcomes can be decided whole
    repo.insert_cases(session, new)
    _link_addresses(session, checked, matching, links)
    outcomes = _with_stored_status(
        session, steps.decide_outcomes(contract, replays, checked, matching)
    )
    dropped = contract.unknown_fields + privacy_dropped
    result = IntakeResult(batch_id, source, outcomes, dropped, nieuwe_zaken=len(new))
    batch_row = _batch_row(result, ctx)
    repo.insert_batch(session, batch_row)
    refusals = contract.refused + steps.conflict_refusals(replays)
    repo.insert_refusals(session, [_refusal_row(r, batch_id, source, ctx) for r in refusals])
    repo.update_cases(session, existing, matching.reclassified)
    # What the zaken held before is kept as long as the zaken now are (their maximum age
    # moved on with the new signals: cases/expiry.py). Not their werkvoorraad items: step 7
    # rewrites the item of every zaak in `existing` with the zaak's `bewaren_tot`
    # (queue/enqueue.py), and writing each twice cost 55-86 ms of PostgreSQL CPU a batch
    # at 200,000 signals (measured 30 Nov 2026).
    retain(session, [c.id for c in existing if c.id], kept=_KEPT_BESIDES_ITEM)
    repo.mark_new_signals(
        session, [c.id for c in existing if c.id and c.status is CaseStatus.OPGEPAKT],
        at=batch_row["ontvangen_op"],
    )
    reopened = _reopen(session, matching.reopened)
    # 6-7. score and enqueue every zaak the batch touched
    _score_and_enqueue(session, matching.touched, [c.id for c in existing if c.id], reopened,
                       ctx, links)
    repo.insert_signals(
        session,
        [_signal_row(c, outcomes[c.message.order], batch_id, source, matching) for c in checked],
    )
    events.commit(session, [events.IntakeCommitted(result), *reopened], bus=bus)
    _log(result)
    return result


_KEPT_BESIDES_ITEM = tuple(m for m in KEPT_WITH_ZAAK if m is not WerkvoorraadItem)


def _with_stored_status(session: Session, outcomes: list[SignalOutcome]) -> list[SignalOutcome]:
    """A replay of a picked-up signal is told the status the stored signal has now (its zaak
    may have been picked up or closed since: cases/workflow.py); one query, only when a
    batch has such replays."""
    keys = {n: (o.schuldeiser or "", o.signaal_id or "") for n, o in enumerate(outcomes)
            if o.reden is ReasonCode.DUPLICAAT and o.first_reason is ReasonCode.OPGEPAKT
            and o.schuldeiser and o.signaal_id}
    if not keys:
        return outcomes
    stored = repo.stored_statuses(session, list(keys.values()))
    return [replace(o, status=stored.get(keys[n])) if n in keys else o
            for n, o in enumerate(outcomes)]


def _match(
    session: Session,
    eligible: list[Checked],
    rules: RuleSet,
    links: address_links.HouseholdLinks = address_links.NO_LINKS,
) -> steps.Matching:
    """Load the history the repeat rule and matching need (two queries), then match.
    A household's history includes that of the households linked to it (`links`)."""
    if not eligible:
        return steps.Matching()
    first_day = min(c.message.bericht.signaaldatum for c in eligible)
    previous = repo.last_picked_up(
        session,
        list({k for c in eligible for k in (c.signal.reference_key,
                                            *c.signal.other_reference_keys)}),
        first_day - dt.timedelta(days=rules.max_herhaal_dagen),
    )
    households = _grouped(links, repo.household_cases(
        session,
        list({k for c in eligible for k in links.group(c.signal.household_key)}),
        add_months(month_start(first_day), -rules.max_opeenvolgend_maanden),
    ))
    return steps.match(eligible, previous=previous, household_cases=households, rules=rules)


def _grouped(
    links: address_links.HouseholdLinks, by_household: dict[str, list[CaseState]]
) -> dict[str, list[CaseState]]:
    """Zaken of linked households under their canonical household (in memory only: a
    zaak keeps the key it was stored with). A followers' zaak comes first, so where both
    have a zaak for a month, matching finds the canonical household's own (last wins)."""
    if not links.alias:
        return by_household
    out: dict[str, list[CaseState]] = {}
    followers_first = sorted(by_household.items(), key=lambda kv: kv[0] not in links.alias)
    for household, cases in followers_first:
        canonical = links.canonical(household)
        out.setdefault(canonical, []).extend(
            c if canonical == household else replace(c, household_key=canonical) for c in cases
        )
    return out


def _link_addresses(
    session: Session,
    checked: list[Checked],
    matching: steps.Matching,
    links: address_links.HouseholdLinks,
) -> None:
    """"Mogelijk hetzelfde adres": link each zaak the batch touched to the zaken of a
    household at the same number written with or without letter or addition."""
    candidates = []
    for c in checked:
        case = matching.case_of.get(c.message.order)
        if case is None or case.id is None:
            continue
        f = c.signal
        aliased = f.household_key != f.bare_household_key and f.bare_address
        candidates.append(address_links.LinkCandidate(
            zaak_id=case.id, gemeentecode=case.gemeentecode, household=f.household_key,
            bare_household=f.bare_household_key, address_key=f.address_key,
            bare=f.bare_address and not aliased, bewaren_tot=case.bewaren_tot,
        ))
    if not candidates:
        return
    since = add_months(min(c.matchingsperiode for c in matching.touched), -HISTORY_MONTHS)
    stored = repo.address_zaken(
        session, list({c.address_key for c in candidates}),
        list({c.bare_household for c in candidates}), since,
    )
    households = {c.household for c in candidates} | {z.household for z in stored}
    rows = address_links.plan_links(
        candidates, stored, repo.link_pairs(session, list(households)),
        now=dt.datetime.now(dt.UTC),
    )
    repo.insert_links(session, rows)


def _reopen(session: Session, cases: list[CaseState]) -> list[events.CaseStatusChanged]:
    """A closed zaak a new signal joined waits in the werkvoorraad again (workflow move (1))."""
    if not cases:
        return []
    for c in cases:
        check_transition(c.status, INITIAL, role=role_of(INTAKE))
    repo.reopen_cases(session, cases, INITIAL.value)
    now = dt.datetime.now(dt.UTC)
    changes = [
        events.CaseStatusChanged(
            zaak_id=c.id or 0, gemeentecode=c.gemeentecode, old=c.status, new=INITIAL,
            by=INTAKE.naam, role=role_of(INTAKE), reason="nieuw signaal", eindresultaat=None,
            version=c.versie + 1, at=now,
        )
        for c in cases
    ]
    append_history(session, changes, bewaren_tot={c.id or 0: c.bewaren_tot for c in cases})
    return changes


def _score_and_enqueue(
    session: Session,
    cases: list[CaseState],
    existing_ids: list[int],
    reopened: list[events.CaseStatusChanged],
    ctx: _Context,
    links: address_links.HouseholdLinks = address_links.NO_LINKS,
) -> None:
    """Steps 6 and 7 for the zaken the batch touched (`existing_ids`: those stored before)."""
    if not cases:
        return
    since = history_start(min(c.matchingsperiode for c in cases))
    feats = steps.features(
        cases,
        stored_signals=repo.case_signals(session, existing_ids),
        stored_history=_history_grouped(links, repo.household_history(
            session, list({k for c in cases for k in links.group(c.household_key)}), since,
            before=max(c.matchingsperiode for c in cases),
        )),
    )
    scores = ctx.scorer.score(feats)
    # Stored with the score, so the nightly rescoring skips what nothing has changed since.
    scorer_id = scorer_identity(ctx.scorer)
    plan = plan_queue_items(
        cases,
        feats,
        scores,
        [fingerprint(f, scorer_id) for f in feats],
        existing=repo.queue_items(session, existing_ids),
        reopened=frozenset(c.zaak_id for c in reopened),
        rules=ctx.rules,
        today=ctx.today,
        now=dt.datetime.now(dt.UTC),
    )
    repo.insert_queue_items(session, plan.inserts)
    repo.update_queue_items(session, plan.updates)
    repo.update_queue_items(session, plan.reopened)


def _history_grouped(
    links: address_links.HouseholdLinks,
    history: dict[str, list[tuple[int, dt.date, Any]]],
) -> dict[str, list[tuple[int, dt.date, Any]]]:
    if not links.alias:
        return history
    out: dict[str, list[tuple[int, dt.date, Any]]] = {}
    for household, rows in history.items():
        out.setdefault(links.canonical(household), []).extend(rows)
    return out


def refusal_key(o: Refusal | SignalOutcome, herkomst: str | None, batch_id: str) -> str:
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


def _batch_row(result: IntakeResult, ctx: _Context) -> dict[str, Any]:
    return {
        "batch_id": result.batch_id,
        "bron": result.source,
        "ontvangen_op": dt.datetime.now(dt.UTC),
        "aantallen": dict(result.per_reden()),
        "verwijderde_velden": dict(result.verwijderde_velden),
        "bewaren_tot": add_months(ctx.today, ctx.retention.intake_batch_maanden),
    }


def _refusal_row(r: Refusal, batch_id: str, source: str, ctx: _Context) -> dict[str, Any]:
    return {
        "sleutel": refusal_key(r, r.herkomst, batch_id),
        "batch_id": batch_id,
        "bron": source,
        "positie": r.positie,
        "schuldeiser": r.schuldeiser,
        "signaal_id": r.signaal_id,
        "reden": r.reden.value,
        "details": r.details,
        "bewaren_tot": add_months(r.day, ctx.retention.weigering_maanden),
    }


def _signal_row(
    c: Checked, o: SignalOutcome, batch_id: str, source: str, matching: steps.Matching
) -> dict[str, Any]:
    b, f, m = c.message.bericht, c.signal, c.message
    case = matching.case_of.get(m.order)
    status = o.status or o.reden.ddas_status
    return {
        "schuldeiser": b.schuldeiser,
        "signaal_id": b.signaalId,
        "signaalpartner": b.signaalpartner.value,
        "gemeentecode": c.gemeentecode,
        "pc4": f.pc4,
        "huishouden_sleutel": f.household_key,
        "referentie_sleutel": f.reference_key,
        "bedrag": b.bedrag,
        "ontstaansdatum": b.ontstaansdatum,
        "signaaldatum": b.signaaldatum,
        "ontvangen_op": m.ontvangen_op,
        "crisissignaal": b.crisissignaal,
        "warme_overdracht": b.warmeOverdracht,
        "status": status.value if status else "",
        "reden": o.reden.value,
        "zaak_id": o.zaak_id,
        "sleutel_id": f.key_id,
        "identificatie": f.identificatie,
        "inhoud_sleutel": f.content_key,
        "batch_id": batch_id,
        "bron": source,
        "bewaren_tot": case.bewaren_tot if case is not None
        else add_months(m.ontvangen_op, c.rules.bewaartermijn_maanden),
    }


def _log(result: IntakeResult) -> None:
    log.info(
        "intake batch_id=%s source=%s received=%d stored=%d picked_up=%d new_cases=%d "
        "reasons=%s dropped_fields=%d",
        result.batch_id, result.source, len(result.outcomes), result.opgeslagen,
        result.opgepakt, result.nieuwe_zaken, dict(result.per_reden()),
        sum(result.verwijderde_velden.values()),
    )
