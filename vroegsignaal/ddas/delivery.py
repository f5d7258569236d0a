# SPDX-License-Identifier: EUPL-1.2
"""The DDAS v1.2 delivery of one municipality over a period, streamed and validated.

One service, two doors: `write_delivery_file` (the command line `vroegsignaal
export-ddas` and the DAG) and `write_page` (the pull API that CBS calls). Both stream
from the database in chunks (`CHUNK` rows per fetch, a server-side cursor on
PostgreSQL; a zaak's signals and contactpogingen as two more streams in zaak order),
turn each row into its DDAS record (vroegsignaal/ddas/records.py), validate
it against the schema (vroegsignaal/ddas/validation.py) and write it out as JSON at
once, so a big city's half year is never held as Python objects. Nothing invalid leaves:
the file is written under a temporary name and renamed only when every part passed, the
API builds its page before it answers; otherwise `DeliveryInvalid` carries the report.

What is in a delivery for [van, tot] (docs/ddas.md): every stored signal of the
municipality with its signaaldatum in the period (all statuses, also those not picked
up), and every zaak whose matching period (month) lies in it, with the IDs of all its
signals and its contactpogingen. Paging (the pull API): signals by id, at most
`MAX_PAGE_SIZE` a page; zaken are spread over the same number of pages by id, so the
pages together are exactly the file.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from vroegsignaal.config import get_settings
from vroegsignaal.ddas import records
from vroegsignaal.ddas.validation import Problem, check
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.privacy.crypto import IdentifierCipher
from vroegsignaal.storage.tables import Gemeente, Signaal, Zaak

CHUNK = 5_000  # rows per database fetch
MAX_PAGE_SIZE = 50_000  # signals per page (DDAS non-functionals: "Vroegsignalen 50.000")
MAX_PROBLEMS = 100  # kept in a report; the count goes on


class DeliveryInvalid(VroegsignaalError):
    """The delivery failed validation against the DDAS exchange model; `report` says where."""

    code = "DDAS_LEVERING_ONGELDIG"
    title = "De DDAS-levering voldoet niet aan het uitwisselmodel"

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(f"{report.problem_count} schendingen van het DDAS-schema")
        self.report = report


class InvalidPeriod(VroegsignaalError):
    """A delivery period that is empty or reversed."""

    code = "PERIODE_ONGELDIG"
    title = "De periode is ongeldig"


@dataclass(frozen=True, slots=True)
class DeliverySpec:
    """One municipality (CBS code, "GM0363") and a period (inclusive dates)."""

    gemeentecode: str
    van: dt.date
    tot: dt.date

    def __post_init__(self) -> None:
        if self.tot < self.van:
            raise InvalidPeriod(f"{self.van} ligt na {self.tot}")


@dataclass(slots=True)
class ValidationReport:
    """What was validated and what failed: counts and schema locations, no values."""

    gemeentecode: str
    van: dt.date
    tot: dt.date
    vroegsignalen: int = 0
    vroegsignaalzaken: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """No validation problem found."""
        return self.problem_count == 0

    def add(self, problems: list[Problem]) -> None:
        """Count `problems`; keep the first MAX_PROBLEMS for the report."""
        self.problem_count += len(problems)
        room = MAX_PROBLEMS - len(self.problems)
        self.problems.extend(problems[:max(room, 0)])

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data: period, counts and the kept problems (no values)."""
        return {
            "gemeentecode": self.gemeentecode, "van": self.van.isoformat(),
            "tot": self.tot.isoformat(), "geldig": self.valid,
            "vroegsignalen": self.vroegsignalen, "vroegsignaalzaken": self.vroegsignaalzaken,
            "schendingen": self.problem_count,
            "eerste_schendingen": [
                {"onderdeel": p.kind, "positie": p.index, "pad": p.path, "regel": p.keyword}
                for p in self.problems
            ],
        }


@dataclass(frozen=True, slots=True)
class Page:
    """Which part of a delivery: 1-based `number` of `total_pages`, `size` signals."""

    number: int
    size: int
    total_pages: int
    total_records: int
    zaken_size: int


def _signals(spec: DeliverySpec) -> Select[Any]:
    s = Signaal.__table__.c
    return select(*records.SIGNAL_COLUMNS).where(
        s.gemeentecode == spec.gemeentecode, s.signaaldatum >= spec.van,
        s.signaaldatum <= spec.tot).order_by(s.id)


def _zaken(spec: DeliverySpec) -> Select[Any]:
    z = Zaak.__table__.c
    return select(*records.ZAAK_COLUMNS).where(
        z.gemeentecode == spec.gemeentecode, z.matchingsperiode >= spec.van.replace(day=1),
        z.matchingsperiode <= spec.tot).order_by(z.id)


def counts(session: Session, spec: DeliverySpec) -> tuple[int, int]:
    """(signals, zaken) in the delivery."""
    n_signals = session.execute(select(func.count()).select_from(_signals(spec).subquery()))
    n_zaken = session.execute(select(func.count()).select_from(_zaken(spec).subquery()))
    return int(n_signals.scalar_one()), int(n_zaken.scalar_one())


