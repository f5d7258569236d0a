# SPDX-License-Identifier: EUPL-1.2
"""signal_batch_inbox and signal_batch_intake end to end with dag.test() and PostgreSQL,
with the default number of worker processes.

The batch-file rule (docs/batch-intake.md): a file is ingested whole (its valid rows) or
quarantined whole; more than 1% invalid rows, or a fatal check, quarantines it. Runs,
their configuration and their results carry the delivery's opaque id, never the file name.
tests/dags/test_under_scheduler.py runs the same DAGs under a real scheduler.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.dags.conftest import count_rows, run_dag
from tests.factories import signaal
from vroegsignaal.contract.io import write_csv, write_jsonl
from vroegsignaal.storage.tables import IntakeWeigering, Signaal, WerkvoorraadItem, Zaak

pytestmark = pytest.mark.integration
CREDITOR = "WBV-TEST"
RECEIVED = "2026-03-12"


def _signals(n: int, prefix: str) -> list[dict[str, Any]]:
    return [
        signaal(
            signaalId=f"{prefix}-{i}",
            klantreferentie=f"K-{prefix}-{i}",
            client__huisnummer=str(i + 1),
            client__achternaam=f"Testpersoon{prefix}{i}",
        )
        for i in range(n)
    ]


def _write(inbox: Path, name: str, records: list[dict[str, Any]], creditor: str = CREDITOR) -> None:
    folder = inbox / creditor
    folder.mkdir(exist_ok=True)
    writer = write_jsonl if name.endswith(".jsonl") else write_csv
    writer(folder / name, records)


def _deliver(inbox: Path, name: str, records: list[dict[str, Any]]) -> str:
    """The file in the inbox, registered as the inbox DAG does; its delivery id."""
    from batch.delivery import register_inbox

    _write(inbox, name, records)
    (levering,) = register_inbox()
    return levering


def _assert_no_file_name(result: Any, name: str) -> None:
    assert name not in result.run_id
    assert name not in json.dumps(result.xcom, default=str)


def _run_folder(work: Path, stage: str, levering: str) -> Path:
    (run,) = list((work / stage / CREDITOR).iterdir())
    assert run.name == levering
    return run


def test_a_good_file_lands_fully(dagbag: Any, vroegsignaal_env: dict[str, Any]) -> None:
    env = vroegsignaal_env
    levering = _deliver(env["inbox"], "goed.csv", _signals(30, "G"))

    result = run_dag(
        dagbag, "signal_batch_intake", conf={"levering": levering, "ontvangen_op": RECEIVED}
    )

    assert result.state == "success", result.tasks
    assert result.tasks["quarantine_file"] == "skipped"
    assert result.tasks["archive_file"] == "success"
    assert result.xcom["validate_file"]["besluit"] == "innemen"
    assert result.xcom["ingest_valid_rows"]["per_reden"] == {"OPGEPAKT": 30}
    url = env["database_url"]
    assert count_rows(url, Signaal) == 30
    assert count_rows(url, Zaak) == count_rows(url, WerkvoorraadItem) == 30
    assert count_rows(url, IntakeWeigering) == 0
    run = _run_folder(env["work"], "processed", levering)
    assert (run / "goed.csv").is_file() and not list((env["inbox"] / CREDITOR).iterdir())
    report = json.loads((run / "rapport.json").read_text())
    assert report["grond"] == "ALLES_GELDIG" and report["bevindingen"] == []
    assert result.xcom["archive_file"] == f"processed/{CREDITOR}/{levering}"
    assert result.tasks["start_next_delivery"] == "skipped"  # no later delivery waits
    _assert_no_file_name(result, "goed")


def _bad_row_file(n: int) -> tuple[list[dict[str, Any]], int, str]:
    """n signals, the 8th with an impossible postcode; (records, its line, its surname)."""
    records = _signals(n, f"B{n}")
    records[7]["client"]["postcode"] = "0999 XQ"
    return records, 7 + 2, records[7]["client"]["achternaam"]  # line 1 is the header


@pytest.fixture
def one_worker(vroegsignaal_env: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process validation and intake: the rule, not the parallel path, is under test here
    (the worker processes are: test_a_good_file_lands_fully and test_under_scheduler.py)."""
    from vroegsignaal.config import get_settings

    monkeypatch.setenv("VROEGSIGNAAL_BATCH_WORKERS", "1")
    get_settings.cache_clear()


@pytest.mark.usefixtures("one_worker")
def test_one_bad_row_within_the_threshold_is_refused_and_the_rest_lands(
    dagbag: Any, vroegsignaal_env: dict[str, Any]
) -> None:
    env = vroegsignaal_env
    records, bad_line, surname = _bad_row_file(150)  # 1 of 150 = 0.67% <= 1%
    levering = _deliver(env["inbox"], "een-fout.csv", records)

    result = run_dag(
        dagbag, "signal_batch_intake", conf={"levering": levering, "ontvangen_op": RECEIVED}
    )

    assert result.state == "success", result.tasks
    assert result.tasks["quarantine_file"] == "skipped"
    assert result.xcom["ingest_valid_rows"]["per_reden"] == {"OPGEPAKT": 149, "ONGELDIG_BERICHT": 1}
    url = env["database_url"]
    assert count_rows(url, Signaal) == 149
    refusal = _refusals(url)
    assert [(r.positie, r.reden) for r in refusal] == [(bad_line, "ONGELDIG_BERICHT")]
    # Refused by intake with the contract's own codes, the ones the report names (issue 9).
    assert refusal[0].details == [{"veld": "client.postcode", "fout": "string_pattern_mismatch"}]
    # Like the REST and Kafka doors, the refusal keeps whose signal it was.
    assert (refusal[0].schuldeiser, refusal[0].signaal_id) == (CREDITOR, records[7]["signaalId"])
    run = _run_folder(env["work"], "processed", levering)
    _assert_report_names(run, bad_line, "CONTRACT", secrets=("0999 XQ", surname))


