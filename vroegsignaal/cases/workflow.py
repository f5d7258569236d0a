# SPDX-License-Identifier: EUPL-1.2
"""The zaak's workflow: its statuses, the moves between them, and who may make them.

A table to read (STYLE.md rule 5, after Amsterdam/signals' `workflow.py`). Status values
are Dutch and follow DDAS where DDAS has a word: "Nog niet opgepakt" and "Opgepakt" are
DDAS signal statuses (`Signaalstatus`); DDAS has no word for a closed zaak, it records how
the zaak ended (`Eindresultaat`), which every closed status carries.

    from \\ to               Nog niet opgepakt   Opgepakt   Afgesloten   Automatisch afgesloten
    Nog niet opgepakt        .                   worker     worker       system
    Opgepakt                 .                   .          worker       system
    Afgesloten               system (1)          worker (2) .            .
    Automatisch afgesloten   system (1)          .          .            .

(1) A new accepted signal joined a closed zaak (a late signal for its month): the
    municipality must act on every signal it picks up, so the zaak goes back into the
    werkvoorraad. The intake makes this move (`vroegsignaal/intake/pipeline.py`).
(2) Reopen: a worker closed the zaak too early (a wrong eindresultaat, the resident calls
    back). The closed status and its eindresultaat stay in the history.

"Automatisch afgesloten" is the system's: an open zaak that reached its maximum age is
closed with an eindresultaat the retention rule chooses (issue 13). A new zaak starts as
"Nog niet opgepakt" (`INITIAL`); its creation is `zaak.aangemaakt_op`, and
`zaak_statuswijziging` holds every move after that.

`transition` is the one way to move a zaak. Who moves it is a principal
(vroegsignaal/accounts/principal.py): the system (`SystemPrincipal`, role "systeem") or a
user whose roles make them a worker (schuldhulpverlener or teamleider, role "medewerker");
a manager or a user without roles never moves a zaak (`Forbidden`), and a user never
moves a zaak of a municipality they do not serve (`CaseNotFound`). It checks this table
and that role, guards against a concurrent change (`zaak.versie`, optimistic locking),
writes the status on the zaak and its werkvoorraad item, keeps the DDAS status of the
zaak's signals with it (and queues what each creditor is told: vroegsignaal/feedback.py),
sets the retention dates and the training-label facts when it closes
(`closing_facts`), appends a `zaak_statuswijziging` row (the history only grows), logs a
person's move in the audit trail, commits, and then announces `CaseStatusChanged`
(vroegsignaal/events.py). `move` does the same without the commit, for a change that
consists of more than the move (claiming: cases/assignment.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import Principal, SystemPrincipal, UserRole
from vroegsignaal.audit.log import actor_name, record
from vroegsignaal.cases.errors import (
    CaseChanged,
    CaseNotFound,
    Forbidden,
    TransitionRefused,
)
from vroegsignaal.contract.enums import Eindresultaat, Signaalstatus
from vroegsignaal.dates import add_months, today
from vroegsignaal.events import BUS, CaseStatusChanged, EventBus, commit
from vroegsignaal.feedback import Terugkoppeling, status_at_closing, told
from vroegsignaal.storage.tables import (
    Contactpoging,
    GemeenteInstelling,
    Signaal,
    WerkvoorraadItem,
    Zaak,
    ZaakStatuswijziging,
    ZaakToewijzing,
    table_of,
)
from vroegsignaal.storage.tables import (
    Terugkoppeling as TerugkoppelingRow,
)

__all__ = [
    "ALLOWED_TRANSITIONS", "CLOSED", "INITIAL", "OPEN", "SYSTEM_ONLY", "WORKER_SETTABLE",
    "CaseChanged", "CaseNotFound", "CaseStatus", "Forbidden", "Role", "TransitionRefused",
    "check_transition", "move", "transition",
]

zaak = table_of(Zaak)
werkvoorraad = table_of(WerkvoorraadItem)
statuswijziging = table_of(ZaakStatuswijziging)
signaal = table_of(Signaal)
Mover = Principal | SystemPrincipal


class CaseStatus(StrEnum):
    """Where a zaak is in its handling; the value is stored in `zaak.status`."""

    NOG_NIET_OPGEPAKT = "Nog niet opgepakt"
    OPGEPAKT = "Opgepakt"
    AFGESLOTEN = "Afgesloten"
    AUTOMATISCH_AFGESLOTEN = "Automatisch afgesloten"


class Role(StrEnum):
    """The workflow's side of who moves a zaak: a worker or the system itself. Derived from
    the principal (`role_of`); stored in `zaak_statuswijziging.rol`."""

    WORKER = "medewerker"
    SYSTEM = "systeem"


S = CaseStatus
INITIAL = S.NOG_NIET_OPGEPAKT
OPEN: frozenset[CaseStatus] = frozenset({S.NOG_NIET_OPGEPAKT, S.OPGEPAKT})
CLOSED: frozenset[CaseStatus] = frozenset({S.AFGESLOTEN, S.AUTOMATISCH_AFGESLOTEN})

ALLOWED_TRANSITIONS: Mapping[CaseStatus, frozenset[CaseStatus]] = {
    S.NOG_NIET_OPGEPAKT: frozenset({S.OPGEPAKT, S.AFGESLOTEN, S.AUTOMATISCH_AFGESLOTEN}),
    S.OPGEPAKT: frozenset({S.AFGESLOTEN, S.AUTOMATISCH_AFGESLOTEN}),
    S.AFGESLOTEN: frozenset({S.NOG_NIET_OPGEPAKT, S.OPGEPAKT}),  # (1) new signal, (2) reopen
    S.AUTOMATISCH_AFGESLOTEN: frozenset({S.NOG_NIET_OPGEPAKT}),  # (1) new signal
}
# A worker may set these; the system only sets the others. No status is in both.
WORKER_SETTABLE: frozenset[CaseStatus] = frozenset({S.OPGEPAKT, S.AFGESLOTEN})
SYSTEM_ONLY: frozenset[CaseStatus] = frozenset({S.NOG_NIET_OPGEPAKT, S.AUTOMATISCH_AFGESLOTEN})
# Closing names how the zaak ended (DDAS EnumEindresultaat); nothing else may carry one.
NEEDS_EINDRESULTAAT: frozenset[CaseStatus] = CLOSED
# Results after which debt help followed: the zaak keeps the debt-help file's term.
VERVOLGHULP: frozenset[Eindresultaat] = frozenset({
    Eindresultaat.VERVOLGHULP, Eindresultaat.VERVOLGHULP_FINANCIEEL,
    Eindresultaat.VERVOLGHULP_NIET_FINANCIEEL,
})
WORKER_ROLES = frozenset({UserRole.SCHULDHULPVERLENER, UserRole.TEAMLEIDER})
AUDIT_PURPOSE = "vroegsignalering.behandeling"  # docs/privacy.md, processing purposes
# How long an outbox row (creditor code, its signal id, the status told) is kept.
FEEDBACK_MONTHS = 6


def role_of(by: Mover) -> Role:
    """The workflow role of a principal: the system, or a worker (schuldhulpverlener or
    teamleider). Anyone else, a manager or a user without roles, moves no zaak:
    `Forbidden`."""
    if isinstance(by, SystemPrincipal):
        return Role.SYSTEM
    if by.roles.isdisjoint(WORKER_ROLES):
        raise Forbidden(f"zaak.behandelen: niet voor de rollen {sorted(by.roles)}")
    return Role.WORKER


def check_transition(
    current: CaseStatus,
    to: CaseStatus,
    *,
    role: Role,
    eindresultaat: Eindresultaat | None = None,
) -> None:
    """Raise `TransitionRefused` unless the table allows `current -> to` for `role`.

    Errors name statuses and roles only. A move to a closed status needs an
    `eindresultaat`; any other move must not carry one.
    """
    if to not in ALLOWED_TRANSITIONS[current]:
        raise TransitionRefused(f"{current.value} -> {to.value} staat niet in de tabel")
    allowed = WORKER_SETTABLE if role is Role.WORKER else SYSTEM_ONLY
    if to not in allowed:
        raise TransitionRefused(f"{to.value} wordt niet gezet door de rol {role.value}")
    if (to in NEEDS_EINDRESULTAAT) != (eindresultaat is not None):
        need = "vraagt" if to in NEEDS_EINDRESULTAAT else "heeft geen"
        raise TransitionRefused(f"{to.value} {need} een eindresultaat")


def transition(
    session: Session,
    zaak_id: int,
    to: CaseStatus,
    *,
    by: Mover,
    reason: str,
    eindresultaat: Eindresultaat | None = None,
    expected_version: int | None = None,
    bus: EventBus | None = None,
    day: dt.date | None = None,
    purpose: str = AUDIT_PURPOSE,
) -> CaseStatusChanged:
    """Move zaak `zaak_id` to `to`, commit, then announce it; returns the announced event.

    `by` is who moves it (a worker's `Principal`, or a `SystemPrincipal` such as the
    intake's); `reason` says why in a few words (stored in the history, so ids and codes,
    never a resident's details). `expected_version` is the `zaak.versie` the caller showed
    the user: if someone changed the zaak since, nothing changes and `CaseChanged` is
    raised. `day` is the calendar day the move counts for in the dates it sets (retention,
    the maximum age of a reopened zaak); default today in the Netherlands. The nightly
    automatic closing passes its peildatum, so a rerun for a day dates the same.
    `purpose` is the audit row's processing purpose (docs/privacy.md).

    Raises `Forbidden` (a principal who is no worker), `CaseNotFound` (no such zaak, or
    one of a municipality the user does not serve), `TransitionRefused` (the table, the
    role, the eindresultaat: `check_transition`) or `CaseChanged`; the session is rolled
    back on each.
    """
    try:
        change = move(session, zaak_id, to, by=by, reason=reason, eindresultaat=eindresultaat,
                      expected_version=expected_version, day=day, purpose=purpose)
    except Exception:
        session.rollback()
        raise
    commit(session, [change], bus=bus or BUS)
    return change


def move(
    session: Session,
    zaak_id: int,
    to: CaseStatus,
    *,
    by: Mover,
    reason: str,
    eindresultaat: Eindresultaat | None = None,
    expected_version: int | None = None,
    day: dt.date | None = None,
    purpose: str = AUDIT_PURPOSE,
) -> CaseStatusChanged:
    """`transition` without the commit and the announcement: the caller commits and then
    publishes the returned event (`events.commit`), or rolls back. Same checks and
    errors; the session is not rolled back here."""
    role = role_of(by)
    day = day or today()
    current = session.execute(
        select(zaak.c.status, zaak.c.versie, zaak.c.gemeentecode, zaak.c.bewaren_tot,
               zaak.c.huishouden_sleutel, zaak.c.laatste_activiteit_op)
        .where(zaak.c.id == zaak_id)
    ).one_or_none()
    if current is None or (isinstance(by, Principal) and not by.serves(current.gemeentecode)):
        raise CaseNotFound(f"zaak {zaak_id}")
    if expected_version is not None and current.versie != expected_version:
        raise CaseChanged(f"zaak {zaak_id}: versie {current.versie}, niet {expected_version}")
    old = CaseStatus(current.status)
    check_transition(old, to, role=role, eindresultaat=eindresultaat)
    now = dt.datetime.now(dt.UTC)
    versie = current.versie + 1
    values: dict[str, Any] = {
        "status": to.value, "versie": versie,
        "eindresultaat": eindresultaat.value if eindresultaat else None,
    }
    bewaren_tot = current.bewaren_tot
    if to in CLOSED:
        assert eindresultaat is not None
        facts = closing_facts(session, zaak_id, current.gemeentecode, eindresultaat, now,
                              day=day)
        values.update(facts, nieuw_signaal_sinds=None)
        bewaren_tot = facts["bewaren_tot"]
    else:
        if old in CLOSED:
            # Reopened: open again until its maximum age, counted from this day at the
            # latest (a reopening is the worker's, or a new signal's, activity).
            last = max(current.laatste_activiteit_op, day)
            bewaren_tot = add_months(last, _max_age(session, current.gemeentecode))
            values.update(laatste_activiteit_op=last, bewaren_tot=bewaren_tot)
        if to is S.OPGEPAKT:
            values.update(gesloten_op=None, score_bij_sluiten=None,
                          scoremodel_bij_sluiten=None, nieuw_signaal_sinds=None)
    moved = session.execute(
        update(zaak).where(zaak.c.id == zaak_id, zaak.c.versie == current.versie).values(values)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise CaseChanged(f"zaak {zaak_id} changed during the move")
    session.execute(
        update(werkvoorraad).where(werkvoorraad.c.zaak_id == zaak_id)
        .values(status=to.value, bijgewerkt_op=now, bewaren_tot=bewaren_tot)
    )
    if bewaren_tot != current.bewaren_tot:
        retain(session, [zaak_id])
    told_now = _move_signals(session, zaak_id, old, to, eindresultaat, day)
    change = CaseStatusChanged(
        zaak_id=zaak_id,
        gemeentecode=current.gemeentecode,
        old=old,
        new=to,
        by=actor_name(by),
        role=role,
        reason=reason,
        eindresultaat=eindresultaat,
        version=versie,
        at=now,
        feedback=told_now,
    )
    append_history(session, [change], bewaren_tot={zaak_id: bewaren_tot})
    # Every move is audited, the system's too (the automatic closing: ADR 0018).
    record(session, by, actie="zaak.status", doel=purpose, resultaat="ok",
           zaak_id=zaak_id, huishouden_sleutel=current.huishouden_sleutel,
           gemeentecode=current.gemeentecode,
           details={"van": old.value, "naar": to.value, "versie": versie, "reden": reason,
                    "eindresultaat": eindresultaat.value if eindresultaat else None})
    return change


def closing_facts(
    session: Session, zaak_id: int, gemeentecode: str, eindresultaat: Eindresultaat,
    now: dt.datetime, *, day: dt.date | None = None,
) -> dict[str, Any]:
    """What closing stores on the zaak: the closing time, the retention date by result and
    the score the werkvoorraad showed (the future training label's anchor: ADR 0016).

    Retention (DOMAIN.md step 9): `bewaartermijn_maanden` after the closing `day` (default
    today) when no help followed; `bewaartermijn_schuldhulp_maanden` (the debt-help file's
    term) after a result in `VERVOLGHULP`; both per municipality in `gemeente_instelling`.
    """
    terms = session.execute(
        select(GemeenteInstelling.bewaartermijn_maanden,
               GemeenteInstelling.bewaartermijn_schuldhulp_maanden)
        .where(GemeenteInstelling.gemeentecode == gemeentecode)
    ).one()
    months = terms[1] if eindresultaat in VERVOLGHULP else terms[0]
    score = session.execute(
        select(werkvoorraad.c.prioriteit, werkvoorraad.c.scoremodel)
        .where(werkvoorraad.c.zaak_id == zaak_id)
    ).one_or_none()
    return {
        "gesloten_op": now,
        "bewaren_tot": add_months(day or today(), months),
        "score_bij_sluiten": score[0] if score else None,
        "scoremodel_bij_sluiten": score[1] if score else None,
    }


# What is kept as long as its zaak (and deleted with it by the purge).
KEPT_WITH_ZAAK = (Signaal, ZaakStatuswijziging, Contactpoging, ZaakToewijzing, WerkvoorraadItem)


def retain(
    session: Session, zaak_ids: Sequence[int], kept: Sequence[type[Any]] = KEPT_WITH_ZAAK
) -> None:
    """Everything kept with these zaken gets its zaak's `bewaren_tot`: one date for a zaak
    and all it holds (the purge deletes them together). `kept`: the tables to update, by
    default all of KEPT_WITH_ZAAK (the intake leaves out the werkvoorraad items it rewrites
    itself).

    On PostgreSQL one statement a table with the ids as one array parameter (an IN list of
    1,000 placeholders cost psycopg 10-20 ms of client CPU to convert, per table and
    chunk, and the intake's chunks grow with the zaken a batch adds to); a row that has its
    zaak's date already is left alone: rewriting it cost a new row version in all of
    `signaal`'s seven indexes (measured 30 Nov 2026)."""
    from vroegsignaal.storage.intake_repository import in_values, parts

    for chunk in parts(session, list(zaak_ids)):
        for model in kept:
            own = select(zaak.c.bewaren_tot).where(zaak.c.id == model.zaak_id).scalar_subquery()
            session.execute(
                update(model)
                .where(in_values(session, model.zaak_id, chunk),
                       model.bewaren_tot.is_distinct_from(own))
                .values(bewaren_tot=own)
                .execution_options(synchronize_session=False)
            )


def _max_age(session: Session, gemeentecode: str) -> int:
    """The municipality's `zaak_max_leeftijd_maanden` (gemeente_instelling)."""
    return int(session.execute(
        select(GemeenteInstelling.zaak_max_leeftijd_maanden)
        .where(GemeenteInstelling.gemeentecode == gemeentecode)
    ).scalar_one())


_NNO, _OP = Signaalstatus.NOG_NIET_OPGEPAKT.value, Signaalstatus.OPGEPAKT.value


def _move_signals(
    session: Session, zaak_id: int, old: CaseStatus, to: CaseStatus,
    eindresultaat: Eindresultaat | None, day: dt.date,
) -> tuple[Terugkoppeling, ...]:
    """Keep the DDAS status of the zaak's picked-up signals with the zaak, and queue what
    each creditor is told where that changes (the outbox `terugkoppeling`).

    Pick-up: waiting signals become "Opgepakt". Closing: the open ones get the status of
    the eindresultaat. A worker's reopen: every picked-up signal is "Opgepakt" again. The
    intake's reopen changes no stored signal (the new one arrives "Nog niet opgepakt").
    """
    if to is S.OPGEPAKT and old is S.NOG_NIET_OPGEPAKT:
        new, which = Signaalstatus.OPGEPAKT, [_NNO]
    elif to is S.OPGEPAKT:
        new, which = Signaalstatus.OPGEPAKT, None
    elif to in CLOSED and eindresultaat is not None:
        new, which = status_at_closing(eindresultaat), [_NNO, _OP]
    else:
        return ()
    query = select(signaal.c.id, signaal.c.schuldeiser, signaal.c.signaal_id, signaal.c.status)
    query = query.where(signaal.c.zaak_id == zaak_id, signaal.c.reden == "OPGEPAKT",
                        signaal.c.status != new.value)
    if which is not None:
        query = query.where(signaal.c.status.in_(which))
    rows = session.execute(query).all()
    if not rows:
        return ()
    session.execute(
        update(signaal).where(signaal.c.id.in_([r.id for r in rows])).values(status=new.value)
    )
    tell = told(new)
    told_now = tuple(
        Terugkoppeling(r.schuldeiser, r.signaal_id, tell)
        for r in rows if told(Signaalstatus(r.status)) != tell
    )
    if told_now:
        now = dt.datetime.now(dt.UTC)
        session.execute(
            insert(TerugkoppelingRow),
            [{"schuldeiser": fb.schuldeiser, "signaal_id": fb.signaal_id,
              "status": fb.status.value, "aangemaakt_op": now, "verzonden_op": None,
              "bewaren_tot": add_months(day, FEEDBACK_MONTHS)} for fb in told_now],
        )
    return told_now


def append_history(
    session: Session, changes: list[CaseStatusChanged], *, bewaren_tot: Mapping[int, dt.date]
) -> None:
    """Append one `zaak_statuswijziging` row per move; rows are kept as long as their zaak."""
    if changes:
        session.execute(
            insert(statuswijziging),
            [
                {
                    "zaak_id": c.zaak_id,
                    "van": c.old.value,
                    "naar": c.new.value,
                    "eindresultaat": c.eindresultaat.value if c.eindresultaat else None,
                    "door": c.by,
                    "rol": c.role.value,
                    "reden": c.reason,
                    "versie": c.version,
                    "tijdstip": c.at,
                    "bewaren_tot": bewaren_tot[c.zaak_id],
                }
                for c in changes
            ],
        )
