# SPDX-License-Identifier: EUPL-1.2
"""Batch reads and writes for the intake pipeline: a handful of statements per batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson
from psycopg.types.json import Jsonb
from sqlalchemy import (
    ARRAY,
    JSON,
    String,
    Table,
    Text,
    any_,
    bindparam,
    cast,
    func,
    select,
    text,
    true,
    tuple_,
    union,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from vroegsignaal.cases.address_links import StoredZaak
from vroegsignaal.cases.features import CaseSignal
from vroegsignaal.cases.state import CaseState
from vroegsignaal.cases.workflow import INITIAL, CaseChanged, CaseStatus
from vroegsignaal.contract.enums import Signaalstatus
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.intake.stored import Stored
from vroegsignaal.matching.repeat import PickedUp
from vroegsignaal.storage.db import rowcount
from vroegsignaal.storage.tables import (
    Adreskoppeling,
    IntakeBatch,
    IntakeWeigering,
    Signaal,
    WerkvoorraadItem,
    Zaak,
    table_of,
)

signaal = table_of(Signaal)
zaak = table_of(Zaak)
werkvoorraad = table_of(WerkvoorraadItem)
_CHUNK = 2000  # keeps IN lists well under every driver's parameter limit


def chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    """`items` in slices of at most `_CHUNK`, for IN lists and array parameters."""
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def parts(session: Session, items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    """`items` whole on PostgreSQL (one array parameter, `in_values`: one statement per
    batch, not one per 2,000 keys), else in `chunks`."""
    if not items:
        return []
    return [items] if _is_pg(session) else chunks(items)


def _is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# Unit separator: in no identifier (the contract allows [\w.-/:]), key (hex) or number.
_SEP = "\x1f"


def _joined(values: Sequence[Any]) -> str | None:
    """The values as one separated string for `string_to_array`, or None when one of them
    could be misread (contains the separator, or is empty). psycopg quotes a text array
    element by element in Python (about 1.5 µs each); one string costs next to nothing."""
    joined = _SEP.join(map(str, values))
    if joined.count(_SEP) != max(len(values) - 1, 0) or "" in values:
        return None
    return joined


# Python types whose str() PostgreSQL reads back as the same value (a naive or aware
# datetime and a date in ISO form; True/False; int; float in repr form, inf/nan too).
_TEXT_SAFE = frozenset({str, int, float, bool, dt.date, dt.datetime})


def _pg_array(values: Sequence[Any], element: Any) -> Any:
    """A PostgreSQL array parameter of `element` type from Python values."""
    joined = _joined(values)
    if joined is None:
        return bindparam(None, list(values), type_=ARRAY(element))
    arr = func.string_to_array(bindparam(None, joined, type_=Text()), _SEP)
    return arr if isinstance(element, String) else cast(arr, ARRAY(element))


def in_values(session: Session, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """`column IN values`; on PostgreSQL one array parameter instead of thousands.
    `column` is a Core column or an ORM attribute (hence Any)."""
    condition: ColumnElement[bool]
    if _is_pg(session):
        condition = column == any_(_pg_array(values, column.type))
    else:
        condition = column.in_(values)
    return condition


def probed(
    session: Session, stmt: Select[*tuple[Any, ...]], column: Any, values: Sequence[Any]
) -> Select[*tuple[Any, ...]]:
    """`stmt` restricted to `column IN values`, on PostgreSQL as one index probe per value:
    a nested loop over the unnest'ed values into a LATERAL copy of `stmt` (OFFSET 0 keeps
    the planner from flattening it back into a join it may hash). `column` needs an index
    that leads with it. The result has `stmt`'s columns, by their names. The values go in
    sorted, so the probes walk the index in its order (48 instead of 55 ms for a batch's
    households at 940,000 signals, the pages cold after the batch's writes).

    Why: `column = ANY(array)` of a batch's 5,000 households made PostgreSQL scan all of
    `zaak` in parallel (random_page_cost prices 5,000 probes above a scan): 60-100 ms and
    three backends' CPU a statement at 680,000 zaken, growing with the table; the probes
    take 20-25 ms, whatever its size (measured 30 Nov 2026, EXPLAIN ANALYZE)."""
    if not _is_pg(session):
        return stmt.where(column.in_(values))
    keys = (
        func.unnest(_pg_array(sorted(values), column.type)).table_valued("value")
        .render_derived("k")
    )
    probe = stmt.where(column == keys.c.value).offset(0).lateral("probe")
    return select(*probe.c).select_from(keys).join(probe, true())


def _copy(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY: an order of magnitude faster than INSERT for whole batches.

    In binary form when every column has a type in `_BINARY_TYPES` (the intake's tables
    do): for a batch's signaal rows 4.6 ms of client CPU instead of 15.9 ms in text form,
    and no text parsing on the server (measured 30 Nov 2026). JSON is written by orjson
    as bytes: psycopg's default, the standard library's json, took a third of the
    werkvoorraad COPY's time. Else in text form. A row's values are taken by one
    `itemgetter` and only the JSON columns touched one by one: the client CPU of a batch's
    three COPYs went from 75 to 58 ms (a comprehension over every column of every row
    before; measured 1 Dec 2026)."""
    columns = list(rows[0])
    types = _binary_types(table, tuple(columns), session.get_bind().dialect)
    json_at = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    raw = session.connection().connection.driver_connection
    assert raw is not None
    binary = " (FORMAT BINARY)" if types else ""
    sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN{binary}"
    values = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    with raw.cursor() as cur, cur.copy(sql) as copy:
        if types:
            copy.set_types(list(types))
        write = copy.write_row
        if not json_at:
            for row in rows:
                write(values(row))
            return
        for row in rows:
            out = list(values(row))
            for i in json_at:
                out[i] = Jsonb(out[i], dumps=_json_bytes)
            write(out)


# SQLAlchemy's PostgreSQL type (as compiled) -> the name psycopg dumps it by in binary COPY.
_BINARY_TYPES = {
    "BIGINT": "int8", "INTEGER": "int4", "SMALLINT": "int2", "BOOLEAN": "bool",
    "BYTEA": "bytea", "DATE": "date", "FLOAT": "float8", "DOUBLE PRECISION": "float8",
    "TIMESTAMP WITH TIME ZONE": "timestamptz", "JSONB": "jsonb", "TEXT": "text",
    "VARCHAR": "text",  # varchar has text's binary form; the server checks the length
}


@lru_cache(maxsize=64)
def _binary_types(
    table: Table, columns: tuple[str, ...], dialect: Any
) -> tuple[str, ...] | None:
    """The binary COPY type of each column, or None when one has no known binary form."""
    out = []
    for c in columns:
        name = table.c[c].type.compile(dialect=dialect).split("(")[0]
        if name not in _BINARY_TYPES:
            return None
        out.append(_BINARY_TYPES[name])
    return tuple(out)


def _json_bytes(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def _bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if _is_pg(session):
        _copy(session, table, rows)
    else:
        session.connection().execute(table.insert(), rows)


def insert_ignore(session: Session, target: Table) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING for the session's dialect."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(target).on_conflict_do_nothing()



def stored_reasons(
    session: Session, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], Stored]:
    """The stored signals among (schuldeiser, signaalId) `keys`, with the reason each got
    when it was taken in and its content key: one statement on PostgreSQL, IN lists in
    chunks on SQLite."""
    found: dict[tuple[str, str], Stored] = {}
    columns = (signaal.c.schuldeiser, signaal.c.signaal_id, signaal.c.reden,
               signaal.c.inhoud_sleutel)
    if _is_pg(session) and keys:
        k = (
            select(
                func.unnest(
                    _pg_array([k[0] for k in keys], signaal.c.schuldeiser.type),
                    _pg_array([k[1] for k in keys], signaal.c.signaal_id.type),
                )
                .table_valued("schuldeiser", "signaal_id")
                .render_derived()
            )
            .subquery("k")
        )
        rows = session.execute(
            select(*columns).join(
                k,
                (signaal.c.schuldeiser == k.c.schuldeiser)
                & (signaal.c.signaal_id == k.c.signaal_id),
            )
        )
        return {(r[0], r[1]): Stored(ReasonCode(r[2]), r[3]) for r in rows}
    for chunk in chunks(keys):
        rows = session.execute(
            select(*columns).where(tuple_(signaal.c.schuldeiser, signaal.c.signaal_id).in_(chunk))
        )
        found.update(((r[0], r[1]), Stored(ReasonCode(r[2]), r[3])) for r in rows)
    return found


def last_picked_up(
    session: Session, reference_keys: Sequence[str], since: dt.date
) -> dict[str, PickedUp]:
    """Per reference key, the last picked-up signal from `since` on (the repeat rule)."""
    latest: dict[str, PickedUp] = {}
    for chunk in parts(session, reference_keys):
        rows = session.execute(
            select(
                signaal.c.referentie_sleutel,
                signaal.c.signaaldatum,
                signaal.c.bedrag,
                signaal.c.crisissignaal,
            )
            .where(in_values(session, signaal.c.referentie_sleutel, chunk))
            .where(signaal.c.reden == "OPGEPAKT")
            .where(signaal.c.signaaldatum >= since)
        )
        for key, day, bedrag, crisis in rows:
            prev = latest.get(key)
            if prev is None or day >= prev.signaaldatum:
                latest[key] = PickedUp(day, bedrag, crisis)
    return latest


def household_cases(
    session: Session, household_keys: Sequence[str], since: dt.date
) -> dict[str, list[CaseState]]:
    """The households' zaken from matching period `since` on, as `CaseState`s."""
    cases: dict[str, list[CaseState]] = {}
    for chunk in parts(session, household_keys):
        stmt = select(
            zaak.c.id,
            zaak.c.gemeentecode,
            zaak.c.huishouden_sleutel,
            zaak.c.matchingsperiode,
            zaak.c.zaaktype,
            zaak.c.aantal_signalen,
            zaak.c.datum_opgepakt,
            zaak.c.bewaren_tot,
            zaak.c.status,
            zaak.c.versie,
            zaak.c.laatste_activiteit_op,
        ).where(
            # A zaak a worker has picked up takes the household's new signals, however old
            # it is (intake/steps.py: match).
            (zaak.c.matchingsperiode >= since) | (zaak.c.status == CaseStatus.OPGEPAKT)
        )
        rows = session.execute(probed(session, stmt, zaak.c.huishouden_sleutel, chunk))
        for r in rows:
            cases.setdefault(r.huishouden_sleutel, []).append(
                CaseState(
                    id=r.id,
                    gemeentecode=r.gemeentecode,
                    household_key=r.huishouden_sleutel,
                    matchingsperiode=r.matchingsperiode,
                    zaaktype=r.zaaktype,
                    loaded_type=r.zaaktype,
                    aantal_signalen=r.aantal_signalen,
                    datum_opgepakt=r.datum_opgepakt,
                    bewaren_tot=r.bewaren_tot,
                    status=CaseStatus(r.status),
                    versie=r.versie,
                    laatste_activiteit_op=r.laatste_activiteit_op,
                )
            )
    return cases


def case_signals(session: Session, case_ids: Sequence[int]) -> dict[int, list[CaseSignal]]:
    """The stored signals of each zaak, as scoring sees them."""
    out: dict[int, list[CaseSignal]] = {}
    for chunk in parts(session, case_ids):
        rows = session.execute(
            select(
                signaal.c.zaak_id,
                signaal.c.signaalpartner,
                signaal.c.schuldeiser,
                signaal.c.bedrag,
                signaal.c.ontstaansdatum,
                signaal.c.signaaldatum,
                signaal.c.crisissignaal,
                signaal.c.warme_overdracht,
            ).where(in_values(session, signaal.c.zaak_id, chunk))
        )
        for r in rows:
            out.setdefault(r.zaak_id, []).append(CaseSignal(*r[1:]))
    return out


def household_history(
    session: Session, household_keys: Sequence[str], since: dt.date,
    before: dt.date | None = None,
) -> dict[str, list[tuple[int, dt.date, CaseSignal]]]:
    """Accepted signals of the households' cases from `since` (a matching period) on, and
    before matching period `before` when given (history is of earlier months only: the
    intake passes the latest period it scores, which leaves out the signals of the zaken
    it touched, taken from memory: `steps.features`).

    One statement for the whole batch (on PostgreSQL one probe of the zaak index per
    household, `probed`; SQLite in chunks of IN lists): (household, case id, matching
    period, signal).
    """
    out: dict[str, list[tuple[int, dt.date, CaseSignal]]] = {}
    for chunk in parts(session, household_keys):
        stmt = (
            select(
                zaak.c.huishouden_sleutel,
                zaak.c.id,
                zaak.c.matchingsperiode,
                signaal.c.signaalpartner,
                signaal.c.schuldeiser,
                signaal.c.bedrag,
                signaal.c.ontstaansdatum,
                signaal.c.signaaldatum,
                signaal.c.crisissignaal,
                signaal.c.warme_overdracht,
            )
            .join(signaal, signaal.c.zaak_id == zaak.c.id)
            .where(zaak.c.matchingsperiode >= since)
            .where(signaal.c.reden == "OPGEPAKT")
        )
        if before is not None:
            stmt = stmt.where(zaak.c.matchingsperiode < before)
        rows = session.execute(probed(session, stmt, zaak.c.huishouden_sleutel, chunk))
        for household, zaak_id, periode, *signal in rows:
            out.setdefault(household, []).append((zaak_id, periode, CaseSignal(*signal)))
    return out


def queue_items(session: Session, case_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The werkvoorraad item (id, uiterste_datum, crisis) of each zaak that has one."""
    out: dict[int, dict[str, Any]] = {}
    for chunk in parts(session, case_ids):
        rows = session.execute(
            select(
                werkvoorraad.c.zaak_id,
                werkvoorraad.c.id,
                werkvoorraad.c.uiterste_datum,
                werkvoorraad.c.crisis,
            ).where(in_values(session, werkvoorraad.c.zaak_id, chunk))
        )
        for r in rows:
            out[r.zaak_id] = {"id": r.id, "uiterste_datum": r.uiterste_datum, "crisis": r.crisis}
    return out


def insert_batch(session: Session, row: dict[str, Any]) -> None:
    """The batch's `intake_batch` row (counts only)."""
    session.execute(table_of(IntakeBatch).insert(), [row])


def insert_refusals(session: Session, rows: list[dict[str, Any]]) -> None:
    """Refusals are few per batch; a replayed one (same `sleutel`) is skipped, not doubled."""
    if rows:
        session.execute(insert_ignore(session, table_of(IntakeWeigering)), rows)


def insert_cases(session: Session, cases: list[CaseState]) -> None:
    """Insert new cases and write their database ids back onto the states."""
    if not cases:
        return
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "gemeentecode": c.gemeentecode,
            "huishouden_sleutel": c.household_key,
            "matchingsperiode": c.matchingsperiode,
            "zaaktype": c.zaaktype,
            "status": INITIAL.value,
            "datum_opgepakt": c.datum_opgepakt,
            "aantal_signalen": c.aantal_signalen,
            "bewaren_tot": c.bewaren_tot,
            "laatste_activiteit_op": c.laatste_activiteit_op,
            "aangemaakt_op": now,
            "adres_sleutel": c.address_key,
        }
        for c in cases
    ]
    if _is_pg(session):
        # Take ids from the sequence first, so the rows can go in by COPY. The sequence's
        # name is looked up once (an InitPlan), not once a row: 1.0 instead of 10.5 ms of
        # PostgreSQL time for a batch's 3,600 zaken (EXPLAIN ANALYZE, 1 Dec 2026).
        ids = (
            session.execute(
                text(
                    "SELECT nextval((SELECT pg_get_serial_sequence('zaak', 'id')::regclass)) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": len(rows)},
            )
            .scalars()
            .all()
        )
        for row, case_id in zip(rows, ids, strict=True):
            row["id"] = case_id
        _copy(session, zaak, rows)
    else:
        stmt = zaak.insert().returning(zaak.c.id, sort_by_parameter_order=True)
        ids = session.execute(stmt, rows).scalars().all()
    for case, case_id in zip(cases, ids, strict=True):
        case.id = case_id


