# SPDX-License-Identifier: EUPL-1.2
"""The retention purge: delete what is past its retention date, and log it without personal data.

One service, two triggers (the nightly DAG dags/retention_purge.py, and whoever calls
`purge` by hand), as Amsterdam/signals' ADR 0006 does. "Today" is the caller's
`peildatum` (the DAG passes its run's date), so a rerun deletes the same set.

What goes (docs/privacy.md, section 4; policy in bewaartermijnen.yaml):

- signals without a zaak (refused after storage: they led to no help) on or after their
  `bewaren_tot`, or, for a status the policy lists, its term in months after receipt;
- closed zaken on or after their `bewaren_tot`, whatever their eindresultaat, together with
  what they hold: signals, queue item, status history, contact attempts, assignments,
  lapsed retention grounds (ADR 0018) and the "mogelijk hetzelfde adres" links they are
  part of (docs/adressen.md);
- refusal rows, intake batch rows without refusals, creditor-feedback outbox rows, audit
  rows: on or after `bewaren_tot`.

What stays past its date, and why, is reported per run (`bewaard_over_termijn`, per ground
and table): a zaak whose recorded legal ground still holds (retention/grounds.py), audit
rows behind an older row that is not yet due (the chain goes only as a prefix), batch rows
a remaining refusal points at. An open zaak past its maximum age has no ground: the
automatic closing (retention/auto_closing.py) runs before the purge and closes it, and one
it missed is reported as `zonder_grond` (the nightly DAG then fails, so someone looks).
- batch deliveries (`batch_levering`: they hold the delivered file's name), on or after the
  `bewaren_tot` set when they were finished (the stage's term for delivered files).

Deletion runs in chunks; each chunk re-checks the condition in its DELETE, takes the ids
the database actually deleted (RETURNING) and writes them, with the ground and the count,
to `verwijder_log` in the same transaction. So the log is exactly what was deleted. A dry
run plans the same set, deletes and logs nothing, and is recorded (`verwijder_proefrun`):
the scheduled purge refuses to delete until an operator has run one (`require_dry_run`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, delete, exists, func, insert, or_, select
from sqlalchemy.orm import Session

from vroegsignaal.audit import log as audit_log
from vroegsignaal.cases.workflow import CLOSED, OPEN
from vroegsignaal.dates import add_months
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.retention.grounds import holds, kept_by_ground
from vroegsignaal.retention.policy import RetentionPolicy
from vroegsignaal.storage.tables import (
    Adreskoppeling,
    AuditLog,
    BatchLevering,
    Contactpoging,
    IntakeBatch,
    IntakeWeigering,
    Signaal,
    Terugkoppeling,
    VerwijderLog,
    VerwijderProefrun,
    WerkvoorraadItem,
    Zaak,
    ZaakBewaargrond,
    ZaakStatuswijziging,
    ZaakToewijzing,
    table_of,
)

log = logging.getLogger(__name__)

CHUNK = 5000
AUDIT_GROUND = "auditlog: bewaren_tot verstreken (oudste deel van de keten)"
signaal = table_of(Signaal)
zaak = table_of(Zaak)
werkvoorraad = table_of(WerkvoorraadItem)
weigering = table_of(IntakeWeigering)
batch = table_of(IntakeBatch)
audit = table_of(AuditLog)
verwijder_log = table_of(VerwijderLog)
statuswijziging = table_of(ZaakStatuswijziging)
contactpoging = table_of(Contactpoging)
toewijzing = table_of(ZaakToewijzing)
bewaargrond = table_of(ZaakBewaargrond)
terugkoppeling = table_of(Terugkoppeling)
levering = table_of(BatchLevering)
proefrun = table_of(VerwijderProefrun)
koppeling = table_of(Adreskoppeling)
# What a zaak holds, deleted before it (foreign keys) and logged per table. A "mogelijk
# hetzelfde adres" link goes with either of its two zaken (as its ON DELETE CASCADE would,
# but logged).
ZAAK_PARTS: tuple[Table, ...] = (
    werkvoorraad, signaal, statuswijziging, contactpoging, toewijzing, bewaargrond, koppeling,
)
ZAAK_GROUND = "zaak afgesloten: bewaren_tot verstreken, geen bewaargrond"
OPEN_PAST_TERM = "open zaak: maximale leeftijd bereikt, niet automatisch afgesloten"
AUDIT_KEPT = "auditlog: hash-keten, een ouder record is nog niet verlopen"
BATCH_KEPT = "intake-batch: een weigering die blijft verwijst ernaar"
_CLOSED = sorted(st.value for st in CLOSED)
_OPEN = sorted(st.value for st in OPEN)


class NoDryRunYet(VroegsignaalError):
    """The purge was asked to delete before any dry run was recorded (ADR 0007)."""

    code = "GEEN_PROEFRUN"
    title = "De bewaartermijnen zijn nog niet met een proefrun bekeken"


@dataclass
class Group:
    """Rows of one table that go on one ground."""

    tabel: str
    grond: str
    ids: list[Any]
    condition: ColumnElement[bool]


@dataclass
class PurgePlan:
    """What a purge run deletes (`groups`, `zaak_ids` with `zaak_parts`) and what it keeps
    past its date: `kept` per ground and table, `without_ground` per table."""

    peildatum: dt.date
    groups: list[Group] = field(default_factory=list)
    zaak_ids: list[int] = field(default_factory=list)  # deleted with what they hold
    zaak_parts: dict[str, int] = field(default_factory=dict)  # table -> rows held
    kept: dict[str, dict[str, int]] = field(default_factory=dict)
    without_ground: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Rows to delete per table."""
        out: dict[str, int] = {}
        for g in self.groups:
            out[g.tabel] = out.get(g.tabel, 0) + len(g.ids)
        if self.zaak_ids:
            out["zaak"] = len(self.zaak_ids)
            for tabel, n in self.zaak_parts.items():
                if n:
                    out[tabel] = out.get(tabel, 0) + n
        return out


