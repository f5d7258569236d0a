# SPDX-License-Identifier: EUPL-1.2
"""Nightly rescoring: open queue items whose score inputs changed get a fresh score.

Inputs change outside intake: a late signal reclassifies a later case (ADR 0003) without
touching its queue item, the retention purge removes a household's earlier signals, a
new model is promoted. Each queue item keeps a fingerprint of what its score was
computed from (`score_invoer`: the scorer's identity, the case type, its own signals and
the household's earlier signals, as `CaseFeatures` holds them), written by intake with
every score and by this job. An item whose current fingerprint differs is rescored; the
rest is left alone, so a quiet night costs reads only.

The score only orders the queue (DOMAIN.md, "Risk scoring is sensitive"): rescoring
never opens, closes or drops a case.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.cases.features import HISTORIE_MAANDEN, CaseFeatures, CaseSignal
from vroegsignaal.cases.workflow import OPEN
from vroegsignaal.dates import add_months
from vroegsignaal.scoring import Scorer
from vroegsignaal.storage import intake_repository as repo
from vroegsignaal.storage.tables import WerkvoorraadItem, Zaak, table_of

log = logging.getLogger(__name__)
OPEN_STATUSES = sorted(s.value for s in OPEN)

PAGE = 2000
werkvoorraad = table_of(WerkvoorraadItem)
zaak = table_of(Zaak)


def scorer_identity(scorer: Scorer) -> str:
    """What names the model in the fingerprint: its version when it has one."""
    for attr in ("version", "versie", "name"):
        value = getattr(scorer, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(scorer).__qualname__


def _signal_key(s: CaseSignal) -> tuple[Any, ...]:
    return (
        s.signaalpartner,
        s.schuldeiser,
        s.bedrag,
        s.ontstaansdatum,
        s.signaaldatum,
        s.crisissignaal,
        s.warme_overdracht,
    )


def fingerprint(features: CaseFeatures, scorer_id: str) -> str:
    """What a score was computed from, order-free; intake stores it with every score."""
    payload = (
        scorer_id,
        features.zaaktype,
        sorted(map(_signal_key, features.signalen)),
        sorted(map(_signal_key, features.historie)),
    )
    return hashlib.sha256(orjson.dumps(payload)).hexdigest()


@dataclass
class RescoreResult:
    """What one nightly rescoring run did, in counts."""

    peildatum: dt.date
    scorer: str
    open_items: int = 0
    herberekend: int = 0  # inputs changed: scored again
    prioriteit_gewijzigd: int = 0  # ... and the priority moved

    def as_dict(self) -> dict[str, Any]:
        """The counts as plain data, the DAG task's result."""
        return {
            "peildatum": self.peildatum.isoformat(),
            "scorer": self.scorer,
            "open_items": self.open_items,
            "herberekend": self.herberekend,
            "prioriteit_gewijzigd": self.prioriteit_gewijzigd,
        }


def case_features(session: Session, cases: Sequence[Any]) -> list[CaseFeatures]:
    """CaseFeatures from the database for rows with id, zaaktype, household_key and period:
    the same history the intake pipeline loads (`household_history`, HISTORIE_MAANDEN)."""
    own = repo.case_signals(session, [c.id for c in cases])
    since = add_months(min(c.matchingsperiode for c in cases), -HISTORIE_MAANDEN)
    stored = repo.household_history(session, list({c.household_key for c in cases}), since)
    out = []
    for c in cases:
        signalen = tuple(own.get(c.id, []))
        start = add_months(c.matchingsperiode, -HISTORIE_MAANDEN)
        historie = tuple(
            s
            for zaak_id, periode, s in stored.get(c.household_key, ())
            if zaak_id != c.id and start <= periode < c.matchingsperiode
        )
        peil = max((s.signaaldatum for s in signalen), default=c.matchingsperiode)
        out.append(CaseFeatures(signalen, c.zaaktype, peil, historie))
    return out


def rescore_open_items(
    session: Session, *, scorer: Scorer, peildatum: dt.date, page: int = PAGE
) -> RescoreResult:
    """Rescore every open queue item whose fingerprint changed; commits per page."""
    scorer_id = scorer_identity(scorer)
    result = RescoreResult(peildatum, scorer_id)
    w, z = werkvoorraad.c, zaak.c
    last = 0
    while True:
        rows = session.execute(
            select(
                w.id.label("item_id"),
                w.prioriteit,
                w.score_invoer,
                z.id,
                z.zaaktype,
                z.huishouden_sleutel.label("household_key"),
                z.matchingsperiode,
            )
            .join(zaak, z.id == w.zaak_id)
            .where(w.status.in_(OPEN_STATUSES), w.id > last)
            .order_by(w.id)
            .limit(page)
        ).all()
        if not rows:
            break
        last = rows[-1].item_id
        result.open_items += len(rows)
        features = case_features(session, rows)
        prints = [fingerprint(f, scorer_id) for f in features]
        changed = [
            i for i, (r, fp) in enumerate(zip(rows, prints, strict=True)) if r.score_invoer != fp
        ]
        if not changed:
            continue
        scores = scorer.score([features[i] for i in changed])
        now = dt.datetime.now(dt.UTC)
        updates = []
        for i, score in zip(changed, scores, strict=True):
            row = rows[i]
            updates.append(
                {
                    "id": row.item_id,
                    "prioriteit": score.prioriteit,
                    "prioriteit_redenen": list(score.redenen),
                    "scoremodel": score.model,
                    "score_invoer": prints[i],
                    "bijgewerkt_op": now,
                }
            )
            result.herberekend += 1
            if abs(score.prioriteit - row.prioriteit) > 1e-9:
                result.prioriteit_gewijzigd += 1
        repo.bulk_update(session, werkvoorraad, updates)
        session.commit()
    log.info(
        "rescoring peildatum=%s scorer=%s open_items=%d rescored=%d priority_changed=%d",
        peildatum,
        scorer_id,
        result.open_items,
        result.herberekend,
        result.prioriteit_gewijzigd,
    )
    return result
