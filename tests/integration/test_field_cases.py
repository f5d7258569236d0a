# SPDX-License-Identifier: EUPL-1.2
"""Every file of tests/data/field-cases/ (copied from the brief's shared/field-cases/) at
every door its README names, with the outcome the README expects (issue 9). The inputs
described there without a file are in test_corpus_doors.py, tests/integration/api/ and
tests/unit/contract/test_contract_strict.py.

Each door writes into its own PostgreSQL database. File counts are checked against the
file's physical line count: every line is stored, refused with its line number and reason,
already received, ignored as blank, or the header.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.integration import doors
from vroegsignaal.contract.io import read_records

pytestmark = pytest.mark.integration
CASES = Path(__file__).resolve().parents[1] / "data" / "field-cases"
RECEIVED = dt.date(2026, 11, 26)  # inside the README's 30-100 day window


@pytest.fixture
def url(new_postgres_database: Callable[[], str]) -> str:
    from vroegsignaal.storage.seed import prepare_database

    u = new_postgres_database()
    prepare_database(u)
    return u


def _lines(path: Path) -> int:
    return len(path.read_bytes().splitlines())


def _accounts_for_every_line(summary: dict[str, Any], path: Path) -> None:
    r = summary["regels"]
    assert r["regels"] == _lines(path)
    accounted = (r["kopregels"] + summary["opgeslagen"] + summary["geweigerd"]
                 + summary["al_ontvangen"] + r["genegeerd_leeg"] + r["vervolgregels"])
    assert accounted == r["regels"] or r["bestand_geweigerd"], summary


def _cli(url: str, path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> doors.CliRun:
    doors.env(monkeypatch, url, tmp_path)
    return doors.ingest_cli(path, RECEIVED)


def _totals(url: str, path: Path) -> dict[str, Any]:
    """What the file door counted (ingest_file, which `vroegsignaal ingest` runs)."""
    from batch.files import ingest_file
    from vroegsignaal.storage.db import session_scope

    with session_scope(url) as session:
        return ingest_file(path, session=session, source="bestand",
                           ontvangen_op=RECEIVED).as_dict()


# -- amounts with a thousands separator: never stored as another amount --------------------


@pytest.mark.parametrize("name", ["amount-thousands-separator.csv",
                                  "amount-thousands-separator-rent.csv"])
def test_amount_with_separator_at_the_file_door(
    name: str, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = _cli(url, CASES / name, tmp_path, monkeypatch)
    assert run.exit_code == 3, run.output  # read, but nothing taken in
    assert "bedrag_formaat" in run.output and "geweigerd 1" in run.output
    assert doors.signals(url) == {}
    [(reden, details)] = doors.refusals(url).values()
    assert (reden, details) == ("ONGELDIG_BERICHT", [{"veld": "bedrag", "fout": "bedrag_formaat"}])
    summary = _totals(url, CASES / name)  # again: now a replay of a refusal, same outcome
    _accounts_for_every_line(summary, CASES / name)


def test_amount_with_separator_at_rest_and_kafka(
    new_postgres_database: Callable[[], str], kafka_bootstrap: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The API file as it is, and the CSV rows as the JSON their creditor would send: the
    same refusal with the same code at every door."""
    from vroegsignaal.storage.seed import prepare_database

    api_messages = json.loads((CASES / "amount-thousands-separator-api.json").read_text())
    csv_messages = [r.data for name in ("amount-thousands-separator.csv",
                                        "amount-thousands-separator-rent.csv")
                    for r in read_records(CASES / name)]
    assert [m["bedrag"] for m in csv_messages] == ["1.000", "3.000"]
    expected = {"veld": "bedrag", "fout": "bedrag_formaat"}
    rest, kafka = new_postgres_database(), new_postgres_database()
    for u in (rest, kafka):
        prepare_database(u)
    doors.env(monkeypatch, rest, tmp_path)
    with doors.rest_client() as client:
        for msg in [*api_messages, *csv_messages]:
            answer = doors.post(client, msg["schuldeiser"], orjson.dumps([msg]))
            assert answer.status_code == 202
            [result] = answer.json()["resultaten"]
            assert result["status"] == "Niet opgepakt: onterecht signaal"
            assert {k: result["fouten"][0][k] for k in expected} == expected
            assert "1000" in result["fouten"][0]["uitleg"]  # says how to write it
    doors.env(monkeypatch, kafka, tmp_path)
    run = doors.through_kafka(kafka, kafka_bootstrap,
                              [orjson.dumps(m) for m in [*api_messages, *csv_messages]])
    assert [fb["status"] for fb in run.feedback] == ["Niet opgepakt: onterecht signaal"] * 3
    assert [dict(d.headers)["fout"] for d in run.dead_letters] == [b"bedrag:bedrag_formaat"] * 3
    for u in (rest, kafka):
        assert doors.signals(u) == {}
        assert [details for _, details in doors.refusals(u).values()] == [[expected]] * 3