def _chunks(ids: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _signal_groups(session: Session, peildatum: dt.date, policy: RetentionPolicy) -> list[Group]:
    terms = policy.signaal_zonder_zaak_maanden
    groups = []
    for status, months in sorted(terms.items()):
        cond = and_(
            signaal.c.zaak_id.is_(None),
            signaal.c.status == status,
            signaal.c.ontvangen_op <= add_months(peildatum, -months),
        )
        ids = list(session.scalars(select(signaal.c.id).where(cond).order_by(signaal.c.id)))
        grond = f"signaal zonder zaak, status '{status}': {months} maanden na ontvangst"
        groups.append(Group("signaal", grond, ids, cond))
    cond = and_(
        signaal.c.zaak_id.is_(None),
        signaal.c.status.not_in(list(terms)) if terms else signaal.c.id.is_not(None),
        signaal.c.bewaren_tot <= peildatum,
    )
    by_status: dict[str, list[int]] = {}
    for sid, status in session.execute(
        select(signaal.c.id, signaal.c.status).where(cond).order_by(signaal.c.id)
    ):
        by_status.setdefault(status, []).append(sid)
    for status, ids in sorted(by_status.items()):
        grond = f"signaal zonder zaak, status '{status}': bewaren_tot verstreken"
        groups.append(Group("signaal", grond, ids, and_(cond, signaal.c.status == status)))
    return groups


def _zaak_condition(peildatum: dt.date) -> ColumnElement[bool]:
    """A zaak the purge deletes: closed, past its date, no ground that holds."""
    return and_(
        zaak.c.status.in_(_CLOSED),
        zaak.c.bewaren_tot <= peildatum,
        ~kept_by_ground(zaak.c.id, peildatum),
    )


def _held_by(table: Table, zaak_ids: Sequence[int]) -> ColumnElement[bool]:
    """The rows of `table` (one of `ZAAK_PARTS`) that belong to one of these zaken."""
    ids = list(zaak_ids)
    if table is koppeling:
        return or_(koppeling.c.zaak_kaal_id.in_(ids), koppeling.c.zaak_adres_id.in_(ids))
    return table.c.zaak_id.in_(ids)


def _parts(session: Session, zaak_ids: Sequence[int]) -> dict[str, int]:
    """Rows each table of `ZAAK_PARTS` holds for these zaken (a link between two zaken in
    different chunks counts twice: a plan's estimate; the log has what went)."""
    out = {t.name: 0 for t in ZAAK_PARTS}
    for chunk in _chunks(zaak_ids):
        for table in ZAAK_PARTS:
            out[table.name] += _count(session, table, _held_by(table, chunk))
    return out


def _kept_zaken(session: Session, peildatum: dt.date) -> dict[str, dict[str, int]]:
    """Zaken past their date that a ground keeps, with what they hold, per ground (a zaak
    with several grounds counts under the one that holds longest)."""
    g = bewaargrond
    best: dict[int, tuple[dt.date, str]] = {}
    for zaak_id, grond, until in session.execute(
        select(g.c.zaak_id, g.c.grond, g.c.geldig_tot)
        .join(zaak, zaak.c.id == g.c.zaak_id)
        .where(zaak.c.bewaren_tot <= peildatum, holds(peildatum))
    ):
        if zaak_id not in best or (until, grond) > best[zaak_id]:
            best[zaak_id] = (until, grond)
    by_ground: dict[str, list[int]] = {}
    for zaak_id, (_, grond) in sorted(best.items()):
        by_ground.setdefault(f"bewaargrond: {grond}", []).append(zaak_id)
    return {grond: {"zaak": len(ids), **{t: n for t, n in _parts(session, ids).items() if n}}
            for grond, ids in sorted(by_ground.items())}


def plan_purge(session: Session, *, peildatum: dt.date, policy: RetentionPolicy) -> PurgePlan:
    """What a purge on `peildatum` deletes and keeps under `policy`; changes nothing."""
    plan = PurgePlan(peildatum)
    plan.groups += [g for g in _signal_groups(session, peildatum, policy) if g.ids]
    zcond = _zaak_condition(peildatum)
    plan.zaak_ids = list(session.scalars(select(zaak.c.id).where(zcond).order_by(zaak.c.id)))
    plan.zaak_parts = _parts(session, plan.zaak_ids)
    plan.kept = _kept_zaken(session, peildatum)
    open_past = list(session.scalars(select(zaak.c.id).where(
        zaak.c.status.in_(_OPEN), zaak.c.bewaren_tot <= peildatum,
        ~kept_by_ground(zaak.c.id, peildatum))))
    if open_past:
        plan.without_ground = {
            "zaak": len(open_past), **{t: n for t, n in _parts(session, open_past).items() if n}
        }
    for table, grond in (
        (weigering, "weigering: bewaren_tot verstreken"),
        (terugkoppeling, "terugkoppeling aan schuldeiser: bewaren_tot verstreken"),
    ):
        cond = table.c.bewaren_tot <= peildatum
        ids = list(session.scalars(select(table.c.id).where(cond).order_by(table.c.id)))
        if ids:
            plan.groups.append(Group(table.name, grond, ids, cond))
    # The audit trail is a hash chain: only a prefix of rows that are all due goes, through
    # audit.purge_prefix (the application role has no DELETE on it: ADR 0016).
    ids = audit_log.due_prefix(session, peildatum)
    if ids:
        plan.groups.append(Group(audit.name, AUDIT_GROUND, ids, audit.c.bewaren_tot <= peildatum))
    behind = _count(session, audit, audit.c.bewaren_tot <= peildatum) - len(ids)
    if behind:
        plan.kept[AUDIT_KEPT] = {audit.name: behind}
    # A batch row (counts only) goes when it is due and no refusal row that stays needs it.
    needed = exists().where(
        weigering.c.batch_id == batch.c.batch_id, weigering.c.bewaren_tot > peildatum
    )
    bcond = and_(batch.c.bewaren_tot <= peildatum, ~needed)
    ids = list(session.scalars(select(batch.c.batch_id).where(bcond).order_by(batch.c.batch_id)))
    if ids:
        plan.groups.append(
            Group("intake_batch", "intake-batch: bewaren_tot verstreken", ids, bcond)
        )
    if held := _count(session, batch, and_(batch.c.bewaren_tot <= peildatum, needed)):
        plan.kept[BATCH_KEPT] = {batch.name: held}
    lcond = levering.c.bewaren_tot <= peildatum  # open deliveries have none
    ids = list(session.scalars(select(levering.c.id).where(lcond).order_by(levering.c.id)))
    if ids:
        plan.groups.append(
            Group(
                "batch_levering", "batchlevering (bestandsnaam): bewaren_tot verstreken", ids, lcond
            )
        )
    return plan


def _count(session: Session, table: Table, condition: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(table).where(condition)) or 0)


