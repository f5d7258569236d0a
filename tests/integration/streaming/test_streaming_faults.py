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



def test_unacknowledged_feedback_holds_the_batch_without_running_it_again(
    own_kafka: OwnService, pg_url: str
) -> None:
    """The broker goes away after the database commit and before the feedback is
    acknowledged (the pipeline is held up in the database to make the window). After its
    limited rounds the consumer pauses and holds the batch: readiness fails, nothing is
    committed, and the pipeline is not run again. With the broker back, the held feedback
    is delivered once and the offsets are committed."""
    import sqlalchemy as sa

    from tests.integration.streaming.streaming_helpers import (
        ConsumerThread,
        read_all,
        signal_messages,
    )

    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as c:
        c.execute(sa.text(
            "CREATE FUNCTION traag() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.signaal_id = 'HOUD-2' THEN PERFORM pg_sleep(4); END IF; "
            "RETURN NEW; END $$"))
        c.execute(sa.text("CREATE TRIGGER traag BEFORE INSERT ON signaal "
                          "FOR EACH ROW EXECUTE FUNCTION traag()"))
    settings = new_settings(own_kafka.address, partitions=1, publish_timeout_s=3,
                            db_backoff_max_s=2)
    produce(settings, signal_messages("HOUD", 3))

    def sleeping() -> bool:
        with engine.connect() as c:
            return bool(c.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%signaal%' "
                "AND wait_event = 'PgSleep'")).scalar_one())

    with ConsumerThread(settings, pg_url) as run:
        wait_until(sleeping, timeout=60, interval=0.05, what="the batch inside the database")
        own_kafka.stop()
        wait_until(lambda: "publiceren-mislukt" in run.consumer.health.reasons(), timeout=90,
                   what="the consumer holding the batch")
        assert run.consumer.metrics.paused._value.get() == 1
        assert run.consumer.metrics.retries.labels("publiceren")._value.get() == 1
        time.sleep(3)  # backoff rounds while held
        own_kafka.start()
        with Progress(settings, pg_url) as progress:
            wait_until(lambda: progress.committed() >= 3, timeout=120,
                       what="offsets committed once the broker is back")
            assert progress.batches() == 1  # the pipeline ran once
        assert run.consumer.health.ready()
    engine.dispose()
    feedback = [r.value for r in read_all(settings, settings.feedback_topic)]
    assert len(feedback) == 3  # once each: nothing acknowledged was sent again
