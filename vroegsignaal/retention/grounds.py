# SPDX-License-Identifier: EUPL-1.2
"""Legal grounds to keep a zaak past its retention date (issue 13, ADR 0018).

The purge deletes a zaak, and everything kept with it, on its `bewaren_tot`, whatever its
status or eindresultaat. Only a recorded ground keeps it longer: a code from a closed list
(`Bewaargrond`: no free text, so nothing about the resident), who recorded it, and the day
until which it holds (`geldig_tot`, at most `MAX_MONTHS` ahead: no ground keeps a zaak for
ever; a ground that still holds then is recorded again). A teamleider records and revokes
grounds for zaken of their municipalities; both are audited. The purge reports, per run,
how many records each ground kept past their term (retention/purge.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, exists, insert, select, update
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import Principal
from vroegsignaal.audit.log import actor_name, record
from vroegsignaal.cases.access import Action, NotFound, require_case
from vroegsignaal.cases.errors import CaseWorkRefused
from vroegsignaal.dates import add_months, today
from vroegsignaal.storage.db import rowcount
from vroegsignaal.storage.tables import ZaakBewaargrond

# The processing purpose of retention decisions (docs/privacy.md, "Purposes").
PURPOSE = "vroegsignalering.bewaartermijn"
# The furthest a ground reaches: ten years, the longest client-file term of the
# municipal selection lists; a ground that still holds then is recorded again.
MAX_MONTHS = 120


class Bewaargrond(StrEnum):
    """Why a zaak may be kept past its term; the value is stored in `zaak_bewaargrond.grond`."""

    # The zaak became a debt-help file; that file's own term governs (DOMAIN.md step 9).
    SCHULDHULPDOSSIER = "Overgedragen aan schuldhulpverlening"
    # An objection, appeal or complaint about the handling runs (Awb): the file is evidence.
    PROCEDURE = "Bezwaar, beroep of klacht loopt"
    # The resident asked to restrict erasure, to establish or defend a legal claim
    # (AVG art. 18(1)(c)).
    BEPERKING = "Beperking van de verwerking (AVG art. 18)"


@dataclass(frozen=True, slots=True)
class Ground:
    """One recorded ground (ids, codes and dates only)."""

    id: int
    zaak_id: int
    grond: Bewaargrond
    geldig_tot: dt.date
    vastgelegd_door: str
    vastgelegd_op: dt.datetime
    ingetrokken_op: dt.datetime | None


def holds(peildatum: dt.date) -> ColumnElement[bool]:
    """The condition on `zaak_bewaargrond` for a ground that keeps its zaak on `peildatum`:
    not revoked, and `geldig_tot` after it."""
    g = ZaakBewaargrond
    return and_(g.ingetrokken_op.is_(None), g.geldig_tot > peildatum)


def kept_by_ground(zaak_id: ColumnElement[int], peildatum: dt.date) -> ColumnElement[bool]:
    """True where the zaak `zaak_id` names has a ground that holds on `peildatum`."""
    g = ZaakBewaargrond
    return exists().where(g.zaak_id == zaak_id, holds(peildatum))


def record_ground(
    session: Session, principal: Principal, zaak_id: int, grond: Bewaargrond,
    geldig_tot: dt.date, *, day: dt.date | None = None,
) -> int:
    """A teamleider records `grond` for zaak `zaak_id` until `geldig_tot`; its id, committed.

    Raises `Forbidden` (not a teamleider), `NotFound`, `CaseWorkRefused` ("GELDIG_TOT_ONGELDIG":
    not after `day`, default today, or more than `MAX_MONTHS` after it).
    """
    day = day or today()
    try:
        row = require_case(session, principal, zaak_id, Action.RECORD_GROUND)
        if not day < geldig_tot <= add_months(day, MAX_MONTHS):
            raise CaseWorkRefused(f"zaak {zaak_id}: geldig_tot", code="GELDIG_TOT_ONGELDIG")
        new_id = int(session.execute(
            insert(ZaakBewaargrond).returning(ZaakBewaargrond.id).values(
                zaak_id=zaak_id, grond=grond.value, geldig_tot=geldig_tot,
                vastgelegd_door=actor_name(principal),
                vastgelegd_op=dt.datetime.now(dt.UTC))
        ).scalar_one())
        record(session, principal, actie="bewaargrond.vastleggen", doel=PURPOSE,
               resultaat="ok", zaak_id=zaak_id, huishouden_sleutel=row.huishouden_sleutel,
               gemeentecode=row.gemeentecode,
               details={"bewaargrond_id": new_id, "grond": grond.name,
                        "geldig_tot": geldig_tot.isoformat()})
    except Exception:
        session.rollback()
        raise
    session.commit()
    return new_id


def revoke_ground(session: Session, principal: Principal, zaak_id: int, ground_id: int) -> None:
    """A teamleider revokes a ground of zaak `zaak_id` (it keeps nothing from then on);
    committed. Raises `Forbidden`, `NotFound` (no such ground on that zaak, or it was
    revoked already)."""
    try:
        row = require_case(session, principal, zaak_id, Action.RECORD_GROUND)
        g = ZaakBewaargrond
        done = session.execute(
            update(g).where(g.id == ground_id, g.zaak_id == zaak_id, g.ingetrokken_op.is_(None))
            .values(ingetrokken_op=dt.datetime.now(dt.UTC),
                    ingetrokken_door=actor_name(principal))
            .execution_options(synchronize_session=False)
        )
        if rowcount(done) != 1:
            raise NotFound(f"bewaargrond {ground_id}")
        record(session, principal, actie="bewaargrond.intrekken", doel=PURPOSE,
               resultaat="ok", zaak_id=zaak_id, huishouden_sleutel=row.huishouden_sleutel,
               gemeentecode=row.gemeentecode, details={"bewaargrond_id": ground_id})
    except Exception:
        session.rollback()
        raise
    session.commit()


def grounds_of(session: Session, zaak_id: int) -> list[Ground]:
    """Every ground recorded for a zaak, oldest first (revoked ones too). The caller checks
    the principal may read the zaak."""
    g = ZaakBewaargrond
    rows = session.execute(select(g).where(g.zaak_id == zaak_id).order_by(g.id)).scalars()
    return [Ground(r.id, r.zaak_id, Bewaargrond(r.grond), r.geldig_tot, r.vastgelegd_door,
                   r.vastgelegd_op, r.ingetrokken_op) for r in rows]