def bulk_update(
    session: Session, table: Table, rows: list[dict[str, Any]], *, match: Sequence[str] = ()
) -> int:
    """Update rows by primary key `id` (and the columns `match` names, which keep their
    value); every row dict names the same columns. The number of rows updated.

    PostgreSQL: one `UPDATE ... FROM unnest(...)` with an array per column; SQLite: an
    executemany of the portable UPDATE.
    """
    if not rows:
        return 0
    keys = ["id", *match]
    columns = [c for c in rows[0] if c not in keys]
    if not _is_pg(session):
        stmt = (
            update(table)
            .where(*(table.c[k] == bindparam(f"b_{k}") for k in keys))
            .values({c: bindparam(f"b_{c}") for c in columns})
        )
        return rowcount(session.connection().execute(
            stmt, [{f"b_{k}": v for k, v in row.items()} for row in rows]
        ))
    dialect = session.get_bind().dialect
    names = [*keys, *columns]
    # Whether a column is JSON asked once per column, not per row and column (0.8 s of a
    # 47 s profile of 12 batches: measured 30 Nov 2026).
    values = [
        [orjson.dumps(row[c]).decode() for row in rows]
        if isinstance(table.c[c].type, JSON) else [row[c] for row in rows]
        for c in names
    ]
    arrays: list[str] = []
    params: dict[str, Any] = {"sep": _SEP}
    for i, (c, column) in enumerate(zip(names, values, strict=True)):
        sql_type = table.c[c].type.compile(dialect=dialect)
        # One separated string where every value's text form is what PostgreSQL reads
        # back (numbers, dates, times, booleans, strings, JSON text): psycopg dumps a list
        # element by element in Python, 35-40 ms of client CPU a batch for the zaak and
        # werkvoorraad updates at 940,000 signals (measured 30 Nov 2026).
        joined = _joined(column) if all(type(v) in _TEXT_SAFE for v in column) else None
        if joined is None:
            arrays.append(f"CAST(:a{i} AS {sql_type}[])")
            params[f"a{i}"] = column
        else:
            arrays.append(f"CAST(string_to_array(:a{i}, :sep) AS {sql_type}[])")
            params[f"a{i}"] = joined
    assignments = ", ".join(f"{c} = v.{c}" for c in columns)
    where = " AND ".join(f"{table.name}.{k} = v.{k}" for k in keys)
    return rowcount(session.execute(
        text(
            f"UPDATE {table.name} SET {assignments} FROM unnest({', '.join(arrays)}) "
            f"AS v({', '.join(names)}) WHERE {where}"
        ),
        params,
    ))