def _log(
    session: Session, run_id: str, peildatum: dt.date, tabel: str, grond: str, ids: list[Any]
) -> None:
    if ids:
        session.execute(
            insert(verwijder_log),
            [
                {
                    "run_id": run_id,
                    "peildatum": peildatum,
                    "verwijderd_op": dt.datetime.now(dt.UTC),
                    "tabel": tabel,
                    "grond": grond,
                    "aantal": len(ids),
                    "ids": sorted(ids),
                }
            ],
        )


def _delete(session: Session, table: Table, key: Any, condition: ColumnElement[bool]) -> list[Any]:
    """DELETE ... RETURNING key: the ids the database really deleted."""
    return list(session.scalars(delete(table).where(condition).returning(key)))


def _purge_cases(session: Session, plan: PurgePlan, run_id: str, deleted: dict[str, int]) -> None:
    zcond = _zaak_condition(plan.peildatum)
    is_pg = session.get_bind().dialect.name == "postgresql"
    for chunk in _chunks(plan.zaak_ids):
        # Still due? A signal that joined meanwhile reopened it and moved its date on; a
        # ground recorded meanwhile keeps it.
        query = select(zaak.c.id).where(zaak.c.id.in_(list(chunk)), zcond)
        ids = list(session.scalars(query.with_for_update() if is_pg else query))
        if ids:
            done = {t.name: _delete(session, t, t.c.id, _held_by(t, ids)) for t in ZAAK_PARTS}
            done["zaak"] = _delete(session, zaak, zaak.c.id, zaak.c.id.in_(ids))
            for tabel, gone in done.items():
                # no empty log line or count for what most zaken never had (attempts,
                # grounds, links, ...)
                if gone:
                    _log(session, run_id, plan.peildatum, tabel, ZAAK_GROUND, gone)
                    deleted[tabel] = deleted.get(tabel, 0) + len(gone)
        session.commit()