@pytest.mark.usefixtures("one_worker")
def test_one_bad_row_above_the_threshold_quarantines_the_whole_file(
    dagbag: Any, vroegsignaal_env: dict[str, Any]
) -> None:
    env = vroegsignaal_env
    records, bad_line, surname = _bad_row_file(20)  # 1 of 20 = 5% > 1%
    levering = _deliver(env["inbox"], "te-veel.jsonl", records)

    result = run_dag(
        dagbag, "signal_batch_intake", conf={"levering": levering, "ontvangen_op": RECEIVED}
    )

    assert result.state == "success", result.tasks
    assert result.tasks["ingest_valid_rows"] == "skipped"
    assert result.tasks["archive_file"] == "skipped"
    assert result.tasks["quarantine_file"] == "success"
    assert result.xcom["validate_file"]["grond"] == "TE_VEEL_ONGELDIGE_REGELS"
    url = env["database_url"]
    assert [count_rows(url, m) for m in (Signaal, IntakeWeigering, Zaak)] == [0, 0, 0]
    run = _run_folder(env["work"], "quarantine", levering)
    assert (run / "te-veel.jsonl").is_file()
    _assert_no_file_name(result, "te-veel")
    _assert_report_names(run, bad_line - 1, "CONTRACT", secrets=("0999 XQ", surname))


def _refusals(url: str) -> list[IntakeWeigering]:
    engine = create_engine(url)
    with Session(engine) as s:
        rows = list(s.scalars(select(IntakeWeigering)))
    engine.dispose()
    return rows


def _assert_report_names(run: Path, line: int, code: str, *, secrets: tuple[str, ...]) -> None:
    report = json.loads((run / "rapport.json").read_text())
    (finding,) = [b for b in report["bevindingen"] if b["ernst"] != "warning"]
    assert (finding["code"], finding["regels"], finding["aantal_regels"]) == (code, [line], 1)
    assert finding["controle"] == "expect_column_values_to_be_null"  # the contract's verdict
    [error] = report["contractfouten"]
    assert (error["veld"], error["fout"], error["regels"]) == (
        "client.postcode", "string_pattern_mismatch", [line])
    text = (run / "rapport.md").read_text()
    assert f"## {code}" in text and f"Regels (1): {line}" in text
    assert f"`client.postcode`: string_pattern_mismatch (1): regels {line}" in text
    for secret in secrets:  # no value from the file, identifying or not
        assert secret not in text and secret not in json.dumps(report)


def test_the_inbox_starts_the_oldest_delivery_of_each_schuldeiser_once(
    dagbag: Any, vroegsignaal_env: dict[str, Any]
) -> None:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    env = vroegsignaal_env
    empty = run_dag(dagbag, "signal_batch_inbox")
    assert empty.state == "success" and empty.xcom["find_deliveries"] == []
    _write(env["inbox"], "a.csv", _signals(2, "A"))
    _write(env["inbox"], "b.jsonl", _signals(2, "B"))
    _write(env["inbox"], "c.csv", _signals(2, "C"), creditor="EN-TEST")
    os.utime(env["inbox"] / CREDITOR / "b.jsonl", (1_700_000_000, 1_700_000_000))  # oldest
    (env["inbox"] / CREDITOR / "d.csv.part").write_text("being written")
    (env["inbox"] / "los.csv").write_text("not in a schuldeiser folder")

    first = run_dag(dagbag, "signal_batch_inbox")
    again = run_dag(dagbag, "signal_batch_inbox")

    assert first.state == again.state == "success"
    found = first.xcom["find_deliveries"]
    assert again.xcom["find_deliveries"] == found, "registered once; the same ones are next"
    names = _registered(env["database_url"])
    by_name = {names[d["conf"]["levering"]]: d for d in found}
    assert sorted(by_name) == [("EN-TEST", "c.csv"), (CREDITOR, "b.jsonl")], (
        "per schuldeiser only its oldest delivery starts"
    )
    for d in found:
        assert set(d["conf"]) == {"levering"}
        assert d["trigger_run_id"] == f"levering__{d['conf']['levering']}"
    with create_session() as session:
        runs = session.scalars(
            select(DagRun).where(DagRun.run_id.in_([d["trigger_run_id"] for d in found]))
        ).all()
        confs = sorted(r.conf["levering"] for r in runs)
        assert {r.dag_id for r in runs} == {"signal_batch_intake"}
    assert confs == sorted(d["conf"]["levering"] for d in found), "one run per delivery, once"
    for name in ("a.csv", "b.jsonl", "c.csv"):
        assert name not in json.dumps(found)


def _registered(url: str) -> dict[str, tuple[str, str]]:
    from vroegsignaal.storage.tables import BatchLevering

    engine = create_engine(url)
    with Session(engine) as s:
        rows = {r.id: (r.schuldeiser, r.bestandsnaam) for r in s.scalars(select(BatchLevering))}
    engine.dispose()
    return rows
