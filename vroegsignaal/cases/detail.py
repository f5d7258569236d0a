# SPDX-License-Identifier: EUPL-1.2
"""What a worker reads of one zaak, every read audited.

`zaak_detail`: the zaak, its score with reasons, the signals as a timeline (each marked
new when it joined after the worker picked the zaak up), the household's other zaken of
the six months before (ADR 0003: opeenvolgend), the contact attempts and the history
(status moves and assignments). Pseudonymous: ids, codes, amounts and dates.

`personal_data`: the decrypted identifiers of the zaak's signals (name, date of birth,
address, phone, e-mail), for contacting the resident: its own audited action
("persoonsgegevens.lezen"), so the log tells a look at a zaak from a look at a person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import Principal
from vroegsignaal.audit.log import record
from vroegsignaal.cases.access import Action, require_case
from vroegsignaal.cases.workflow import AUDIT_PURPOSE
from vroegsignaal.config import Settings, get_settings
from vroegsignaal.dates import add_months
from vroegsignaal.privacy.crypto import IdentifierCipher, associated_data
from vroegsignaal.storage.tables import (
    Contactpoging,
    IntakeBatch,
    Signaal,
    WerkvoorraadItem,
    Zaak,
    ZaakStatuswijziging,
    ZaakToewijzing,
)

EARLIER_MONTHS = 6


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """One zaak as the zaak page shows it (dicts of ids, codes, amounts and dates)."""

    zaak: dict[str, Any]
    risico: dict[str, Any] | None
    signalen: list[dict[str, Any]] = field(default_factory=list)
    eerdere_zaken: list[dict[str, Any]] = field(default_factory=list)
    contactpogingen: list[dict[str, Any]] = field(default_factory=list)
    historie: list[dict[str, Any]] = field(default_factory=list)


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def zaak_detail(session: Session, principal: Principal, zaak_id: int) -> CaseDetail:
    """Zaak `zaak_id` for `principal`, logged as "zaak.lezen" and committed.
    Raises `Forbidden` or `CaseNotFound` (cases/access.py)."""
    z = require_case(session, principal, zaak_id, Action.READ_CASES)
    new_since = _utc(z.nieuw_signaal_sinds)
    item = session.execute(
        select(WerkvoorraadItem.prioriteit, WerkvoorraadItem.prioriteit_redenen,
               WerkvoorraadItem.scoremodel, WerkvoorraadItem.uiterste_datum,
               WerkvoorraadItem.crisis, WerkvoorraadItem.te_laat_sinds)
        .where(WerkvoorraadItem.zaak_id == zaak_id)
    ).one_or_none()
    signals = session.execute(
        select(Signaal.id, Signaal.schuldeiser, Signaal.signaal_id, Signaal.signaalpartner,
               Signaal.bedrag, Signaal.ontstaansdatum, Signaal.signaaldatum,
               Signaal.ontvangen_op, Signaal.crisissignaal, Signaal.warme_overdracht,
               Signaal.status, IntakeBatch.ontvangen_op.label("binnen"))
        .join(IntakeBatch, IntakeBatch.batch_id == Signaal.batch_id, isouter=True)
        .where(Signaal.zaak_id == zaak_id)
        .order_by(Signaal.signaaldatum, Signaal.id)
    ).all()
    earlier = session.execute(
        select(Zaak.id, Zaak.matchingsperiode, Zaak.status, Zaak.eindresultaat, Zaak.zaaktype,
               Zaak.aantal_signalen, Zaak.toegewezen_aan)
        .where(Zaak.huishouden_sleutel == z.huishouden_sleutel,
               Zaak.gemeentecode == z.gemeentecode, Zaak.id != zaak_id,
               Zaak.matchingsperiode >= add_months(z.matchingsperiode, -EARLIER_MONTHS))
        .order_by(Zaak.matchingsperiode.desc())
    ).all()
    attempts = session.execute(
        select(Contactpoging).where(Contactpoging.zaak_id == zaak_id)
        .order_by(Contactpoging.tijdstip, Contactpoging.id)
    ).scalars().all()
    moves = session.execute(
        select(ZaakStatuswijziging).where(ZaakStatuswijziging.zaak_id == zaak_id)
    ).scalars().all()
    assignments = session.execute(
        select(ZaakToewijzing).where(ZaakToewijzing.zaak_id == zaak_id)
    ).scalars().all()
    history = [
        {"soort": "status", "tijdstip": _utc(m.tijdstip), "van": m.van, "naar": m.naar,
         "eindresultaat": m.eindresultaat, "door": m.door, "versie": m.versie}
        for m in moves
    ] + [
        {"soort": "toewijzing", "tijdstip": _utc(a.tijdstip), "gebruikerId": a.gebruiker_id,
         "teamId": a.team_id, "door": a.door, "versie": a.versie}
        for a in assignments
    ]
    history.sort(key=lambda h: (h["versie"], h["soort"]))
    detail = CaseDetail(
        zaak={
            "id": z.id, "gemeentecode": z.gemeentecode, "status": z.status, "versie": z.versie,
            "zaaktype": z.zaaktype, "matchingsperiode": z.matchingsperiode,
            "aantalSignalen": z.aantal_signalen, "eindresultaat": z.eindresultaat,
            "toegewezenAan": z.toegewezen_aan, "teamId": z.team_id,
            "aangemaaktOp": _utc(z.aangemaakt_op), "geslotenOp": _utc(z.gesloten_op),
            "nieuwSignaalSinds": new_since,
        },
        risico=None if item is None else {
            "prioriteit": item.prioriteit, "redenen": list(item.prioriteit_redenen or []),
            "scoremodel": item.scoremodel, "uitersteDatum": item.uiterste_datum,
            "crisis": item.crisis, "teLaatSinds": item.te_laat_sinds,
        },
        signalen=[
            {"id": s.id, "schuldeiser": s.schuldeiser, "signaalId": s.signaal_id,
             "signaalpartner": s.signaalpartner, "bedrag": s.bedrag,
             "ontstaansdatum": s.ontstaansdatum, "signaaldatum": s.signaaldatum,
             "ontvangenOp": s.ontvangen_op, "crisissignaal": s.crisissignaal,
             "warmeOverdracht": s.warme_overdracht, "status": s.status,
             "nieuw": bool(new_since and s.binnen and _utc(s.binnen) >= new_since)}  # type: ignore[operator]
            for s in signals
        ],
        eerdere_zaken=[
            {"id": e.id, "matchingsperiode": e.matchingsperiode, "status": e.status,
             "eindresultaat": e.eindresultaat, "zaaktype": e.zaaktype,
             "aantalSignalen": e.aantal_signalen, "toegewezenAan": e.toegewezen_aan}
            for e in earlier
        ],
        contactpogingen=[
            {"id": a.id, "soort": a.soort, "tijdstip": _utc(a.tijdstip), "datum": a.datum,
             "dagdeel": a.dagdeel, "bereikt": a.bereikt, "notitie": a.notitie,
             "aanbod": a.aanbod, "door": a.door}
            for a in attempts
        ],
        historie=history,
    )
    record(session, principal, actie="zaak.lezen", doel=AUDIT_PURPOSE, resultaat="ok",
           zaak_id=zaak_id, huishouden_sleutel=z.huishouden_sleutel, gemeentecode=z.gemeentecode)
    session.commit()
    return detail


def personal_data(
    session: Session, principal: Principal, zaak_id: int, *, settings: Settings | None = None
) -> list[dict[str, Any]]:
    """The decrypted identifiers of each signal of zaak `zaak_id` (one dict per signal,
    with its `signaalId`), logged as "persoonsgegevens.lezen" and committed. Raises
    `Forbidden`, `CaseNotFound`, `DecryptionError`."""
    z = require_case(session, principal, zaak_id, Action.READ_PERSONAL_DATA)
    cipher = IdentifierCipher.from_settings(settings or get_settings())
    rows = session.execute(
        select(Signaal.schuldeiser, Signaal.signaal_id, Signaal.identificatie, Signaal.sleutel_id)
        .where(Signaal.zaak_id == zaak_id).order_by(Signaal.signaaldatum, Signaal.id)
    ).all()
    out = [
        {"signaalId": r.signaal_id, "schuldeiser": r.schuldeiser,
         **cipher.open(r.identificatie, associated_data(r.schuldeiser, r.signaal_id),
                       r.sleutel_id)}
        for r in rows
    ]
    record(session, principal, actie="persoonsgegevens.lezen", doel=AUDIT_PURPOSE,
           resultaat="ok", zaak_id=zaak_id, huishouden_sleutel=z.huishouden_sleutel,
           gemeentecode=z.gemeentecode, details={"signalen": len(out)})
    session.commit()
    return out