# -- a stray quote: every line accounted for -----------------------------------------------


def test_stray_quote_at_the_file_door(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = CASES / "stray-quote.csv"
    run = _cli(url, path, tmp_path, monkeypatch)
    assert run.exit_code == 0, run.output
    assert set(doors.signals(url)) == {("WBV-VELD", "WBV-VELD-00002"),
                                       ("WBV-VELD", "WBV-VELD-00003")}
    assert "AANHALINGSTEKENS" in run.output
    assert "Regels in het bestand: 4 = kopregel 1 + opgeslagen 2 + geweigerd 1" in run.output
    [refusal] = doors.rows(url, "SELECT positie, reden, details FROM intake_weigering")
    assert refusal == {"positie": 2, "reden": "ONGELDIG_BERICHT",
                       "details": [{"fout": "AANHALINGSTEKENS"}]}
    _accounts_for_every_line(_totals(url, path), path)


@pytest.mark.parametrize(("threshold", "decision"), [("0.01", "quarantaine"), ("0.5", "innemen")])
def test_stray_quote_at_the_batch_door(
    threshold: str, decision: str, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One unreadable line in three: over the default 1% the file is quarantined whole (the
    batch-file rule), with the line named; under a looser rule the two others go in."""
    settings = doors.env(monkeypatch, url, tmp_path, batch_max_invalid_fraction=threshold)
    run = doors.deliver(settings, "WBV-VELD", CASES / "stray-quote.csv", "stray.csv", RECEIVED)
    assert run.decision["besluit"] == decision
    assert run.report["regels_in_bestand"] == {
        "regels": 4, "kopregels": 1, "genegeerd_leeg": 0, "vervolgregels": 0, "records": 3,
        "bestand_geweigerd": False}
    [finding] = run.report["bevindingen"]
    assert (finding["code"], finding["regels"]) == ("REGEL_LEESBAAR", [2])
    stored = set(doors.signals(url))
    if decision == "innemen":
        assert stored == {("WBV-VELD", "WBV-VELD-00002"), ("WBV-VELD", "WBV-VELD-00003")}
        assert run.ingested is not None and run.ingested["per_reden"] == {
            "OPGEPAKT": 2, "ONGELDIG_BERICHT": 1}
    else:
        assert stored == set()


# -- Excel's separator-only rows ------------------------------------------------------------


def test_excel_empty_rows_are_ignored_at_the_batch_door(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = doors.env(monkeypatch, url, tmp_path)
    run = doors.deliver(settings, "WBV-VELD", CASES / "excel-empty-rows.csv", "excel.csv",
                        RECEIVED)
    assert (run.decision["besluit"], run.decision["grond"]) == ("innemen", "ALLES_GELDIG")
    assert run.report["regels_in_bestand"]["genegeerd_leeg"] == 1
    assert run.report["regels"] == 1 and run.report["ongeldige_regels"] == 0
    assert set(doors.signals(url)) == {("WBV-VELD", "WBV-VELD-00001")}
    assert "lege regels genegeerd 1" in run.report_text


# -- a CSV without its header: refused whole, nothing echoed --------------------------------

SECRETS = ("ProefKopregelloos", "Geheimstraat", "0611223344", "1977-03-04", "a.voorbeeld")


def _echoes(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def test_csv_without_header_at_the_file_door(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    run = _cli(url, CASES / "csv-without-header.csv", tmp_path, monkeypatch)
    assert run.exit_code == 1, run.output
    assert "KOPREGEL_ONTBREEKT" in run.output
    assert "Regels in het bestand: 3" in run.output and "hele bestand is geweigerd" in run.output
    assert _echoes(run.output) == [] and _echoes(caplog.text) == []
    dump = json.dumps(doors.rows(url, "SELECT * FROM intake_batch"), default=str)
    assert doors.signals(url) == {} and doors.refusals(url) == {} and _echoes(dump) == []


def test_csv_without_header_at_the_batch_door(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    settings = doors.env(monkeypatch, url, tmp_path)
    run = doors.deliver(settings, "WBV-DE-LINIE", CASES / "csv-without-header.csv",
                        "zonder-kop.csv", RECEIVED)
    assert (run.decision["besluit"], run.decision["grond"]) == ("quarantaine", "BESTAND_GEWEIGERD")
    assert run.report["bestand_geweigerd"]["code"] == "KOPREGEL_ONTBREEKT"
    assert run.report["regels_in_bestand"]["regels"] == 3
    assert _echoes(json.dumps(run.report)) == [] and _echoes(run.report_text) == []
    assert _echoes(caplog.text) == []
    assert doors.signals(url) == {}


# -- an oversized cell: that row refused, the others in --------------------------------------


def test_oversized_cell_at_the_file_door(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = CASES / "csv-oversized-cell.csv"
    run = _cli(url, path, tmp_path, monkeypatch)
    assert run.exit_code == 0, run.output
    assert set(doors.signals(url)) == {("WBV-DE-LINIE", "REPRO-CSV-OK-1")}
    [refusal] = doors.rows(url, "SELECT positie, details FROM intake_weigering")
    assert refusal == {"positie": 3, "details": [{"fout": "TE_GROOT_BERICHT"}]}
    _accounts_for_every_line(_totals(url, path), path)


# -- JSON numbers and flat JSONL: the batch report is true -----------------------------------


@pytest.mark.parametrize(("name", "code"), [
    ("number-as-json-number.jsonl", "client.huisnummer:string_type"),
    ("flat-jsonl.jsonl", "client:missing"),
])
def test_batch_report_says_what_intake_does(
    name: str, code: str, new_postgres_database: Callable[[], str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Validation and intake apply one definition: the report names the contract error the
    intake refuses the row with (here at the file door, into another database)."""
    from vroegsignaal.storage.seed import prepare_database

    batch_url, file_url = new_postgres_database(), new_postgres_database()
    for u in (batch_url, file_url):
        prepare_database(u)
    settings = doors.env(monkeypatch, batch_url, tmp_path)
    run = doors.deliver(settings, "WBV-VELD", CASES / name, name, RECEIVED)
    assert (run.decision["besluit"], run.decision["ongeldige_regels"]) == ("quarantaine", 1)
    [error] = run.report["contractfouten"]
    assert f"{error['veld']}:{error['fout']}" == code and error["regels"] == [1]
    assert error["uitleg"]
    doors.env(monkeypatch, file_url, tmp_path)
    assert doors.ingest_cli(CASES / name, RECEIVED).exit_code == 3
    [(reden, details)] = doors.refusals(file_url).values()
    veld, _, fout = code.rpartition(":")
    assert reden == "ONGELDIG_BERICHT" and details == [{"veld": veld, "fout": fout}]


# -- a date-time in a date field: one rule for dates at every door ---------------------------


def test_datetime_in_date_field_at_file_rest_and_batch(
    new_postgres_database: Callable[[], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vroegsignaal.storage.seed import prepare_database

    path = CASES / "datetime-in-date-field.csv"
    urls = {door: new_postgres_database() for door in ("file", "rest", "batch")}
    for u in urls.values():
        prepare_database(u)
    expected = [{"veld": "ontstaansdatum", "fout": "datum_formaat"},
                {"veld": "signaaldatum", "fout": "datum_formaat"}]
    doors.env(monkeypatch, urls["file"], tmp_path)
    assert doors.ingest_cli(path, RECEIVED).exit_code == 3
    doors.env(monkeypatch, urls["rest"], tmp_path)
    [message] = [r.data for r in read_records(path)]
    with doors.rest_client() as client:
        answer = doors.post(client, "WBV-VELD", orjson.dumps([message])).json()
    assert [{"veld": f["veld"], "fout": f["fout"]} for f in answer["resultaten"][0]["fouten"]] == (
        expected)
    settings = doors.env(monkeypatch, urls["batch"], tmp_path,
                         batch_max_invalid_fraction="1.0")  # let the row reach intake
    run = doors.deliver(settings, "WBV-VELD", path, "datumtijd.csv", RECEIVED)
    assert {f"{e['veld']}:{e['fout']}" for e in run.report["contractfouten"]} == {
        "ontstaansdatum:datum_formaat", "signaaldatum:datum_formaat"}
    for u in urls.values():
        assert doors.signals(u) == {}
        assert list(doors.refusals(u).values()) == [("ONGELDIG_BERICHT", expected)]


# -- the same address written differently -----------------------------------------------------


def test_address_variants_at_the_file_door(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = _cli(url, CASES / "address-addition-variants.jsonl", tmp_path, monkeypatch)
    assert run.exit_code == 0
    zaken = doors.rows(url, "SELECT aantal_signalen, zaaktype FROM zaak")
    assert zaken == [{"aantal_signalen": 2, "zaaktype": "meervoudig"}]
