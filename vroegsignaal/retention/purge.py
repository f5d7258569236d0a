# SPDX-License-Identifier: EUPL-1.2
"""The retention purge: delete what is past its retention date, and log it without personal data.

One service, two triggers (the nightly DAG dags/retention_purge.py, and whoever calls
`purge` by hand), as Amsterdam/signals' ADR 0006 does. "Today" is the caller's
`peildatum` (the DAG passes its logical date), so a rerun deletes the same set.

What goes (docs/batch-intake.md, "Retention"; policy in bewaartermijnen.yaml):

- signals without a case (refused after storage: they led to no help) on or after their
  `bewaren_tot`, or, for a status the policy lists, its term in months after receipt;
- cases with an eindresultaat, on or after their `bewaren_tot`, together with their
  signals, queue item and status history; never an open case, never a case whose
  eindresultaat made it a debt-help file;
- refusal rows, intake batch rows without refusals, audit rows: on or after `bewaren_tot`;
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

from sqlalchemy import ColumnElement, Table, and_, delete, exists, func, insert, select
from sqlalchemy.orm import Session

from vroegsignaal.audit import log as audit_log
from vroegsignaal.dates import add_months
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.retention.policy import RetentionPolicy
from vroegsignaal.storage.tables import (
    AuditLog,
    BatchLevering,
    IntakeBatch,
    IntakeWeigering,
    Signaal,
    VerwijderLog,
    VerwijderProefrun,
    WerkvoorraadItem,
    Zaak,
    ZaakStatuswijziging,
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
levering = table_of(BatchLevering)
proefrun = table_of(VerwijderProefrun)


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
    """What a purge run will delete, per table and ground, and what it keeps past its term."""

    peildatum: dt.date
    groups: list[Group] = field(default_factory=list)
    zaak_ids: list[int] = field(default_factory=list)  # deleted with signals and queue item
    zaak_signalen: int = 0
    zaak_werkvoorraad: int = 0
    zaak_statuswijzigingen: int = 0
    open_zaken_over_termijn: int = 0
    hulpzaken_over_termijn: int = 0

    def counts(self) -> dict[str, int]:
        """Rows to delete per table."""
        out: dict[str, int] = {}
        for g in self.groups:
            out[g.tabel] = out.get(g.tabel, 0) + len(g.ids)
        if self.zaak_ids:
            out["zaak"] = len(self.zaak_ids)
            out["signaal"] = out.get("signaal", 0) + self.zaak_signalen
            out["werkvoorraad_item"] = self.zaak_werkvoorraad
            if self.zaak_statuswijzigingen:
                out["zaak_statuswijziging"] = self.zaak_statuswijzigingen
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


def _zaak_condition(peildatum: dt.date, policy: RetentionPolicy) -> ColumnElement[bool]:
    keep = sorted(policy.zaak_behouden_bij_eindresultaat)
    return and_(
        zaak.c.eindresultaat.is_not(None),
        zaak.c.eindresultaat.not_in(keep) if keep else zaak.c.id.is_not(None),
        zaak.c.bewaren_tot <= peildatum,
    )


def plan_purge(session: Session, *, peildatum: dt.date, policy: RetentionPolicy) -> PurgePlan:
    """The rows due for deletion on `peildatum` under `policy`, without deleting anything."""
    plan = PurgePlan(peildatum)
    plan.groups += [g for g in _signal_groups(session, peildatum, policy) if g.ids]
    zcond = _zaak_condition(peildatum, policy)
    plan.zaak_ids = list(session.scalars(select(zaak.c.id).where(zcond).order_by(zaak.c.id)))
    for chunk in _chunks(plan.zaak_ids):
        plan.zaak_signalen += _count(session, signaal, signaal.c.zaak_id.in_(list(chunk)))
        plan.zaak_werkvoorraad += _count(
            session, werkvoorraad, werkvoorraad.c.zaak_id.in_(list(chunk))
        )
        plan.zaak_statuswijzigingen += _count(
            session, statuswijziging, statuswijziging.c.zaak_id.in_(list(chunk))
        )
    expired = zaak.c.bewaren_tot <= peildatum
    plan.open_zaken_over_termijn = _count(
        session, zaak, and_(expired, zaak.c.eindresultaat.is_(None))
    )
    keep = sorted(policy.zaak_behouden_bij_eindresultaat)
    if keep:
        plan.hulpzaken_over_termijn = _count(
            session, zaak, and_(expired, zaak.c.eindresultaat.in_(keep))
        )
    cond = weigering.c.bewaren_tot <= peildatum
    ids = list(session.scalars(select(weigering.c.id).where(cond).order_by(weigering.c.id)))
    if ids:
        plan.groups.append(Group(weigering.name, "weigering: bewaren_tot verstreken", ids, cond))
    # The audit trail is a hash chain: only a prefix of rows that are all due goes, through
    # audit.purge_prefix (the application role has no DELETE on it: ADR 0016).
    ids = audit_log.due_prefix(session, peildatum)
    if ids:
        plan.groups.append(Group(audit.name, AUDIT_GROUND, ids, audit.c.bewaren_tot <= peildatum))
    # A batch row (counts only) goes when it is due and no refusal row that stays needs it.
    bcond = and_(
        batch.c.bewaren_tot <= peildatum,
        ~exists().where(
            weigering.c.batch_id == batch.c.batch_id, weigering.c.bewaren_tot > peildatum
        ),
    )
    ids = list(session.scalars(select(batch.c.batch_id).where(bcond).order_by(batch.c.batch_id)))
    if ids:
        plan.groups.append(
            Group("intake_batch", "intake-batch: bewaren_tot verstreken", ids, bcond)
        )
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


def _purge_cases(
    session: Session, plan: PurgePlan, policy: RetentionPolicy, run_id: str, deleted: dict[str, int]
) -> None:
    zcond = _zaak_condition(plan.peildatum, policy)
    grond = "zaak met eindresultaat zonder vervolghulp: bewaren_tot verstreken"
    is_pg = session.get_bind().dialect.name == "postgresql"
    for chunk in _chunks(plan.zaak_ids):
        # Still due? A signal that joined meanwhile has moved bewaren_tot on.
        query = select(zaak.c.id).where(zaak.c.id.in_(list(chunk)), zcond)
        ids = list(session.scalars(query.with_for_update() if is_pg else query))
        if ids:
            done = {
                "werkvoorraad_item": _delete(
                    session, werkvoorraad, werkvoorraad.c.id, werkvoorraad.c.zaak_id.in_(ids)
                ),
                "signaal": _delete(session, signaal, signaal.c.id, signaal.c.zaak_id.in_(ids)),
                "zaak_statuswijziging": _delete(
                    session, statuswijziging, statuswijziging.c.id,
                    statuswijziging.c.zaak_id.in_(ids),
                ),
                "zaak": _delete(session, zaak, zaak.c.id, zaak.c.id.in_(ids)),
            }
            for tabel, gone in done.items():
                if tabel == "zaak_statuswijziging" and not gone:
                    continue  # most zaken were never moved: no empty log line for them
                _log(session, run_id, plan.peildatum, tabel, grond, gone)
                deleted[tabel] = deleted.get(tabel, 0) + len(gone)
        session.commit()


def execute_purge(
    session: Session, plan: PurgePlan, policy: RetentionPolicy, run_id: str
) -> dict[str, int]:
    """Delete the plan chunk by chunk, logging each chunk; the counts actually deleted."""
    deleted: dict[str, int] = {}
    order = {
        "signaal": 0,
        "intake_weigering": 1,
        "audit_log": 2,
        "intake_batch": 3,
        "batch_levering": 4,
    }
    signal_groups = [g for g in plan.groups if g.tabel == "signaal"]
    for group in signal_groups:
        _run_group(session, group, run_id, plan.peildatum, deleted)
    _purge_cases(session, plan, policy, run_id, deleted)
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

    A dry run is recorded in `verwijder_proefrun` (run id, peildatum, the planned counts).
    """
    policy = policy or RetentionPolicy.load()
    plan = plan_purge(session, peildatum=peildatum, policy=policy)
    planned = plan.counts()
    deleted = {} if dry_run else execute_purge(session, plan, policy, run_id)
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
        "bewaard_open_zaken_over_termijn": plan.open_zaken_over_termijn,
        "bewaard_hulpzaken_over_termijn": plan.hulpzaken_over_termijn,
    }
    log.info(
        "retention purge run_id=%s peildatum=%s dry_run=%s planned=%s deleted=%s "
        "kept_open_cases=%d kept_help_cases=%d",
        run_id,
        peildatum,
        dry_run,
        summary["gepland"],
        deleted,
        plan.open_zaken_over_termijn,
        plan.hulpzaken_over_termijn,
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
