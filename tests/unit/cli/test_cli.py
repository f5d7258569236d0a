# SPDX-License-Identifier: EUPL-1.2
"""The command line: generate, ingest (JSONL and CSV) and the demo, on SQLite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from vroegsignaal.config import get_settings

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_generate_then_ingest_jsonl_and_csv(workdir: Path) -> None:
    _ok(["db", "upgrade"])
    _ok(["generate", "s.jsonl", "-g", "GM0193", "--maanden", "2", "--seed", "3"])
    _ok(["generate", "s.csv", "-g", "GM0193", "--maanden", "2", "--seed", "3"])
    lines = len(Path("s.jsonl").read_text().splitlines())
    out = _ok(["ingest", "s.jsonl", "--ontvangen-op", "signaaldatum", "--zonder-bestandscontrole"])
    assert f"Ontvangen: {lines}" in out and "Zwolle" not in out  # ingest prints codes
    assert "GM0193" in out and "OPGEPAKT" in out
    # The CSV holds the same signals: everything is a replay now.
    out = _ok(["ingest", "s.csv", "--ontvangen-op", "signaaldatum", "--zonder-bestandscontrole"])
    assert "OPGEPAKT" not in out and "DUPLICAAT" in out


def test_demo_prints_counts(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VROEGSIGNAAL_DATABASE_URL")
    out = _ok(["demo", "-g", "GM0193", "--maanden", "3"])
    for heading in ("Per gemeente", "Per signaalpartner", "Per reden", "Zaken per zaaktype"):
        assert heading in out
    assert (workdir / "var" / "vroegsignaal.sqlite3").exists()
    assert os.environ.get("VROEGSIGNAAL_ENV") == "test"  # the demo never overrides settings


def test_unknown_file_type_is_a_clear_error(workdir: Path) -> None:
    _ok(["db", "upgrade"])
    Path("s.txt").write_text("x\n")
    result = runner.invoke(app, ["ingest", "s.txt"])
    assert result.exit_code == 2
    assert "s.txt: use one of .jsonl, .csv" in result.output


def test_keys_generate() -> None:
    out = _ok(["keys", "generate"])
    assert "VROEGSIGNAAL_ENCRYPTION_KEY=k1:" in out and "VROEGSIGNAAL_HMAC_KEY=" in out


def test_generate_writes_one_valid_file_per_schuldeiser_into_an_inbox(workdir: Path) -> None:
    import pandas as pd

    from batch.folders import BatchFolders, find_deliveries
    from batch.frame import iter_file_frames
    from batch.rule import Grond, decide
    from batch.suites import SuiteRunner
    from batch.validation import validate_frames
    from vroegsignaal.contract.io import read_records

    out = _ok(["generate", "--inbox", "inbox", "-g", "GM0193", "--maanden", "1", "--seed", "2"])
    assert "Geleverd in inbox" in out
    found = find_deliveries(BatchFolders(workdir / "inbox", workdir), min_age_seconds=0)
    assert len(found) > 5 and not list((workdir / "inbox").rglob("*.part"))
    assert len({d.schuldeiser for d in found}) == len(found), "one file per schuldeiser"
    for delivery in found:  # each file holds its folder's signals only
        names = {r.data["schuldeiser"] for r in read_records(delivery.path) if r.data}
        assert names == {delivery.schuldeiser}
    # Every row passes the batch-file checks (one Great Expectations run over all files).
    frame = pd.concat([f for d in found for f in iter_file_frames(d.path)])
    validation = validate_frames(
        [frame],
        SuiteRunner.load("batch_intake_signalen"),
        {"schuldeisers": [d.schuldeiser for d in found]},
    )
    verdict = decide(validation, max_invalid_fraction=0.01)
    assert verdict.grond is Grond.ALLES_GELDIG, validation.failed
    with_errors = workdir / "fout"
    _ok(["generate", "--inbox", str(with_errors), "-g", "GM0193", "--maanden", "1",
         "--seed", "2", "--met-fouten"])  # fmt: skip
    assert sum(1 for _ in with_errors.rglob("*.csv")) == len(found)


def test_generate_needs_a_file_or_an_inbox(workdir: Path) -> None:
    result = runner.invoke(app, ["generate", "-g", "GM0193"])
    assert result.exit_code == 2 and "give an output file or --inbox" in result.output


def test_keys_for_a_kafka_sender_are_usable() -> None:
    import json

    from streaming.sender import decode_keys

    out = _ok(["keys", "schuldeiser", "WBV-DE-LINIE"])
    entry = json.loads(out.split("VROEGSIGNAAL_KAFKA_SENDER_KEYS entry: ")[1])
    assert len(decode_keys(entry)["WBV-DE-LINIE"]) == 32


def test_ingest_applies_the_batch_file_rule_of_the_dag(workdir: Path) -> None:
    """Same rule as a delivered file (docs/batch-intake.md): whole file, ingest or quarantine."""
    from sqlalchemy import create_engine, func, select

    from tests.factories import signaal
    from vroegsignaal.contract.io import write_jsonl
    from vroegsignaal.storage.tables import Signaal

    _ok(["db", "upgrade"])
    own = [signaal(signaalId=f"OWN-{i}", client__huisnummer=str(i + 1)) for i in range(3)]
    write_jsonl("eigen.jsonl", own)
    write_jsonl("gemengd.jsonl", [*own, signaal(schuldeiser="ANDER")])
    result = runner.invoke(app, ["ingest", "eigen.jsonl"])
    assert result.exit_code == 2 and "--zonder-bestandscontrole" in result.output
    out = _ok(["ingest", "eigen.jsonl", "--schuldeiser", "WBV-TEST"])
    assert "Bestandscontrole: innemen" in out and "OPGEPAKT" in out
    assert (workdir / "eigen.jsonl.rapport" / "rapport.md").is_file()
    result = runner.invoke(app, ["ingest", "gemengd.jsonl", "--schuldeiser", "WBV-TEST",
                                 "--rapport", "r2"])
    assert result.exit_code == 1 and "quarantaine" in result.output
    engine = create_engine(f"sqlite:///{workdir}/cli.sqlite3")
    with engine.connect() as conn:  # the quarantined file added nothing
        assert conn.execute(select(func.count()).select_from(Signaal)).scalar_one() == 3
    engine.dispose()
