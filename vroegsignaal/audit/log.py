# SPDX-License-Identifier: EUPL-1.2
"""Writing, checking and reading the audit trail.

`record(...)` is the one way in (the agreed interface of issue 10): one row, added in the
caller's transaction, so it commits (or rolls back) with the action it records. Rows form
a hash chain: each row's `hash` is SHA-256 over its own fields and the previous row's
`hash` (`vorige_hash`), in `volgnummer` order. Writers take the chain's head under a
transaction-level advisory lock on PostgreSQL, so concurrent writers queue for the few
milliseconds between their audit row and their commit (measured in
benchmarks/bench_casework.py); SQLite has one writer at a time anyway.

`verify(session)` recomputes the chain and reports the first row that was changed,
removed or inserted out of order; the retention purge removes only a prefix of the chain
and writes an anchor (`audit_anker`) saying where the chain now starts
(`purge_prefix`). `who_looked(...)` answers a privacy officer's "who looked at this
household (or zaak), and why".

Field mapping to the Logboek Dataverwerkingen standard: docs/privacy.md, "Audit trail".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import RowMapping, delete, func, insert, select, text
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import (
    AnyPrincipal,
    CreditorPrincipal,
    Principal,
    SystemPrincipal,
)
from vroegsignaal.dates import add_months
from vroegsignaal.storage.tables import AuditAnker, AuditLog

# How long an audit row is kept (months after the action).
RETENTION_MONTHS = 24
# pg_advisory_xact_lock key of the chain (also in migration 0012's audit_purge).
CHAIN_LOCK = 7_310_024_211
GENESIS = "0" * 64
# Logboek Dataverwerkingen status_code: 0 unset (done, also a refused request), 2 error.
STATUS_UNSET, STATUS_OK, STATUS_ERROR = 0, 1, 2
_HASHED = (
    "volgnummer", "tijdstip", "trace_id", "span_id", "actor", "gebruiker_id", "rollen", "actie",
    "doel", "resultaat", "status_code", "zaak_id", "huishouden_sleutel", "gemeentecode",
    "details", "bewaren_tot",
)
_table = AuditLog.__table__


def actor_name(actor: AnyPrincipal) -> str:
    """How the audit trail names an actor: 'gebruiker:<id>', 'schuldeiser:<code>', or a
    system job's own name (e.g. 'aanmelden'); never a person's name."""
    if isinstance(actor, Principal):
        return f"gebruiker:{actor.gebruiker_id}"
    if isinstance(actor, CreditorPrincipal):
        return f"schuldeiser:{actor.schuldeiser}"
    assert isinstance(actor, SystemPrincipal)
    return actor.naam


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands timestamps back without a zone; they were written in UTC.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def row_hash(row: Mapping[Any, Any], vorige_hash: str) -> str:
    """SHA-256 (hex) over the previous hash and the row's fields in a fixed canonical form
    (sorted JSON; times in UTC to the microsecond, dates ISO 8601)."""
    fields = {k: row[k] for k in _HASHED}
    fields["tijdstip"] = _utc(fields["tijdstip"]).isoformat(timespec="microseconds")
    fields["bewaren_tot"] = fields["bewaren_tot"].isoformat()
    payload = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(vorige_hash.encode() + b"|" + payload).hexdigest()


def _head(session: Session) -> tuple[int, str]:
    """The chain's last (volgnummer, hash): the last row, else the newest anchor, else 0."""
    last = session.execute(
        select(AuditLog.volgnummer, AuditLog.hash).order_by(AuditLog.volgnummer.desc()).limit(1)
    ).first()
    if last is not None:
        return int(last[0]), str(last[1])
    anchor = session.execute(
        select(AuditAnker.volgnummer, AuditAnker.hash).order_by(AuditAnker.id.desc()).limit(1)
    ).first()
    return (int(anchor[0]), str(anchor[1])) if anchor is not None else (0, GENESIS)


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK})


