# SPDX-License-Identifier: EUPL-1.2
"""zaak expiry values: each zaak's last activity; an open zaak is dated by its maximum age

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 09:55:00

Data only (STYLE.md rule 9). `laatste_activiteit_op` becomes the later of the zaak's last
signal receipt and its last contact attempt. An open zaak's `bewaren_tot` becomes the day
it reaches its maximum age (that date plus the municipality's zaak_max_leeftijd_maanden,
6 by default), and everything kept with it gets the same date (cases/expiry.py). The
month arithmetic is the application's (`add_months`, clamped to the month's end), so the
rows are dated in Python, a chunk at a time. Downgrade clears the column; the open zaken
keep their dates (before 0015 an open zaak was dated by its last signal plus 6 months,
the same date for a zaak without contact attempts).
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = ("Nog niet opgepakt", "Opgepakt")
CHUNK = 5000
KEPT_WITH = ("signaal", "zaak_statuswijziging", "contactpoging", "zaak_toewijzing",
             "werkvoorraad_item")


def _add_months(day: dt.date, months: int) -> dt.date:
    # A copy of vroegsignaal.dates.add_months: a migration does not import the application.
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def upgrade() -> None:
    bind = op.get_bind()
    zaak = sa.table("zaak", sa.column("id", sa.BigInteger), sa.column("status", sa.String),
                    sa.column("gemeentecode", sa.String), sa.column("bewaren_tot", sa.Date),
                    sa.column("laatste_activiteit_op", sa.Date),
                    sa.column("aangemaakt_op", sa.DateTime))
    signaal = sa.table("signaal", sa.column("zaak_id", sa.BigInteger),
                       sa.column("ontvangen_op", sa.Date))
    poging = sa.table("contactpoging", sa.column("zaak_id", sa.BigInteger),
                      sa.column("datum", sa.Date))
    last_signal = (sa.select(sa.func.max(signaal.c.ontvangen_op))
                   .where(signaal.c.zaak_id == zaak.c.id).scalar_subquery())
    last_attempt = (sa.select(sa.func.max(poging.c.datum))
                    .where(poging.c.zaak_id == zaak.c.id).scalar_subquery())
    op.execute(zaak.update().values(laatste_activiteit_op=last_signal))
    op.execute(zaak.update().where(last_attempt > zaak.c.laatste_activiteit_op)
               .values(laatste_activiteit_op=last_attempt))
    # A zaak without signals (none are stored so) counts from its creation.
    for zid, created in bind.execute(sa.select(zaak.c.id, zaak.c.aangemaakt_op)
                                     .where(zaak.c.laatste_activiteit_op.is_(None))).all():
        bind.execute(zaak.update().where(zaak.c.id == zid)
                     .values(laatste_activiteit_op=created.date()))
    months = dict(bind.execute(sa.text(
        "SELECT gemeentecode, zaak_max_leeftijd_maanden FROM gemeente_instelling")).all())
    rows = bind.execute(
        sa.select(zaak.c.id, zaak.c.gemeentecode, zaak.c.laatste_activiteit_op)
        .where(zaak.c.status.in_(OPEN))
    ).all()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        bind.execute(
            zaak.update().where(zaak.c.id == sa.bindparam("zid"))
            .values(bewaren_tot=sa.bindparam("tot")),
            [{"zid": r.id,
              "tot": _add_months(r.laatste_activiteit_op, months.get(r.gemeentecode, 6))}
             for r in chunk],
        )
        ids = [r.id for r in chunk]
        for name in KEPT_WITH:
            t = sa.table(name, sa.column("zaak_id", sa.BigInteger),
                         sa.column("bewaren_tot", sa.Date))
            bind.execute(t.update().where(t.c.zaak_id.in_(ids)).values(
                bewaren_tot=sa.select(zaak.c.bewaren_tot).where(zaak.c.id == t.c.zaak_id)
                .scalar_subquery()))


def downgrade() -> None:
    zaak = sa.table("zaak", sa.column("laatste_activiteit_op", sa.Date))
    op.execute(zaak.update().values(laatste_activiteit_op=None))