def execute_purge(session: Session, plan: PurgePlan, run_id: str) -> dict[str, int]:
    """Delete the plan chunk by chunk, logging each chunk; the counts actually deleted."""
    deleted: dict[str, int] = {}
    order = {
        "signaal": 0,
        "intake_weigering": 1,
        "terugkoppeling": 2,
        "audit_log": 3,
        "intake_batch": 4,
        "batch_levering": 5,
    }
    signal_groups = [g for g in plan.groups if g.tabel == "signaal"]
    for group in signal_groups:
        _run_group(session, group, run_id, plan.peildatum, deleted)
    _purge_cases(session, plan, run_id, deleted)
    for group in sorted(
        (g for g in plan.groups if g.tabel != "signaal"), key=lambda g: order[g.tabel]
    ):
        _run_group(session, group, run_id, plan.peildatum, deleted)
    return deleted


def _run_group(
    session: Session, group: Group, run_id: str, peildatum: dt.date, deleted: dict[str, int]
) -> None:
    table = {
        "signaal": signaal,
        "intake_weigering": weigering,
        "terugkoppeling": terugkoppeling,
        "audit_log": audit,
        "intake_batch": batch,
        "batch_levering": levering,
    }[group.tabel]
    key = table.c.batch_id if table is batch else table.c.id
    if table is audit:
        ids = audit_log.purge_prefix(session, peildatum)
        _log(session, run_id, peildatum, group.tabel, group.grond, ids)
        session.commit()
        deleted[group.tabel] = deleted.get(group.tabel, 0) + len(ids)
        return
    for chunk in _chunks(group.ids):
        ids = _delete(session, table, key, and_(key.in_(list(chunk)), group.condition))
        _log(session, run_id, peildatum, group.tabel, group.grond, ids)
        session.commit()
        deleted[group.tabel] = deleted.get(group.tabel, 0) + len(ids)


def purge(
    session: Session,
    *,
    peildatum: dt.date,
    run_id: str,
    policy: RetentionPolicy | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Plan, and unless `dry_run`, delete and log; a summary with counts only.

    The summary: `gepland` and `verwijderd` (rows per table), `bewaard_over_termijn` (rows
    past their date that stay, per ground and table) and `zonder_grond` (rows past their
    date that stay without one: open zaken the automatic closing has not closed; empty
    after a nightly run).

    A dry run is recorded in `verwijder_proefrun` (run id, peildatum, the planned counts).
    """
    policy = policy or RetentionPolicy.load()
    plan = plan_purge(session, peildatum=peildatum, policy=policy)
    planned = plan.counts()
    deleted = {} if dry_run else execute_purge(session, plan, run_id)
    if dry_run:
        session.execute(
            insert(proefrun),
            [
                {
                    "run_id": run_id,
                    "peildatum": peildatum,
                    "gepland": planned,
                    "uitgevoerd_op": dt.datetime.now(dt.UTC),
                }
            ],
        )
    session.commit()
    summary = {
        "run_id": run_id,
        "peildatum": peildatum.isoformat(),
        "dry_run": dry_run,
        "gepland": planned,
        "verwijderd": deleted,
        "bewaard_over_termijn": plan.kept,
        "zonder_grond": plan.without_ground,
    }
    log.info(
        "retention purge run_id=%s peildatum=%s dry_run=%s planned=%s deleted=%s "
        "kept_past_term=%s without_ground=%s",
        run_id, peildatum, dry_run, planned, deleted, plan.kept, plan.without_ground,
    )
    return summary


def require_dry_run(session: Session) -> None:
    """Refuse to delete before an operator has run (and could look at) a dry run.

    The purge DAG calls this before a real run: its first scheduled run, right after it is
    unpaused, must not delete what nobody has reviewed (docs/batch-intake.md, "Retention").
    Raises NoDryRunYet.
    """
    if session.scalar(select(func.count()).select_from(proefrun)) == 0:
        raise NoDryRunYet(
            "no dry run of the retention purge has been recorded in this database; trigger "
            "retention_purge with dry_run=true, check the counts, then unpause it"
        )
