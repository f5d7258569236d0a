# SPDX-License-Identifier: EUPL-1.2
"""What a creditor hears after a worker's move reaches the real Kafka feedback topic: from
the outbox written in the move's transaction, right after commit, exactly the coarse
status (never the reason behind "Niet opgepakt: andere reden"); also from the API as
`vroegsignaal serve` runs it, after a real login."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import orjson
import pytest
from kafka import KafkaConsumer, KafkaProducer
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cli import app
from streaming.case_feedback import publish_pending, subscribe_after_commit
from tests.accounts import PASSWORD
from tests.casework import World, build_world, new_zaak
from tests.live_server import ROOT, free_loopback_socket
from vroegsignaal.accounts.sessions import COOKIE_NAME
from vroegsignaal.cases.assignment import claim
from vroegsignaal.cases.closing import close
from vroegsignaal.config import get_settings
from vroegsignaal.contract.enums import Eindresultaat
from vroegsignaal.events import EventBus
from vroegsignaal.storage.db import session_factory
from vroegsignaal.storage.seed import prepare_database
from vroegsignaal.storage.tables import Signaal, Terugkoppeling

pytestmark = pytest.mark.integration


def test_pick_up_and_closing_reach_the_feedback_topic(
    kafka_bootstrap: str, new_kafka_topic, pg_url: str, pg_session: Session, world: World  # type: ignore[no-untyped-def]
) -> None:
    topic = new_kafka_topic()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    bus = EventBus()
    stop = subscribe_after_commit(session_factory(pg_url), producer, topic, bus=bus)
    zaak_id = new_zaak(pg_session)
    worker = world.principal(pg_session, "schuldhulpverlener")
    claim(pg_session, worker, zaak_id, bus=bus)
    close(pg_session, worker, zaak_id, Eindresultaat.GEEN_INWONER, bus=bus)
    stop()
    assert publish_pending(pg_session, producer, topic) == 0, "all sent after commit"
    producer.close()
    signal_id = pg_session.execute(select(Signaal.signaal_id)).scalar_one()
    consumer = KafkaConsumer(topic, bootstrap_servers=kafka_bootstrap,
                             auto_offset_reset="earliest", consumer_timeout_ms=10_000)
    told = [orjson.loads(r.value) for r in consumer]
    consumer.close()
    assert [(m["signaalId"], m["status"]) for m in told] == [
        (signal_id, "Opgepakt"), (signal_id, "Niet opgepakt: andere reden")]
    assert all(r is not None for r in pg_session.execute(
        select(Terugkoppeling.verzonden_op)).scalars())


def test_the_command_sends_what_no_process_sent(
    kafka_bootstrap: str, new_kafka_topic, pg_url: str, pg_session: Session, world: World,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A move committed with nobody subscribed waits in the outbox until `vroegsignaal
    terugkoppeling` sends it; a second run sends nothing again."""
    topic = new_kafka_topic()
    zaak_id = new_zaak(pg_session)
    claim(pg_session, world.principal(pg_session, "schuldhulpverlener"), zaak_id,
          bus=EventBus())
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", pg_url)
    get_settings.cache_clear()
    args = ["terugkoppeling", "--bootstrap-servers", kafka_bootstrap, "--topic", topic]
    try:
        first = CliRunner().invoke(app, args)
        again = CliRunner().invoke(app, args)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert first.exit_code == 0 and first.output.startswith("1 terugkoppelingen"), first.output
    assert again.exit_code == 0 and again.output.startswith("0 terugkoppelingen"), again.output
    consumer = KafkaConsumer(topic, bootstrap_servers=kafka_bootstrap,
                             auto_offset_reset="earliest", consumer_timeout_ms=10_000)
    told = [orjson.loads(r.value)["status"] for r in consumer]
    consumer.close()
    assert told == ["Opgepakt"]


def test_the_served_api_tells_the_creditor_right_after_a_pick_up(
    kafka_bootstrap: str, new_kafka_topic: Callable[[], str],
    new_postgres_database: Callable[[], str], tmp_path: Path,
) -> None:
    """`vroegsignaal serve` wires the after-commit sending (cli/serve.py): a worker who
    logs in and claims a zaak makes "Opgepakt" reach the feedback topic, and the outbox
    row is marked sent, without `vroegsignaal terugkoppeling`."""
    url = new_postgres_database()
    prepare_database(url)
    topic = new_kafka_topic()
    with session_factory(url)() as s:
        build_world(s, passwords=True)
        zaak_id = new_zaak(s)
        signal_id = s.execute(select(Signaal.signaal_id)).scalar_one()
    sock = free_loopback_socket()
    port = sock.getsockname()[1]
    sock.close()  # uvicorn binds it itself
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VROEGSIGNAAL_DATABASE_URL": url,
           "VROEGSIGNAAL_TOTP_REQUIRED": "false",
           "VROEGSIGNAAL_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
           "VROEGSIGNAAL_KAFKA_FEEDBACK_TOPIC": topic}
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", "from cli import main; main()", "serve", "--port",
             str(port), "--workers", "1"],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        _await_ready(base, process, log_path)
        login = httpx.post(f"{base}/sessies", timeout=30,
                           json={"gebruikersnaam": "schuldhulpverlener", "wachtwoord": PASSWORD})
        assert login.status_code == 201, login.text
        # The cookie is Secure: a client on http:// would not send it back by itself.
        headers = {"Cookie": f"{COOKIE_NAME}={login.cookies[COOKIE_NAME]}",
                   "X-CSRF-Token": login.json()["csrfToken"]}
        claimed = httpx.post(f"{base}/zaken/{zaak_id}/toewijzing-aan-mij", headers=headers,
                             json={}, timeout=30)
        assert claimed.status_code == 200, claimed.text
        consumer = KafkaConsumer(topic, bootstrap_servers=kafka_bootstrap,
                                 auto_offset_reset="earliest", consumer_timeout_ms=60_000)
        first = next(iter(consumer))
        consumer.close()
        assert orjson.loads(first.value)["signaalId"] == signal_id
        assert orjson.loads(first.value)["status"] == "Opgepakt"
        deadline = time.monotonic() + 30
        sent = None
        while time.monotonic() < deadline:
            with session_factory(url)() as s:
                sent = s.execute(select(Terugkoppeling.verzonden_op)).scalar_one()
            if sent is not None:
                break
            time.sleep(0.2)
        assert sent is not None, "the outbox row was sent but not marked"
    finally:
        process.terminate()
        process.wait(timeout=60)
    # A clean stop: the sender's thread and producer ended within the wait (uvicorn exits
    # by the SIGTERM it received, after its shutdown).
    assert "Application shutdown complete" in log_path.read_text(errors="replace")


def _await_ready(base: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/health/ready", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(log_path.read_text(errors="replace"))