def update_cases(
    session: Session, cases: Sequence[CaseState], reclassified: Sequence[CaseState] = ()
) -> None:
    """Write the matching facts of existing zaken: for the zaken the batch added signals to,
    type, count, last activity and retention, each only at the version it was loaded at (a
    zaak closed meanwhile, by a worker or the automatic closing, raises `CaseChanged` and
    the batch runs again, and reopens it); for `reclassified` zaken only the type. The
    workflow's columns (status, versie) are `transition`'s and `reopen_cases`'."""
    rows = [
        {
            "id": c.id,
            "versie": c.versie,
            "zaaktype": c.zaaktype,
            "aantal_signalen": c.aantal_signalen,
            "laatste_activiteit_op": c.laatste_activiteit_op,
            "bewaren_tot": c.bewaren_tot,
        }
        for c in cases
    ]
    if bulk_update(session, zaak, rows, match=("versie",)) != len(rows):
        raise CaseChanged("a zaak changed while the intake added signals to it")
    bulk_update(session, zaak, [{"id": c.id, "zaaktype": c.zaaktype} for c in reclassified])


def reopen_cases(session: Session, cases: Sequence[CaseState], status: str) -> None:
    """Move closed zaken back to `status`, each only from the version it was loaded at:
    a zaak someone moved meanwhile raises `CaseChanged` and the batch runs again."""
    for c in cases:
        moved = session.execute(
            update(zaak)
            .where(zaak.c.id == c.id, zaak.c.versie == c.versie)
            .values(status=status, versie=c.versie + 1, eindresultaat=None)
        )
        if rowcount(moved) != 1:
            raise CaseChanged(f"zaak {c.id} changed while the intake reopened it")


