# SPDX-License-Identifier: EUPL-1.2
"""The intake steps (DESIGN.md 1-7), each a function that returns what it decided.

`pipeline.run_intake` calls them in order; none of them writes to the database, and none
changes what it is handed. Each signal's outcome is decided once, by the first step that
refuses it (`decide_outcomes`), in the order of docs/rules.md:

1. `read_contract`: the contract, the signal date, the objection;
4a. `split_replays`: a signal received before (schuldeiser, signaalId) is a replay;
2-3. `check_eligibility`: privacy filter, municipality, rules, BRP (eligibility/check.py);
5. `match`: the repeat rule, then the household's zaak for the month, and its type;
6. `features`: what scoring sees of each zaak the batch touched (the score itself is the
   `Scorer`'s);
7. enqueue: `vroegsignaal.queue.enqueue`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from vroegsignaal.cases.address_links import HouseholdLinks
from vroegsignaal.cases.features import CaseFeatures, CaseSignal, history_start
from vroegsignaal.cases.state import CaseState, classify
from vroegsignaal.cases.workflow import CLOSED, INITIAL, CaseStatus
from vroegsignaal.contract.check import check_message, safe_id
from vroegsignaal.contract.enums import Signaalstatus, Zaaktype
from vroegsignaal.contract.raw import RawInput
from vroegsignaal.contract.signaal import SignaalBericht
from vroegsignaal.dates import add_months, month_start
from vroegsignaal.eligibility.brp import BrpPort, BrpStatus
from vroegsignaal.eligibility.check import check_signal
from vroegsignaal.eligibility.rules import Rules, RuleSet
from vroegsignaal.intake import sender
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.intake.result import SignalOutcome
from vroegsignaal.intake.stored import Stored
from vroegsignaal.matching.repeat import PickedUp, is_repeat
from vroegsignaal.privacy.crypto import Pseudonymiser
from vroegsignaal.privacy.filter import FilteredSignal, PrivacyFilter, unknown_fields
from vroegsignaal.reference import ReferenceData

Ontvangst = dt.date | Literal["signaaldatum"] | None
SignalKey = tuple[str, str]  # (schuldeiser, signaalId)


# -- 1. contract -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Message:
    """A message that met the contract and may be taken in, with its receipt date.
    `order` is its index in the batch (outcomes come back in that order)."""

    order: int
    positie: int
    bericht: SignaalBericht
    ontvangen_op: dt.date


@dataclass(frozen=True, slots=True)
class Refusal:
    """A message refused before storage: a refusal row, ids only (DOMAIN.md privacy)."""

    order: int
    positie: int
    reden: ReasonCode
    schuldeiser: str | None
    signaal_id: str | None
    signaalpartner: str | None
    details: list[dict[str, Any]]
    day: dt.date  # the receipt date its retention counts from
    herkomst: str | None = None


@dataclass(frozen=True, slots=True)
class ContractStep:
    """What step 1 decided: the messages that go on, the refusals, the unknown field names."""

    valid: list[Message]
    refused: list[Refusal]
    unknown_fields: Counter[str]


def read_contract(
    inputs: Sequence[RawInput], *, ontvangen_op: Ontvangst, today: dt.date
) -> ContractStep:
    """Step 1: the contract, the own-creditor rule, the signal date and the objection
    (docs/rules.md rules 1-4), in that order; the contract is checked strictly
    (contract/check.py, the same check the batch door's file validation runs).

    `ontvangen_op` is the receipt date (None: `today`; "signaaldatum": each signal's own
    date, for replaying history). Refusals of unreadable messages are dated by the batch's
    receipt date when it is fixed, else `today`. `unknown_fields` counts the names of
    fields outside the contract (privacy/filter.py: plain names only) and the optional
    identifiers dropped because they broke their rule ("client.telefoonnummer:ongeldig").
    """
    batch_day = ontvangen_op if isinstance(ontvangen_op, dt.date) else today
    valid: list[Message] = []
    refused: list[Refusal] = []
    unknown: Counter[str] = Counter()
    for order, raw in enumerate(inputs):
        if raw.data is None or raw.fout is not None:
            # Unreadable, or found invalid by the door (the batch file check), which passes
            # the ids it read: the refusal keeps them, as a contract refusal does.
            named = raw.data or {}
            details = [{"fout": raw.fout or "ONLEESBAAR"}]
            refused.append(
                Refusal(order, raw.positie, ReasonCode.ONGELDIG_BERICHT,
                        safe_id(named.get("schuldeiser")), safe_id(named.get("signaalId")),
                        None, details, batch_day, raw.herkomst)
            )
            continue
        # Counted only when there is something to count: Counter.update of nothing costs
        # 0.27 µs, three times a signal (measured 1 Dec 2026).
        if names := unknown_fields(raw.data):
            unknown.update(names)
        check = check_message(raw.data)
        if check.weggelaten:
            unknown.update(check.weggelaten)
        bericht = check.bericht
        if bericht is None:
            refused.append(
                Refusal(order, raw.positie, ReasonCode.ONGELDIG_BERICHT,
                        safe_id(raw.data.get("schuldeiser")), safe_id(raw.data.get("signaalId")),
                        None, check.fouten, batch_day, raw.herkomst)
            )
            continue
        received = (
            bericht.signaaldatum if ontvangen_op == "signaaldatum" else ontvangen_op or today
        )
        foreign = sender.refusal(bericht.schuldeiser, raw.afzender)
        if foreign is not None:
            reason, details = ReasonCode.ANDERE_SCHULDEISER, foreign
        elif bericht.signaaldatum > received + dt.timedelta(days=1):
            reason, details = ReasonCode.ONGELDIG_BERICHT, [
                {"veld": "signaaldatum", "fout": "in_de_toekomst"}
            ]
        elif bericht.bezwaar:
            reason, details = ReasonCode.BEZWAAR, []
        else:
            valid.append(Message(order, raw.positie, bericht, received))
            continue
        refused.append(
            Refusal(order, raw.positie, reason, bericht.schuldeiser, bericht.signaalId,
                    bericht.signaalpartner.value, details, received)
        )
    return ContractStep(valid, refused, unknown)


# -- 4a. idempotency ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Replay:
    """A signal received before: nothing changes. `first_reason` is what the stored signal
    got; None while the first is in this same batch (`first_order`), decided later.
    `conflict`: the same id with other content (SIGNAALID_CONFLICT), refused."""

    message: Message
    first_reason: ReasonCode | None
    first_order: int | None = None
    conflict: bool = False


def split_replays(
    valid: Sequence[Message],
    stored: Mapping[SignalKey, Stored],
    content_key: Callable[[SignaalBericht], str],
) -> tuple[list[Message], list[Replay]]:
    """Step 4a: a (schuldeiser, signaalId) already stored, or seen earlier in this batch,
    is a replay (idempotent store, ADR 0004) when its content is the same (`content_key`)
    and a conflict when it is not; the rest is new."""
    fresh: list[Message] = []
    replays: list[Replay] = []
    # The first of each id in this batch; its content key only once a second one comes
    # (the key is an HMAC over every field: most signals never need it here).
    first_in_batch: dict[SignalKey, Message] = {}
    first_keys: dict[SignalKey, str] = {}
    for m in valid:
        key = (m.bericht.schuldeiser, m.bericht.signaalId)
        if key in stored:
            s = stored[key]
            other = s.inhoud_sleutel is not None and content_key(m.bericht) != s.inhoud_sleutel
            replays.append(Replay(m, s.reden, conflict=other))
        elif key in first_in_batch:
            first = first_in_batch[key]
            if key not in first_keys:
                first_keys[key] = content_key(first.bericht)
            other = content_key(m.bericht) != first_keys[key]
            replays.append(Replay(m, None, first.order, conflict=other))
        else:
            first_in_batch[key] = m
            fresh.append(m)
    return fresh, replays


def conflict_refusals(replays: Sequence[Replay]) -> list[Refusal]:
    """The refusal rows of the conflicts among `replays` (ids only)."""
    return [
        Refusal(r.message.order, r.message.positie, ReasonCode.SIGNAALID_CONFLICT,
                r.message.bericht.schuldeiser, r.message.bericht.signaalId,
                r.message.bericht.signaalpartner.value, list(CONFLICT_DETAILS),
                r.message.ontvangen_op)
        for r in replays
        if r.conflict
    ]


CONFLICT_DETAILS = ({"veld": "signaalId", "fout": "andere_inhoud"},)


# -- 2-3. privacy filter and stateless eligibility ---------------------------------------


@dataclass(frozen=True, slots=True)
class Checked:
    """A new signal reduced to what may be stored, with its eligibility verdict.

    `rules` are its municipality's; a signal without one gets that of no municipality
    (`RuleSet.fallback`), which only dates its retention.
    """

    message: Message
    signal: FilteredSignal
    gemeentecode: str | None
    rules: Rules
    refusal: ReasonCode | None


def check_eligibility(
    fresh: Sequence[Message],
    *,
    privacy: PrivacyFilter,
    reference: ReferenceData,
    rules: RuleSet,
    brp: BrpPort,
) -> tuple[list[Checked], Counter[str]]:
    """Steps 2-3: privacy filter, then the stateless rules (docs/rules.md rules 5-11).

    Returns the checked signals in input order and the count of fields the privacy filter
    dropped (unusable phone numbers and e-mail addresses).
    """
    out: list[Checked] = []
    dropped: Counter[str] = Counter()
    for m in fresh:
        f = privacy.apply(m.bericht)
        if f.dropped:
            dropped.update(f.dropped)
        gemeente = reference.gemeente_voor_postcode(f.postcode)
        r = rules.get(gemeente) if gemeente else None
        brp_status = brp.status(m.bericht, f.postcode) if r is not None else BrpStatus.ONBEKEND
        reason = check_signal(f, gemeentecode=gemeente, rules=r, brp=brp_status)
        out.append(Checked(m, f, gemeente, r or rules.fallback(gemeente), reason))
    return out, dropped


def follow_links(
    checked: Sequence[Checked], links: HouseholdLinks, pseudonymiser: Pseudonymiser
) -> list[Checked]:
    """A household confirmed to be another (cases/address_links.py) is matched as that one:
    the canonical household key, and for a signal without customer number (the repeat rule
    falls back to the household) the reference of the canonical household, with the
    references of the other keys in its group to look its history up by."""
    if not links.alias and not links.members:
        return list(checked)
    out = []
    for c in checked:
        f = c.signal
        canonical = links.canonical(f.household_key)
        group = links.group(canonical)
        if c.refusal is not None or len(group) == 1:
            out.append(c)
            continue
        b = f.bericht
        reference = f.reference_key
        others: tuple[str, ...] = ()
        if not b.klantreferentie:
            reference = pseudonymiser.reference(b.schuldeiser, f"huishouden:{canonical}")
            others = tuple(pseudonymiser.reference(b.schuldeiser, f"huishouden:{k}")
                           for k in sorted(group - {canonical}))
        signal = replace(f, household_key=canonical, reference_key=reference,
                         other_reference_keys=others)
        out.append(replace(c, signal=signal))
    return out


# -- 5. matching -------------------------------------------------------------------------


@dataclass(slots=True)
class Matching:
    """What matching decided: the repeats, the zaak of every other eligible signal, and the
    zaken to write. `touched` holds every zaak that got a signal (new ones without id
    until they are inserted); `reclassified` the untouched ones that became opeenvolgend;
    `reopened` the touched ones that were closed (cases/workflow.py, move (1))."""

    repeats: set[int] = field(default_factory=set)  # Message.order
    case_of: dict[int, CaseState] = field(default_factory=dict)  # Message.order -> zaak
    touched: list[CaseState] = field(default_factory=list)
    reclassified: list[CaseState] = field(default_factory=list)
    reopened: list[CaseState] = field(default_factory=list)
    household_cases: dict[str, list[CaseState]] = field(default_factory=dict)

    @property
    def new(self) -> list[CaseState]:
        """The touched zaken without an id (to be inserted)."""
        return [c for c in self.touched if c.id is None]

    @property
    def existing(self) -> list[CaseState]:
        """The touched zaken that were stored before."""
        return [c for c in self.touched if c.id is not None]


def match(
    eligible: Sequence[Checked],
    *,
    previous: Mapping[str, PickedUp],
    household_cases: Mapping[str, Sequence[CaseState]],
    rules: RuleSet,
) -> Matching:
    """Step 5 (DOMAIN.md steps 3-4, ADR 0003), in signaaldatum order so history builds up.

    `previous` is the last picked-up signal per reference key, `household_cases` the
    households' zaken loaded from the database. A zaak's `signalen` are this batch's
    signals for it (the stored ones are loaded for scoring, `features`). Loaded zaken are
    copied before they change: the inputs stay as they were handed in.
    """
    result = Matching()
    last = dict(previous)
    households = {k: list(v) for k, v in household_cases.items()}
    index = {
        (c.gemeentecode, c.household_key, c.matchingsperiode): c
        for cases in households.values()
        for c in cases
    }
    working_at = _working_keys(index)
    touched: dict[tuple[str, str, dt.date], CaseState] = {}
    for cand in sorted(eligible, key=_date_order):
        b, f, r = cand.message.bericht, cand.signal, cand.rules
        if is_repeat(
            _last_of(last, f),
            signaaldatum=b.signaaldatum,
            ontstaansdatum=b.ontstaansdatum,
            bedrag=b.bedrag,
            crisissignaal=b.crisissignaal,
            herhaal_periode_dagen=r.herhaal_periode_dagen,
        ):
            result.repeats.add(cand.message.order)
            continue
        last[f.reference_key] = PickedUp(b.signaaldatum, b.bedrag, b.crisissignaal)
        key = (r.gemeentecode, f.household_key, month_start(b.signaaldatum))
        received = cand.message.ontvangen_op
        case = touched.get(key)
        if case is None:
            loaded = index.get(key)
            at = working_at.get((r.gemeentecode, f.household_key))
            working = index[at] if at is not None else None
            if working is not None and (loaded is None or loaded.status in CLOSED):
                # A worker is on this household: the signal joins that zaak and shows as
                # new there, instead of a second zaak for another worker (ADR 0016).
                key = (working.gemeentecode, working.household_key, working.matchingsperiode)
                case = touched.get(key)
                if case is None:
                    case = replace(working, signalen=[], zaaktype=Zaaktype.OPEENVOLGEND.value)
                    _replace_in(households.setdefault(f.household_key, []), working, case)
                    index[key] = touched[key] = case
                    case.touched = True
            elif loaded is None:
                case = CaseState(
                    gemeentecode=r.gemeentecode,
                    household_key=f.household_key,
                    matchingsperiode=key[2],
                    zaaktype=Zaaktype.ENKELVOUDIG.value,
                    aantal_signalen=0,
                    datum_opgepakt=received,
                    bewaren_tot=received,  # dated below, by its maximum age
                    status=INITIAL,
                    address_key=f.address_key or None,
                    pc4=f.pc4,
                )
            elif loaded.status in CLOSED:
                # Reopened: its werkvoorraad time starts at this receipt (the due date);
                # zaak.datum_opgepakt itself keeps the first pick-up (update_cases).
                case = replace(loaded, signalen=[], datum_opgepakt=cand.message.ontvangen_op)
                result.reopened.append(case)
            else:
                case = replace(loaded, signalen=[])
            if not case.touched:
                _replace_in(households.setdefault(f.household_key, []), loaded, case)
                index[key] = touched[key] = case
                case.touched = True
        case.aantal_signalen += 1
        # Every zaak the batch touches is open afterwards: it is kept until it reaches its
        # maximum age, counted from its last activity (cases/expiry.py). A reopened zaak
        # loses the date its closing gave it.
        case.laatste_activiteit_op = max(case.laatste_activiteit_op or received, received)
        case.bewaren_tot = add_months(case.laatste_activiteit_op, r.zaak_max_leeftijd_maanden)
        case.signalen.append(
            CaseSignal(b.signaalpartner.value, b.schuldeiser, b.bedrag, b.ontstaansdatum,
                       b.signaaldatum, b.crisissignaal, b.warmeOverdracht)
        )
        result.case_of[cand.message.order] = case
    result.touched = list(touched.values())
    for case in result.touched:
        case.zaaktype = classify(
            case, households[case.household_key],
            rules.require(case.gemeentecode).opeenvolgend_maanden,
        )
    result.reclassified = _upgraded(result.touched, households, rules)
    result.household_cases = households
    return result


def _working_keys(
    cases: Mapping[tuple[str, str, dt.date], CaseState],
) -> dict[tuple[str, str], tuple[str, str, dt.date]]:
    """Per (gemeentecode, household) the key of its zaak a worker has picked up (the
    latest, should there be several). Built once per batch: matching copies a zaak under
    the same key with the same status and adds only new zaken (not picked up), so the
    keys stay right while the batch is matched. Scanning every loaded zaak per signal
    instead cost 1.7 s CPU of a 5,000-signal batch (quadratic; var/prof, 30 Nov 2026)."""
    out: dict[tuple[str, str], tuple[str, str, dt.date]] = {}
    for key, c in cases.items():
        if c.status is CaseStatus.OPGEPAKT:
            at = out.get(key[:2])
            if at is None or key[2] > at[2]:
                out[key[:2]] = key
    return out


def _last_of(last: Mapping[str, PickedUp], f: FilteredSignal) -> PickedUp | None:
    """The last picked-up signal of this arrears, also under a linked household's keys."""
    prev = last.get(f.reference_key)
    for other in f.other_reference_keys:
        found = last.get(other)
        if found is not None and (prev is None or found.signaaldatum > prev.signaaldatum):
            prev = found
    return prev


def _date_order(c: Checked) -> tuple[dt.date, int]:
    return c.message.bericht.signaaldatum, c.message.order


def _replace_in(cases: list[CaseState], old: CaseState | None, new: CaseState) -> None:
    if old is None:
        cases.append(new)
    else:
        cases[cases.index(old)] = new


def _upgraded(
    touched: Sequence[CaseState], households: Mapping[str, list[CaseState]], rules: RuleSet
) -> list[CaseState]:
    """A late signal for an earlier month can make a later, untouched zaak opeenvolgend.

    Only that: the household's zaken loaded here reach back from the batch's first month,
    not from each older zaak's own month, so a zaak is never downgraded on them.
    """
    out = []
    for household in {c.household_key for c in touched}:
        cases = households[household]
        for case in cases:
            if case.id is None or case.touched:
                continue
            new_type = classify(case, cases, rules.require(case.gemeentecode).opeenvolgend_maanden)
            if new_type != case.loaded_type and new_type == Zaaktype.OPEENVOLGEND.value:
                out.append(replace(case, zaaktype=new_type))
    return out


# -- 6. what scoring sees ----------------------------------------------------------------


def features(
    cases: Sequence[CaseState],
    *,
    stored_signals: Mapping[int, Sequence[CaseSignal]],
    stored_history: Mapping[str, Sequence[tuple[int, dt.date, CaseSignal]]],
) -> list[CaseFeatures]:
    """Step 6: per zaak its signals and the household's accepted signals of the history
    window (cases/features.py). `stored_signals` are the stored signals of the touched
    zaken that existed (by id), `stored_history` the households' accepted signals from one
    query for the batch (household -> (zaak id, matching period, signal)); zaken this
    batch touched are taken from memory (stored plus new signals), not from there."""
    touched_ids = {c.id for c in cases}
    signals = {
        id(c): (*stored_signals.get(c.id, ()), *c.signalen) if c.id is not None
        else tuple(c.signalen)
        for c in cases
    }
    by_household: dict[str, list[CaseState]] = {}
    for c in cases:
        by_household.setdefault(c.household_key, []).append(c)
    out = []
    for c in cases:
        # in_history(periode, c.matchingsperiode), its window worked out once per zaak, not
        # per stored signal (add_months per row grew with the households' history: 2-3%
        # of a batch's client CPU at 940,000 signals, measured 30 Nov 2026).
        first, of = history_start(c.matchingsperiode), c.matchingsperiode
        earlier = [
            s
            for zaak_id, periode, s in stored_history.get(c.household_key, ())
            if zaak_id not in touched_ids and first <= periode < of
        ]
        earlier += [
            s
            for other in by_household[c.household_key]
            if first <= other.matchingsperiode < of
            for s in signals[id(other)]
        ]
        own = signals[id(c)]
        peildatum = max(s.signaaldatum for s in own)
        out.append(CaseFeatures(own, c.zaaktype, peildatum, tuple(earlier)))
    return out


# -- outcomes ----------------------------------------------------------------------------


def decide_outcomes(
    contract: ContractStep,
    replays: Sequence[Replay],
    checked: Sequence[Checked],
    matching: Matching,
) -> list[SignalOutcome]:
    """Every input's outcome, decided once, in input order (docs/rules.md: the first rule
    that refuses wins). Zaak ids must be known (new zaken inserted)."""
    out: dict[int, SignalOutcome] = {}
    for r in contract.refused:
        out[r.order] = SignalOutcome(r.positie, r.reden, r.schuldeiser, r.signaal_id,
                                     signaalpartner=r.signaalpartner, details=r.details)
    reason_at: dict[int, ReasonCode] = {}
    for c in checked:
        b = c.message.bericht
        positie = c.message.positie
        case = matching.case_of.get(c.message.order)
        if c.refusal is not None:
            reason = c.refusal
        elif c.message.order in matching.repeats:
            reason = ReasonCode.HERHAALDE_MELDING
        else:
            reason = ReasonCode.OPGEPAKT
        reason_at[c.message.order] = reason
        working = reason is ReasonCode.OPGEPAKT and case is not None and (
            case.status is CaseStatus.OPGEPAKT)
        out[c.message.order] = SignalOutcome(positie, reason, b.schuldeiser, b.signaalId,
                                             c.gemeentecode, b.signaalpartner.value,
                                             case.id if case else None,
                                             status=Signaalstatus.OPGEPAKT if working else None)
    for rp in replays:
        b = rp.message.bericht
        first = rp.first_reason if rp.first_order is None else reason_at.get(rp.first_order)
        out[rp.message.order] = SignalOutcome(
            rp.message.positie,
            ReasonCode.SIGNAALID_CONFLICT if rp.conflict else ReasonCode.DUPLICAAT,
            b.schuldeiser, b.signaalId, signaalpartner=b.signaalpartner.value,
            first_reason=first, details=list(CONFLICT_DETAILS) if rp.conflict else [],
        )
    return [out[i] for i in sorted(out)]


