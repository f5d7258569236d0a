# SPDX-License-Identifier: EUPL-1.2
"""Faults on the real services: a broker restart and a 30-second database outage mid-stream
lose nothing and store nothing twice. Each test owns the service it breaks."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.integration.streaming.conftest import OwnService
from tests.integration.streaming.streaming_helpers import (
    ConsumerProcess,
    Message,
    Progress,
    assert_consistent,
    db_state,
    dead_letter_sources,
    free_port,
    metric,
    new_settings,
    our_failures,
    produce,
    scrape,
    taken_in,
    wait_until,
)

pytestmark = pytest.mark.integration


def test_broker_restart_mid_stream_loses_nothing(
    own_kafka: OwnService, pg_url: str, synthetic_messages: list[Message], tmp_path: Path
) -> None:
    settings = new_settings(own_kafka.address, partitions=4)
    first, second = synthetic_messages[:10_000], synthetic_messages[10_000:20_000]
    produce(settings, first)
    proc = ConsumerProcess.start(settings, pg_url, tmp_path / "consume.log", "--batch-size", "2000")
    progress = Progress(settings, pg_url)
    try:
        wait_until(lambda: progress.batches() > 0, timeout=120, what="the first batch")
        own_kafka.stop()  # a clean broker shutdown, mid-stream
        time.sleep(3)
        assert proc.alive(), proc.log()[-3000:]
        own_kafka.start()
        produce(settings, second)  # the creditors carry on after the restart
        progress.close()
        progress = Progress(settings, pg_url)  # the test's own client reconnects afresh
        wait_until(lambda: progress.committed() >= 20_000, timeout=180, interval=0.5,
                   what=f"all offsets after the restart\n{proc.log()[-3000:]}")
        assert proc.stop() == 0
    finally:
        progress.close()
        proc.ensure_gone()
    state = db_state(pg_url)
    assert_consistent(state)
    assert taken_in(state, dead_letter_sources(settings)) == 20_000
    assert our_failures(proc.log()) == []


def test_database_outage_pauses_and_resumes_without_loss(
    own_postgres: OwnService,
    kafka_bootstrap: str,
    synthetic_messages: list[Message],
    tmp_path: Path,
) -> None:
    from vroegsignaal.storage.seed import prepare_database

    url = own_postgres.address
    prepare_database(url)
    settings = new_settings(kafka_bootstrap, partitions=4)
    produce(settings, synthetic_messages[:20_000])
    port = free_port()
    proc = ConsumerProcess.start(settings, url, tmp_path / "consume.log", "--batch-size", "2000",
                                 "--metrics-port", str(port))
    progress = Progress(settings, url)
    try:
        wait_until(lambda: progress.batches() > 0, timeout=120, what="the first batch")
        progress.engine.dispose()
        own_postgres.stop()
        down = time.monotonic()
        wait_until(lambda: metric(scrape(port), "vroegsignaal_kafka_consumer_paused") == 1,
                   timeout=20, what="the consumer to pause")
        before = scrape(port)
        time.sleep(max(0.0, 30 - (time.monotonic() - down)))
        during = scrape(port)
        assert proc.alive()
        # Paused: nothing taken in, the backlog waits in Kafka, retries are counted.
        assert metric(during, "vroegsignaal_kafka_consumer_paused") == 1
        assert metric(during, "vroegsignaal_kafka_records_total") == metric(
            before, "vroegsignaal_kafka_records_total")
        assert metric(during, "vroegsignaal_kafka_consumer_lag") > 0
        assert metric(during, "vroegsignaal_kafka_retries_total", oorzaak="database") >= 1
        own_postgres.start()
        outage = time.monotonic() - down
        wait_until(lambda: progress.committed() >= 20_000, timeout=180, interval=0.5,
                   what=f"all offsets after the outage\n{proc.log()[-3000:]}")
        after = scrape(port)
        assert metric(after, "vroegsignaal_kafka_consumer_paused") == 0
        assert proc.stop() == 0
    finally:
        progress.close()
        proc.ensure_gone()
    assert outage >= 30
    state = db_state(url)
    assert_consistent(state)
    assert taken_in(state, dead_letter_sources(settings)) == 20_000
    assert "database unavailable; pausing" in proc.log()
    assert our_failures(proc.log()) == []