def mark_new_signals(session: Session, case_ids: Sequence[int], *, at: dt.datetime) -> None:
    """A signal joined these zaken while a worker had them picked up: show it as new on
    the zaak from `at`, the batch's receipt time (kept when one is already shown)."""
    if case_ids:
        session.execute(
            update(zaak)
            .where(zaak.c.id.in_(list(case_ids)), zaak.c.nieuw_signaal_sinds.is_(None))
            .values(nieuw_signaal_sinds=at)
        )


def stored_statuses(
    session: Session, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], Signaalstatus]:
    """The current DDAS status of the stored signals among (schuldeiser, signaalId) `keys`."""
    out: dict[tuple[str, str], Signaalstatus] = {}
    for chunk in chunks(keys):
        rows = session.execute(
            select(signaal.c.schuldeiser, signaal.c.signaal_id, signaal.c.status)
            .where(tuple_(signaal.c.schuldeiser, signaal.c.signaal_id).in_(list(chunk)))
        )
        out.update(((r[0], r[1]), Signaalstatus(r[2])) for r in rows)
    return out


def insert_signals(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert `signaal` rows (COPY on PostgreSQL)."""
    _bulk_insert(session, signaal, rows)


def insert_queue_items(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert `werkvoorraad_item` rows (COPY on PostgreSQL)."""
    _bulk_insert(session, werkvoorraad, rows)


def update_queue_items(session: Session, rows: list[dict[str, Any]]) -> None:
    """Update `werkvoorraad_item` rows by id; every row names the same columns."""
    bulk_update(session, werkvoorraad, rows)


def address_zaken(
    session: Session, address_keys: Sequence[str], bare_households: Sequence[str],
    since: dt.date,
) -> list[StoredZaak]:
    """Zaken from matching period `since` on at these numbers (`adres_sleutel`), or of these
    households written without letter or addition and stored before zaken had an address
    key (migration 0014 left it NULL on older zaken).

    The second lookup takes only zaken without an address key: a zaak that has one is found
    by the first, as its household and its address key come from the same postcode and
    number (a confirmed link joins households at one number only). Before, it returned
    every zaak of the first again: 5,500 rows a batch at 940,000 signals, ~10 ms of client
    CPU (measured 1 Dec 2026)."""
    out: dict[int, StoredZaak] = {}
    columns = (zaak.c.id, zaak.c.gemeentecode, zaak.c.huishouden_sleutel, zaak.c.adres_sleutel,
               zaak.c.matchingsperiode, zaak.c.bewaren_tot)
    for column, keys, only in ((zaak.c.adres_sleutel, address_keys, true()),
                               (zaak.c.huishouden_sleutel, bare_households,
                                zaak.c.adres_sleutel.is_(None))):
        for chunk in parts(session, keys):
            stmt = select(*columns).where(zaak.c.matchingsperiode >= since, only)
            rows = session.execute(probed(session, stmt, column, chunk))
            for r in rows:
                out[r[0]] = StoredZaak(*r)
    return list(out.values())


def link_pairs(session: Session, households: Sequence[str]) -> set[tuple[str, str]]:
    """The (kaal, adres) household pairs already linked, whatever their status."""
    table = table_of(Adreskoppeling)
    return linked_pairs(session, select(table.c.huishouden_kaal, table.c.huishouden_adres),
                        households)


def linked_pairs(
    session: Session, stmt: Select[*tuple[Any, ...]], households: Sequence[str]
) -> set[tuple[str, str]]:
    """The (kaal, adres) pairs `stmt` (a select of those two columns of `adreskoppeling`)
    gives where either side is one of `households`: on PostgreSQL one statement, a join of
    each side with the unnest'ed keys, which the planner hashes while the links are few and
    probes by index once they are many. Probing the index once per household and side (as
    `probed` does for `zaak`) took 3.2 ms a side for a batch's 4,300 households at 264
    links, the hash join 0.6 ms (EXPLAIN ANALYZE, 1 Dec 2026). `kaal = ANY(:a) OR adres =
    ANY(:b)` compared every link with every key once psycopg had prepared the statement (a
    generic plan cannot hash a parameter's array): 60 ms for a 2,000-key chunk at 264
    links, growing with the links (measured 30 Nov 2026)."""
    table = table_of(Adreskoppeling)
    sides = (table.c.huishouden_kaal, table.c.huishouden_adres)
    pairs: set[tuple[str, str]] = set()
    if not households:
        return pairs
    if _is_pg(session):
        keys = [
            func.unnest(_pg_array(sorted(households), column.type)).table_valued("value")
            .render_derived(f"k{i}")
            for i, column in enumerate(sides)
        ]
        both = union(*(stmt.join(k, column == k.c.value) for k, column in zip(keys, sides,
                                                                             strict=True)))
        return {(r[0], r[1]) for r in session.execute(both)}
    for column in sides:
        for chunk in chunks(households):
            pairs.update((r[0], r[1]) for r in session.execute(stmt.where(column.in_(chunk))))
    return pairs


def insert_links(session: Session, rows: list[dict[str, Any]]) -> None:
    """New "mogelijk" links; a pair another writer linked meanwhile is skipped."""
    if rows:
        session.execute(insert_ignore(session, table_of(Adreskoppeling)), rows)
