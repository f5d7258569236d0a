# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal send` and `vroegsignaal topics` against the real broker."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from kafka.admin import ConfigResource, ConfigResourceType
from typer.testing import CliRunner

from cli import app
from streaming.settings import DAY_MS
from streaming.topics import admin_client
from tests.factories import signaal
from tests.integration.streaming.streaming_helpers import new_settings, read_all
from vroegsignaal.contract.io import write_csv, write_jsonl

pytestmark = pytest.mark.integration


def _env(settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        "VROEGSIGNAAL_KAFKA_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
        "VROEGSIGNAAL_KAFKA_INTAKE_TOPIC": settings.intake_topic,
        "VROEGSIGNAAL_KAFKA_FEEDBACK_TOPIC": settings.feedback_topic,
        "VROEGSIGNAAL_KAFKA_DEAD_LETTER_TOPIC": settings.dead_letter_topic,
    }


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_send_keys_by_municipality_and_summarises(
    kafka_bootstrap: str, tmp_path: Path, suffix: str
) -> None:
    settings = new_settings(kafka_bootstrap, partitions=6)
    messages = [signaal(signaalId=f"S-{i}", client__postcode=pc)
                for i, pc in enumerate(["3511 AB", "8011 AA", "9711 AA", "0000 XX"] * 5)]
    path = tmp_path / f"signalen{suffix}"
    (write_jsonl if suffix == ".jsonl" else write_csv)(path, messages)
    with path.open("a", encoding="utf-8") as fh:  # one line that can never be a message
        fh.write("{kapot\n" if suffix == ".jsonl" else "te,weinig,kolommen\n")
    result = CliRunner().invoke(app, ["send", str(path)], env=_env(settings))
    assert result.exit_code == 0, result.output
    assert "verzonden" in result.output and "20" in result.output
    assert "ONGELDIGE_JSON" in result.output or "ONGELDIGE_CSV_RIJ" in result.output
    assert "Onleesbare regels: 21" in result.output or "Onleesbare regels: 22" in result.output

    records = read_all(settings, settings.intake_topic)
    assert len(records) == 20
    keys = {orjson.loads(r.value)["client"]["postcode"]: r.key for r in records}
    assert keys == {"3511 AB": b"GM0344", "8011 AA": b"GM0193", "9711 AA": b"GM0014",
                    "0000 XX": b"onbekend"}
    # One municipality, one partition: a household's signals stay in order.
    by_key: dict[bytes, set[int]] = {}
    for r in records:
        by_key.setdefault(r.key, set()).add(r.partition)
    assert all(len(p) == 1 for p in by_key.values())
    assert {orjson.loads(r.value)["signaalId"] for r in records} == {f"S-{i}" for i in range(20)}


def test_topics_command_creates_then_updates(kafka_bootstrap: str) -> None:
    settings = new_settings(kafka_bootstrap, partitions=3)  # creates them
    env = {**_env(settings), "VROEGSIGNAAL_KAFKA_PARTITIONS": "3",
           "VROEGSIGNAAL_KAFKA_FEEDBACK_PARTITIONS": str(settings.feedback_partitions),
           "VROEGSIGNAAL_KAFKA_DEAD_LETTER_RETENTION_DAYS": "3"}
    result = CliRunner().invoke(app, ["topics"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.count("bijgewerkt") == 3
    admin = admin_client(settings)
    try:
        configs = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, settings.dead_letter_topic)]
        )
    finally:
        admin.close()
    text = repr(configs)
    assert str(3 * DAY_MS) in text  # the retention was corrected in place
    # Too few partitions is reported, never "fixed" by hand-waving.
    env["VROEGSIGNAAL_KAFKA_PARTITIONS"] = "6"
    result = CliRunner().invoke(app, ["topics"], env=env)
    assert result.exit_code == 1
    assert f"Te weinig partities: {settings.intake_topic}" in result.output
