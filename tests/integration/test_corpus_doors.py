# SPDX-License-Identifier: EUPL-1.2
"""The corpus through every door, with identical outcomes, and nothing personal anywhere
(issue 9, "What it must show").

The corpus is the field cases' JSON inputs and the odd inputs the field-case README
describes, plus our own: every kind of contract error, dropped optional identifiers,
unknown fields with plain and unrecognisable names, replays and a conflict, unreadable
elements, a byte-order mark. It goes through the REST door (one request), the file door
(`vroegsignaal ingest`, JSONL), the batch door (inbox, GX validation, the file rule) and the
Kafka door (the real broker and consumer), each into its own PostgreSQL database. The
stored signals, zaken, links, refusals and dropped-field counts must be equal; what REST
told each message is asserted against the expected outcome.

Then a marker string planted in every personal or free value is searched in every table
(every column, as text), every log line, every dead letter, every report, the command
line's output, every REST answer and the feedback topic: no hit outside the encrypted
identifier column (`signaal.identificatie`).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa

from tests.factories import signaal
from tests.integration import doors
from vroegsignaal.dates import today
from vroegsignaal.storage.seed import prepare_database

pytestmark = pytest.mark.integration
CREDITOR = "WBV-TEST"
MARK = "QZ" + uuid.uuid4().hex[:8].upper() + "MRK"  # in no code, id or key we make
ENCRYPTED = {("signaal", "identificatie")}


def _base(sid: str, **overrides: Any) -> dict[str, Any]:
    day = today() - dt.timedelta(days=1)
    fields: dict[str, Any] = {
        "signaalId": sid, "schuldeiser": CREDITOR, "klantreferentie": f"K-{sid}",
        "signaaldatum": day, "ontstaansdatum": day - dt.timedelta(days=45),
        "client__achternaam": f"Proef{MARK}", "client__straatnaam": f"Straat{MARK}",
        "client__voorletters": "M.", "client__email": f"m.{MARK.lower()}@example.org",
    }
    return signaal(**{**fields, **overrides})


def _without(message: dict[str, Any], field: str) -> dict[str, Any]:
    message = dict(message)
    del message[field]
    return message


def _corpus() -> list[tuple[bytes, str | None, list[str]]]:
    """(the message as bytes, its signaalId when it has a readable one, what REST must
    answer: the status, or the error codes) for every entry."""
    c: list[tuple[bytes, str | None, list[str]]] = []

    def add(message: dict[str, Any] | bytes, expect: list[str]) -> None:
        raw = message if isinstance(message, bytes) else orjson.dumps(message)
        sid = None if isinstance(message, bytes) else message.get("signaalId")
        c.append((raw, sid if isinstance(sid, str) and "/" not in sid else None, expect))

    ok = "Nog niet opgepakt"  # accepted, until a worker picks its zaak up (ADR 0016)
    refused = "Niet opgepakt: onterecht signaal"
    # Valid ones, with everything optional that may be dropped and counted.
    add(_base("C-01"), [ok])
    add(_base("C-02", client__huisnummer="12A", client__huisnummertoevoeging=None), [ok])
    add(_base("C-03", client__huisnummer="12-2", client__huisnummertoevoeging=None), [ok])
    add(_base("C-04", client__geboortedatum="2099-01-01", client__telefoonnummer=f"bel {MARK}",
              client__email=MARK, klantreferentie=f"K {MARK}"), [ok])
    add(_base("C-05", client__geboortedatum="1800-01-01", client__huisnummer="40"), [ok])
    add(_base("C-06", client__geboortedatum=f"17-05-{MARK}", client__huisnummer="41"), [ok])
    add(_base("C-07", opmerking=f"vrij {MARK}", bsn="123456782", dossierstatus="incasso",
              **{f"{MARK}@example.org": 1, f"Jansen {MARK}": "x", f"1977-03-04{MARK}": "y"},
              client__huisnummer="42"), [ok])
    add(_base("C-08", client__huisnummer="43", client__huisnummertoevoeging="hs"), [ok])
    add(_base("C-09", client__huisnummer="43", client__huisnummertoevoeging="H",
              signaalpartner="Energie"), [ok])  # the same dwelling: one zaak, meervoudig
    add(_base("C-10", client__huisnummer="44", client__huisnummertoevoeging=None), [ok])
    add(_base("C-11", client__huisnummer="44", client__huisnummertoevoeging="1",
              signaalpartner="Water"), [ok])  # may be the same: linked for a worker
    # What REST used to accept although the schema forbids it (field-case README).
    for i, (field, value, code) in enumerate([
        ("bedrag", "100", "bedrag_formaat"), ("bedrag", "1.000", "bedrag_formaat"),
        ("bedrag", f"€ {MARK}", "bedrag_formaat"), ("bedrag", 1420.0, "bedrag_formaat"),
        ("bedrag", True, "bedrag_formaat"), ("crisissignaal", "yes", "ja_nee_formaat"),
        ("crisissignaal", 1, "ja_nee_formaat"), ("bezwaar", "off", "ja_nee_formaat"),
        ("signaaldatum", 1767225600, "datum_formaat"),
        ("signaaldatum", f"2026-11-25 {MARK}", "datum_formaat"),
    ]):
        add({**_base(f"C-2{i}"), field: value}, [code])
    add(_without(_base("C-40"), "schuldeiser"), ["missing"])
    add(_base(f"C/{MARK}"), ["string_pattern_mismatch"])  # not the safe alphabet: no echo
    add(_base("C-41", client__postcode=f"{MARK}"), ["string_pattern_mismatch"])
    add(_base("C-42", client__huisnummer=12), ["string_type"])
    add(_base("C-43", bezwaar=True), [refused])
    # Replays and a conflict under one id.
    add(_base("C-01"), [ok])  # a replay: told the stored status
    conflict = _base("C-01", bedrag=4321)
    add(conflict, ["andere_inhoud"])
    # Unreadable elements: each refused alone.
    add(b'{"signaalId": "C-50", "opmerking": "' + MARK.encode() + b'\\ud800"}', ["GEEN_UTF8"])
    add(b'["' + MARK.encode() + b'"]', ["GEEN_OBJECT"])
    add(orjson.dumps({"signaalId": "C-51", "opmerking": MARK * 6000}), ["TE_GROOT_BERICHT"])
    return c


CORPUS = _corpus()


def _rest_body() -> bytes:
    return b"\xef\xbb\xbf[" + b",".join(raw for raw, _, _ in CORPUS) + b"]"  # with a BOM


def _jsonl() -> bytes:
    return b"\xef\xbb\xbf" + b"".join(raw + b"\n" for raw, _, _ in CORPUS)


def _state(url: str) -> dict[str, Any]:
    q = "SELECT {} FROM {}"
    zaken = {r["id"]: (r["huishouden_sleutel"], r["matchingsperiode"], r["zaaktype"],
                       r["aantal_signalen"], r["adres_sleutel"])
             for r in doors.rows(url, q.format("*", "zaak"))}
    signals = doors.signals(url)
    refusals = Counter(
        (r["schuldeiser"], r["signaal_id"], r["reden"], json.dumps(r["details"]))
        for r in doors.rows(url, "SELECT * FROM intake_weigering")
    )
    dropped: Counter[str] = Counter()
    for r in doors.rows(url, "SELECT verwijderde_velden FROM intake_batch"):
        dropped.update(r["verwijderde_velden"])
    links = {(r["huishouden_kaal"], r["huishouden_adres"], r["status"])
             for r in doors.rows(url, "SELECT * FROM adreskoppeling")}
    return {"signals": signals, "zaken": sorted(zaken.values()), "refusals": refusals,
            "dropped": dropped, "links": links}


@pytest.fixture
def urls(new_postgres_database: Callable[[], str]) -> dict[str, str]:
    out = {door: new_postgres_database() for door in ("rest", "file", "batch", "kafka")}
    for url in out.values():
        prepare_database(url)
    return out


def test_the_corpus_gives_identical_outcomes_at_every_door_and_leaks_nothing(
    urls: dict[str, str], kafka_bootstrap: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    # As the command line sets it (cli/__init__.py): kafka-python's DEBUG is protocol frames.
    caplog.set_level("INFO", logger="kafka")
    told: list[str] = []  # everything the doors said back, for the marker scan

    # REST: one request, with a byte-order mark.
    doors.env(monkeypatch, urls["rest"], tmp_path)
    with doors.rest_client() as client:
        answer = doors.post(client, CREDITOR, _rest_body())
        assert answer.status_code == 202, answer.text
        told.append(answer.text)
        results = answer.json()["resultaten"]
        asked = {sid: doors.status_of(client, CREDITOR, sid) for _, sid, _ in CORPUS if sid}
        told.append(json.dumps(asked))
    for (raw, _, expect), result in zip(CORPUS, results, strict=True):
        got = [f["fout"] for f in result["fouten"]] or [result["status"]]
        assert got == expect, (raw[:80], result)
    assert sum(r["herhaling"] for r in results) == 1 and sum(r["conflict"] for r in results) == 1
    assert asked["C-43"] == "Niet opgepakt: onterecht signaal"  # a refused one answers too

    # The file door: `vroegsignaal ingest` on the corpus as JSONL.
    jsonl = tmp_path / "corpus.jsonl"
    jsonl.write_bytes(_jsonl())
    doors.env(monkeypatch, urls["file"], tmp_path)
    run = doors.ingest_cli(jsonl, today())
    assert run.exit_code == 0, run.output
    told.append(run.output)

    # The batch door: the same file delivered; every row reaches intake (threshold 1.0).
    settings = doors.env(monkeypatch, urls["batch"], tmp_path / "b",
                         batch_max_invalid_fraction="1.0")
    batch = doors.deliver(settings, CREDITOR, jsonl, "corpus.jsonl", today())
    assert batch.decision["besluit"] == "innemen"
    told += [json.dumps(batch.report), batch.report_text, json.dumps(batch.ingested)]
    # The report says what intake did: its contract errors are the refusals' codes.
    reported = Counter({f"{e['veld']}:{e['fout']}": e["aantal_regels"]
                        for e in batch.report["contractfouten"]})
    refused_codes: Counter[str] = Counter()
    for (_, _, reden, details), n in _state(urls["batch"])["refusals"].items():
        if reden == "ONGELDIG_BERICHT":
            for d in json.loads(details):
                if "veld" in d:
                    refused_codes[f"{d['veld']}:{d['fout']}"] += n
    assert reported == refused_codes

    # Kafka: each entry a record (the first with a byte-order mark).
    doors.env(monkeypatch, urls["kafka"], tmp_path)
    values = [raw for raw, _, _ in CORPUS]
    values[0] = b"\xef\xbb\xbf" + values[0]
    kafka = doors.through_kafka(urls["kafka"], kafka_bootstrap, values)
    told += [json.dumps(kafka.feedback)]
    assert [fb.get("conflict", False) for fb in kafka.feedback].count(True) == 1

    states = {door: _state(url) for door, url in urls.items()}
    # The batch door knows who delivered (the folder): a line it could not read is refused
    # in that creditor's name; the other doors have no ids for it. The refusal is the same.
    states["batch"]["refusals"] = Counter({
        (None if sid is None and '"veld"' not in details else who, sid, reden, details): n
        for (who, sid, reden, details), n in states["batch"]["refusals"].items()
    })
    rest = states["rest"]
    assert len(rest["signals"]) == 11 and len(rest["links"]) == 1
    zaak_of = {r["signaal_id"]: r["zaak_id"] for r in doors.rows(
        urls["rest"], "SELECT signaal_id, zaak_id FROM signaal")}
    assert zaak_of["C-08"] == zaak_of["C-09"]  # "hs" and "H": one dwelling
    assert zaak_of["C-10"] != zaak_of["C-11"]  # "44" and "44-1": linked, not merged
    assert rest["dropped"]["onherkenbaar veld"] == 3
    assert rest["dropped"]["client.telefoonnummer:ongeldig"] == 1
    for door in ("file", "batch", "kafka"):
        for part in ("signals", "zaken", "refusals", "dropped", "links"):
            assert states[door][part] == rest[part], f"{door}: {part} differ from REST"

    # The marker scan.
    hits = []
    for door, url in urls.items():
        hits += [f"{door}: {h}" for h in _scan_database(url)]
    hits += [f"log: {line}" for line in caplog.text.splitlines() if MARK in line]
    hits += [f"told: {text[:200]}" for text in told if MARK in text]
    for record in kafka.dead_letters:
        if MARK.encode() in (record.value or b"") or any(
                MARK.encode() in (v or b"") for _, v in record.headers):
            hits.append(f"dead letter at {dict(record.headers).get('bron-offset')}")
    for path in (tmp_path / "b").rglob("*"):
        if path.is_file() and path.suffix in (".json", ".md") and MARK in path.read_text():
            hits.append(f"report file {path.name}")
    assert hits == [], hits

    # The scan can fail: the sealed dead letters do hold the marker, and a planted one in
    # a table is found.
    from streaming.dead_letter import DeadLetterSeal
    from vroegsignaal.config import get_settings

    seal = DeadLetterSeal.from_settings(get_settings())
    opened = [seal.open(r.value, r.headers) for r in kafka.dead_letters]
    assert len(opened) >= 15 and any(MARK.encode() in (o.value or b"") for o in opened)
    engine = sa.create_engine(urls["rest"], poolclass=sa.pool.NullPool)
    with engine.begin() as c:
        c.execute(sa.text("UPDATE gemeente SET naam = :m WHERE gemeentecode = 'GM0344'"),
                  {"m": f"x{MARK}"})
    engine.dispose()
    assert _scan_database(urls["rest"]) == ["gemeente.naam: 1 rows"]


def _scan_database(url: str) -> list[str]:
    """Every column of every table, as text, for the marker (outside `ENCRYPTED`)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    hits = []
    try:
        tables = sa.inspect(engine).get_table_names()
        with engine.connect() as c:
            for table in tables:
                for column in sa.inspect(engine).get_columns(table):
                    name = column["name"]
                    if (table, name) in ENCRYPTED:
                        continue
                    found = c.execute(sa.text(
                        f'SELECT count(*) FROM "{table}" WHERE "{name}"::text LIKE :m'
                    ), {"m": f"%{MARK}%"}).scalar_one()
                    if found:
                        hits.append(f"{table}.{name}: {found} rows")
                    if column["type"].__class__.__name__ in ("LargeBinary", "BYTEA"):
                        found = c.execute(sa.text(
                            f'SELECT count(*) FROM "{table}" WHERE position(:m in "{name}") > 0'
                        ), {"m": MARK.encode()}).scalar_one()
                        if found:
                            hits.append(f"{table}.{name} (bytes): {found} rows")
    finally:
        engine.dispose()
    return hits