def plan_page(session: Session, spec: DeliverySpec, page: int, size: int | None) -> Page:
    """The page `page` of pages of `size` signals (default and cap `MAX_PAGE_SIZE`)."""
    n_signals, n_zaken = counts(session, spec)
    size = min(size or MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    total = max(1, math.ceil(n_signals / size))
    zaken_size = max(1, math.ceil(n_zaken / total))
    return Page(page, size, total, n_signals, zaken_size)


def _stream(session: Session, query: Select[Any]) -> Iterator[Any]:
    result = session.execute(query.execution_options(yield_per=CHUNK))
    yield from result


class _Writer:
    """Writes JSON text to `out` as it goes, validating every part first."""

    def __init__(self, out: IO[bytes], report: ValidationReport) -> None:
        self.out, self.report = out, report

    def envelope_head(self, session: Session, spec: DeliverySpec, now: dt.datetime) -> bytes:
        settings = get_settings()
        gemeente = session.get(Gemeente, spec.gemeentecode)
        naam = settings.ddas_organisatie_naam or (
            "Gemeente " + (gemeente.naam if gemeente is not None else spec.gemeentecode))
        organisatie: dict[str, Any] = {"naam": naam}
        if settings.ddas_organisatie_kvk:
            organisatie["kvk-nummer"] = settings.ddas_organisatie_kvk
        envelope = {
            "startdatumLevering": spec.van.isoformat(),
            "einddatumLevering": spec.tot.isoformat(),
            "aanleverdatumEnTijd": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "codeGegevensleverancier": settings.ddas_code_gegevensleverancier,
            "leveringen": [{"teller": 1, "gemeentecode": spec.gemeentecode,
                            "aanleverendeOrganisatie": organisatie,
                            "vroegsignalen": [], "vroegsignaalzaken": []}],
        }
        self.report.add(check("envelope", envelope))
        text = orjson.dumps(envelope)
        # Cut the document open at the empty signal list; the parts stream in there.
        return text[: text.rindex(b'"vroegsignalen":[]') + len(b'"vroegsignalen":[')]

    def items(self, kind: str, rows: Iterator[dict[str, Any]]) -> int:
        n = 0
        for record in rows:
            problems = check(kind, record, n)
            if problems:
                self.report.add(problems)
            if n:
                self.out.write(b",")
            self.out.write(orjson.dumps(record))
            n += 1
        return n


def _write(session: Session, spec: DeliverySpec, out: IO[bytes], *, page: Page | None,
           now: dt.datetime, prefix: bytes = b"", suffix: bytes = b"") -> ValidationReport:
    report = ValidationReport(spec.gemeentecode, spec.van, spec.tot)
    writer = _Writer(out, report)
    cipher = IdentifierCipher.from_settings(get_settings())
    out.write(prefix)
    out.write(writer.envelope_head(session, spec, now))
    signals, zaken = _signals(spec), _zaken(spec)
    if page is not None:
        signals = signals.offset((page.number - 1) * page.size).limit(page.size)
        zaken = zaken.offset((page.number - 1) * page.zaken_size).limit(page.zaken_size)
    report.vroegsignalen = writer.items(
        "vroegsignaal", (records.vroegsignaal(r, cipher) for r in _stream(session, signals)))
    out.write(b'],"vroegsignaalzaken":[')
    report.vroegsignaalzaken = writer.items(
        "vroegsignaalzaak", records.vroegsignaalzaken(session, zaken, CHUNK))
    out.write(b"]}]}")
    out.write(suffix)
    return report


def write_delivery_file(
    session: Session, spec: DeliverySpec, path: Path, *, now: dt.datetime | None = None
) -> ValidationReport:
    """Write the whole delivery to `path` (JSON, UTF-8) and return the report. Raises
    `DeliveryInvalid` (and leaves no file at `path`) when any part fails the schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".ddas-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as out:
            report = _write(session, spec, out, page=None, now=now or dt.datetime.now(dt.UTC))
        if not report.valid:
            raise DeliveryInvalid(report)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return report


def write_page(
    session: Session, spec: DeliverySpec, page: Page, out: IO[bytes], *,
    now: dt.datetime | None = None,
) -> ValidationReport:
    """Write one page of the pull API's answer, `{"gegevens": ..., "paginering": ...}`,
    to `out` (the caller sends it only when this returns). Raises `DeliveryInvalid`."""
    paginering = {"pageSize": page.size, "currentPage": page.number,
                  "totalPages": page.total_pages, "totalRecords": page.total_records}
    report = _write(session, spec, out, page=page, now=now or dt.datetime.now(dt.UTC),
                    prefix=b'{"gegevens":',
                    suffix=b',"paginering":' + orjson.dumps(paginering) + b"}")
    if not report.valid:
        raise DeliveryInvalid(report)
    return report