def record(
    session: Session,
    actor: AnyPrincipal,
    *,
    actie: str,
    doel: str,
    resultaat: str,
    zaak_id: int | None = None,
    huishouden_sleutel: str | None = None,
    details: Mapping[str, Any] | None = None,
    gemeentecode: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Append one audit row to `session` (committed with the caller's transaction).

    `actie` says what was done ("zaak.lezen", "gebruiker.aanmaken", ...), `doel` why (the
    processing purpose, a code of docs/privacy.md), `resultaat` how it ended ("ok",
    "geweigerd", "fout"). `details` holds ids and codes only, never personal data.
    `now` is the time of the action (default: now; tests and backfills pass one).

    On PostgreSQL this takes the chain's advisory lock until the caller commits: call it
    as the last statement before the commit (several records in a row are fine; reads
    between them too, writes are not).
    """
    moment = now or dt.datetime.now(dt.UTC)
    # The caller's pending changes are written before the lock is taken: a write that must
    # wait for another transaction's row lock never waits while holding the chain, so two
    # writers cannot deadlock over it.
    session.flush()
    _lock(session)
    volgnummer, vorige = _head(session)
    trace = getattr(actor, "request_id", None) or uuid.uuid4().hex
    row: dict[str, Any] = {
        "volgnummer": volgnummer + 1,
        "tijdstip": moment,
        "trace_id": trace[:32],
        "span_id": secrets.token_hex(8),
        "actor": actor_name(actor),
        "gebruiker_id": actor.gebruiker_id if isinstance(actor, Principal) else None,
        "rollen": ",".join(sorted(actor.roles)) if isinstance(actor, Principal) else "",
        "actie": actie,
        "doel": doel,
        "resultaat": resultaat,
        "status_code": STATUS_ERROR if resultaat == "fout" else STATUS_UNSET,
        "zaak_id": zaak_id,
        "huishouden_sleutel": huishouden_sleutel,
        "gemeentecode": gemeentecode,
        "details": dict(details or {}),
        "bewaren_tot": add_months(moment.date(), RETENTION_MONTHS),
    }
    row["vorige_hash"] = vorige
    row["hash"] = row_hash(row, vorige)
    session.execute(insert(AuditLog).values(**row))


@dataclass(frozen=True, slots=True)
class Verification:
    """What `verify` found: `ok`, the rows checked, the chain's head, and the first fault
    (`volgnummer` where it is, `fout` what: "gewijzigd", "ontbreekt", "begin")."""

    ok: bool
    checked: int
    head_volgnummer: int
    head_hash: str
    fout: str | None = None
    volgnummer: int | None = None


def _rows(session: Session, batch: int = 5000) -> Iterator[RowMapping]:
    last = -1
    while True:
        chunk = session.execute(
            select(_table).where(AuditLog.volgnummer > last).order_by(AuditLog.volgnummer)
            .limit(batch)
        ).mappings().all()
        if not chunk:
            return
        yield from chunk
        last = chunk[-1]["volgnummer"]


def verify(session: Session) -> Verification:
    """Recompute the chain from its start (the newest anchor, else the genesis).

    Detects a changed row (its hash no longer matches), a removed row (a gap in
    `volgnummer` or a `vorige_hash` that is not its predecessor's), and a removed prefix
    that the purge did not anchor. A removed tail is not visible in the chain itself:
    compare the reported head with one kept elsewhere (docs/privacy.md).
    """
    anchor = session.execute(
        select(AuditAnker.volgnummer, AuditAnker.hash).order_by(AuditAnker.id.desc()).limit(1)
    ).first()
    expected_nr, expected_hash = (int(anchor[0]), str(anchor[1])) if anchor else (0, GENESIS)
    checked = 0
    for row in _rows(session):
        nr = int(row["volgnummer"])
        if nr != expected_nr + 1 or row["vorige_hash"] != expected_hash:
            fout = "begin" if checked == 0 else "ontbreekt"
            return Verification(False, checked, expected_nr, expected_hash, fout, expected_nr + 1)
        if row_hash(row, row["vorige_hash"]) != row["hash"]:
            return Verification(False, checked, expected_nr, expected_hash, "gewijzigd", nr)
        expected_nr, expected_hash = nr, row["hash"]
        checked += 1
    return Verification(True, checked, expected_nr, expected_hash)


def purge_prefix(session: Session, peildatum: dt.date) -> list[int]:
    """Delete the longest prefix of the chain whose rows are all past `bewaren_tot` on
    `peildatum`, anchor the chain at its last deleted row; the ids deleted.

    On PostgreSQL through `audit_purge`, the SECURITY DEFINER function of migration 0012:
    the application role itself has no DELETE on the log. Not committed here.
    """
    if session.get_bind().dialect.name == "postgresql":
        return list(
            session.execute(text("SELECT audit_purge(:p)"), {"p": peildatum}).scalars()
        )
    first_kept = session.scalar(
        select(func.min(AuditLog.volgnummer)).where(AuditLog.bewaren_tot > peildatum)
    )
    query = select(AuditLog.volgnummer, AuditLog.hash).order_by(AuditLog.volgnummer.desc())
    if first_kept is not None:
        query = query.where(AuditLog.volgnummer < first_kept)
    last = session.execute(query.limit(1)).first()
    if last is None:
        return []
    session.execute(
        insert(AuditAnker).values(volgnummer=last[0], hash=last[1], peildatum=peildatum,
                                  tijdstip=dt.datetime.now(dt.UTC))
    )
    return list(
        session.scalars(
            delete(AuditLog).where(AuditLog.volgnummer <= last[0]).returning(AuditLog.id)
        )
    )


def due_prefix(session: Session, peildatum: dt.date) -> list[int]:
    """The ids `purge_prefix` would delete on `peildatum` (for a dry run's plan)."""
    first_kept = session.scalar(
        select(func.min(AuditLog.volgnummer)).where(AuditLog.bewaren_tot > peildatum)
    )
    query = select(AuditLog.id).order_by(AuditLog.volgnummer)
    if first_kept is not None:
        query = query.where(AuditLog.volgnummer < first_kept)
    return list(session.scalars(query))


@dataclass(frozen=True, slots=True)
class Access:
    """One logged action about a household or zaak: who (id and roles), when, what, why."""

    tijdstip: dt.datetime
    actor: str
    rollen: str
    actie: str
    doel: str
    resultaat: str
    zaak_id: int | None
    trace_id: str


def who_looked(
    session: Session, *, zaak_id: int | None = None, huishouden_sleutel: str | None = None,
    gemeenten: frozenset[str] | None = None,
) -> list[Access]:
    """Every logged action on a zaak or a household (by its pseudonymous key), oldest
    first: the privacy officer's "who looked at this household, and why". `gemeenten`
    limits it to rows of those municipalities (an admin's scope). Raises ValueError when
    neither a zaak nor a household is given."""
    if zaak_id is None and huishouden_sleutel is None:
        raise ValueError("a zaak id or a household key is needed")
    query = select(AuditLog).order_by(AuditLog.volgnummer)
    if zaak_id is not None:
        query = query.where(AuditLog.zaak_id == zaak_id)
    if huishouden_sleutel is not None:
        query = query.where(AuditLog.huishouden_sleutel == huishouden_sleutel)
    if gemeenten is not None:
        query = query.where(AuditLog.gemeentecode.in_(sorted(gemeenten)))
    return [
        Access(_utc(r.tijdstip), r.actor, r.rollen, r.actie, r.doel, r.resultaat, r.zaak_id,
               r.trace_id)
        for r in session.execute(query).scalars()
    ]
