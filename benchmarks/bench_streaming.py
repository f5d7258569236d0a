# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: the Kafka door on the real broker and PostgreSQL (issue 3).

In one run:
  (a) raw kafka-python consumption of N messages from the intake topic;
  (b) the full streaming intake of the same N messages into PostgreSQL (IntakeConsumer,
      as `vroegsignaal consume --workers W` runs it), and the ratio b / a;
  (c) the time from produce to visible queue item at a steady 200 signals per second;
  (d) for the door's overhead: the file intake of the same file with as many processes
      (batch.files.ingest_file_parallel), in the same run.
Writes benchmarks/results/streaming.json, or streaming-<codec>.json with
`--compression` (the creditor's producer compresses; the consumer decompresses).
Targets on a 2-core machine: >= 10,000 signals/s end to end, p99 < 1 s, < 300 MB per consumer.

    .venv/bin/python benchmarks/bench_streaming.py [--signals 100000] [--workers 2]
        [--compression lz4]

Services: $VROEGSIGNAAL_BENCH_KAFKA_BOOTSTRAP and $VROEGSIGNAAL_BENCH_DATABASE_URL (a server
URL; fresh databases are created on it), else scripts/services/{kafka,postgres}.sh.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"
CACHE = ROOT / "var" / "bench"
SERVICES = ROOT / "scripts" / "services"
_CREATED: dict[str, list[Any]] = {"databases": [], "topics": []}  # removed at the end


def _service(name: str, env_var: str, print_cmd: str) -> str:
    value = os.environ.get(env_var)
    if value:
        return value
    script = SERVICES / f"{name}.sh"
    subprocess.run(["bash", str(script), "start"], check=True, capture_output=True)
    return subprocess.run(["bash", str(script), print_cmd], check=True, capture_output=True,
                          text=True).stdout.strip()


def _fresh_database(server_url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from vroegsignaal.storage.seed import prepare_database

    name = f"bench_stream_{uuid.uuid4().hex[:10]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    _CREATED["databases"].append((server_url, name))
    prepare_database(url)
    return url


def _signal_file(n: int, seed: int) -> Path:
    """Generate (once, cached) a file of n calibrated synthetic signals, all municipalities."""
    from itertools import islice

    from synthetic import all_gemeentecodes, generate_signals
    from vroegsignaal.contract.io import write_jsonl
    from vroegsignaal.dates import add_months, month_start, today

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"streaming-signals-{n}-seed{seed}.jsonl"
    if not path.exists():
        months = max(1, -(-n // 60_000))
        records = generate_signals(
            gemeenten=all_gemeentecodes(),
            start=add_months(month_start(today()), -months - 9),
            months=months,
            seed=seed,
        )
        tmp = path.with_suffix(".tmp")
        write_jsonl(tmp, islice(records, n))
        tmp.rename(path)
    return path


LOAD_AT_START = [round(x, 2) for x in os.getloadavg()]
_CREDITOR = {"compression_type": None}  # the creditor producer's codec (--compression)


def _creditor_config(settings: Any) -> dict[str, Any]:
    """The benchmark creditor's producer: the door's settings with the chosen codec."""
    return {**settings.producer_config(), **_CREDITOR}


def _settings(bootstrap: str, **overrides: Any) -> Any:
    from streaming.settings import StreamingSettings
    from streaming.topics import ensure_topics

    tag = uuid.uuid4().hex[:8]
    s = StreamingSettings(
        bootstrap_servers=bootstrap,
        sender_keys=_sender_keys(),
        intake_topic=f"bench-{tag}.signalen",
        feedback_topic=f"bench-{tag}.terugkoppeling",
        dead_letter_topic=f"bench-{tag}.dlq",
        group_id=f"bench-{tag}",
        **overrides,
    )
    ensure_topics(s)
    _CREATED["topics"].append(s)
    return s


def _sender_keys() -> dict[str, str]:
    """A sender key per creditor of the synthetic data (ADR 0017): the benchmark sends as
    each of them, as `vroegsignaal send` does for a creditor, and the consumers check."""
    import base64
    import hashlib

    from synthetic.creditors import SCHULDEISER_CODES

    return {
        code: base64.b64encode(hashlib.sha256(f"bench:{code}".encode()).digest()).decode()
        for code in (*SCHULDEISER_CODES, "BENCH-WBV")
    }


def _signed(settings: Any, value: bytes, code: str) -> list[tuple[str, bytes]]:
    from streaming.sender import decode_keys, sender_headers

    return sender_headers(code, decode_keys(settings.sender_keys)[code], value)


def _clean_up() -> None:
    """Drop the benchmark's databases and topics: 100,000 signals each, on shared services."""
    from sqlalchemy import create_engine, text

    from streaming.topics import admin_client

    for server_url, name in _CREATED["databases"]:
        engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
    for s in _CREATED["topics"]:
        admin = admin_client(s)
        admin.delete_topics([s.intake_topic, s.feedback_topic, s.dead_letter_topic])
        admin.close()


def _committed(admin: Any, settings: Any) -> int:
    from streaming.topics import committed_total

    return committed_total(admin, settings.group_id, settings.intake_topic)


# -- (a) raw kafka-python ------------------------------------------------------------


def raw_consumption(settings: Any, n: int) -> dict[str, Any]:
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(
        settings.intake_topic, **settings.client_config(), group_id=f"{settings.group_id}-raw",
        enable_auto_commit=False, auto_offset_reset="earliest",
        max_poll_records=settings.batch_size,
        max_partition_fetch_bytes=8 * 1024 * 1024, fetch_max_bytes=64 * 1024 * 1024,
    )
    count, first = 0, None
    deadline = time.monotonic() + 300
    while count < n and time.monotonic() < deadline:
        for recs in consumer.poll(timeout_ms=1000, max_records=settings.batch_size).values():
            if first is None:
                first = time.perf_counter()
            count += len(recs)
    seconds = time.perf_counter() - (first or time.perf_counter())
    consumer.close()
    return {"records": count, "seconds": round(seconds, 3),
            "records_per_second": round(count / seconds) if seconds else None}


# -- consumer workers (b, c) ---------------------------------------------------------


def _peak_rss_mb() -> float:
    """This process's own peak resident set (VmHWM). Not ru_maxrss: that survives execve,
    so a spawned worker would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _worker(
    settings_data: dict[str, Any], url: str, stop: Any, out: Any, index: int, assigned: Any
) -> None:
    import logging

    from streaming.consumer import BatchReport, IntakeConsumer
    from streaming.settings import StreamingSettings

    class _Reporting(IntakeConsumer):
        """Tells the benchmark how many partitions it holds (to start on a formed group)."""

        def _assignment_after(self, tps: Any) -> Any:
            now = super()._assignment_after(tps)
            assigned[index] = len(now)
            return now

        def _forget(self, tps: Any) -> None:
            super()._forget(tps)
            assigned[index] = len(self._assigned)

    logging.basicConfig(level=logging.WARNING)
    span = {"start": None, "end": None, "records": 0, "batches": 0}

    def on_batch(report: BatchReport) -> None:
        now = time.time()
        start = now - report.seconds
        span["start"] = start if span["start"] is None else min(span["start"], start)
        span["end"] = now
        span["records"] += report.records
        span["batches"] += 1

    settings = StreamingSettings(**settings_data)
    _Reporting(settings, database_url=url, stop=stop, on_batch=on_batch).run()
    span["peak_rss_mb"] = _peak_rss_mb()
    span["index"] = index
    out.put(span)


def _start_workers(settings: Any, url: str, workers: int) -> tuple[Any, Any, list[Any]]:
    """Start the consumer processes and return once the group has formed: every worker
    holds partitions and all partitions are held, for a second on end."""
    ctx = mp.get_context("spawn")
    stop, out = ctx.Event(), ctx.Queue()
    assigned = ctx.Array("i", workers)
    procs = [ctx.Process(target=_worker,
                         args=(settings.model_dump(), url, stop, out, i, assigned))
             for i in range(workers)]
    for p in procs:
        p.start()
    deadline, stable_since = time.monotonic() + 120, None
    while time.monotonic() < deadline:
        counts = list(assigned)
        formed = all(c > 0 for c in counts) and sum(counts) == settings.partitions
        stable_since = (stable_since or time.monotonic()) if formed else None
        if stable_since and time.monotonic() - stable_since >= 1.0:
            break
        time.sleep(0.05)
    else:
        raise RuntimeError(f"consumer group did not form: {list(assigned)}")
    return stop, out, procs


def _stop_workers(stop: Any, out: Any, procs: list[Any]) -> list[dict[str, Any]]:
    stop.set()
    spans = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return sorted(spans, key=lambda s: s["index"])


def streaming_intake(settings: Any, url: str, path: Path, n: int, workers: int
                     ) -> tuple[dict[str, Any], Any]:
    """(b): the group forms on the empty topic; the N messages are produced in one Kafka
    transaction and become visible to the (read_committed) consumers at its commit, so the
    clock runs from "N messages waiting" to the last offset commit, with no producer
    competing for the CPU and no group formation inside the measurement."""
    from kafka import KafkaProducer

    from streaming.producer import send_file
    from streaming.topics import admin_client

    stop, out, procs = _start_workers(settings, url, workers)
    producer = KafkaProducer(**_creditor_config(settings), client_id="bench-creditor",
                             transactional_id=f"{settings.group_id}-tx",
                             transaction_timeout_ms=300_000)
    producer.init_transactions()
    producer.begin_transaction()
    sent = send_file(path, settings=settings, producer=producer)
    visible = time.time()
    producer.commit_transaction()
    producer.close(timeout=30)
    admin = admin_client(settings)
    deadline = time.monotonic() + 900
    while _committed(admin, settings) < n and time.monotonic() < deadline:
        time.sleep(0.1)
    admin.close()
    spans = _stop_workers(stop, out, procs)
    end = max(s["end"] for s in spans if s["end"])
    first = min(s["start"] for s in spans if s["start"])
    records = sum(s["records"] for s in spans)
    return {
        "records": records,
        "seconds": round(end - visible, 3),
        "records_per_second": round(n / (end - visible)),
        "seconds_first_poll_to_last_commit": round(end - first, 3),
        "workers": [{k: s[k] for k in ("index", "records", "batches", "peak_rss_mb")}
                    for s in spans],
    }, sent


# -- (c) latency at a steady rate ----------------------------------------------------


def _fresh_households(n: int, salt: str) -> list[dict[str, Any]]:
    """Accepted signals, each for a new household, spread over 20 municipalities."""
    from vroegsignaal.dates import today
    from vroegsignaal.reference import load_reference

    pc4s = sorted(load_reference().pc4_gemeente.items(), key=lambda kv: kv[1])[::150][:20]
    day = today()
    return [
        {
            "berichtversie": "1.0", "signaalId": f"L-{salt}-{i:06d}", "schuldeiser": "BENCH-WBV",
            "signaalpartner": "Huur", "klantreferentie": f"K-{salt}-{i}", "bedrag": 900,
            "ontstaansdatum": (day - dt.timedelta(days=45)).isoformat(),
            "signaaldatum": day.isoformat(), "crisissignaal": False, "warmeOverdracht": False,
            "bezwaar": False,
            "client": {
                "voorletters": "B.", "achternaam": "Benchmark", "geboortedatum": "1980-01-01",
                "straatnaam": "Meetstraat", "huisnummer": str(i + 1),
                "postcode": f"{pc4s[i % len(pc4s)][0]} BM", "woonplaats": "Meetstad",
            },
        }
        for i in range(n)
    ]


def latency(settings: Any, url: str, rate: float, seconds: float, workers: int) -> dict[str, Any]:
    import orjson
    from kafka import KafkaProducer
    from sqlalchemy import create_engine, text

    from streaming.keys import gemeente_key

    n = int(rate * seconds)
    salt = uuid.uuid4().hex[:6]
    messages = _fresh_households(n + 1, salt)
    producer = KafkaProducer(**_creditor_config(settings), client_id="bench-creditor")
    engine = create_engine(url)
    seen: dict[str, float] = {}
    observing = threading.Event()

    def observe() -> None:
        # Ask for the signals still in flight (not "ids above a watermark": two workers
        # commit out of id order, so a watermark skips rows).
        query = text("SELECT s.signaal_id FROM signaal s "
                     "JOIN werkvoorraad_item w ON w.zaak_id = s.zaak_id "
                     "WHERE s.schuldeiser = 'BENCH-WBV' AND s.signaal_id = ANY(:ids)")
        with engine.connect() as conn:
            while observing.is_set():
                pending = [s for s in list(sent) if s not in seen] + [warm["signaalId"]]
                rows = conn.execute(query, {"ids": pending}).scalars().all()
                conn.commit()
                now = time.time()
                for sid in rows:
                    seen.setdefault(sid, now)
                time.sleep(0.005)

    sent: dict[str, float] = {}
    warm = messages.pop()
    stop, out, procs = _start_workers(settings, url, workers)
    observing.set()
    watcher = threading.Thread(target=observe, daemon=True)
    watcher.start()
    # Warm-up: the first signal waits for the group to form; it is not measured.
    value = orjson.dumps(warm)
    producer.send(settings.intake_topic, key=gemeente_key(warm).encode(), value=value,
                  headers=_signed(settings, value, warm["schuldeiser"]))
    producer.flush()
    deadline = time.monotonic() + 120
    while warm["signaalId"] not in seen and time.monotonic() < deadline:
        time.sleep(0.05)
    interval = 1.0 / rate
    t_next = time.perf_counter()
    for msg in messages:
        delay = t_next - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sent[msg["signaalId"]] = time.time()  # before send: includes the client's own time
        value = orjson.dumps(msg)
        producer.send(settings.intake_topic, key=gemeente_key(msg).encode(), value=value,
                      headers=_signed(settings, value, msg["schuldeiser"]))
        t_next += interval
    producer.flush()
    deadline = time.monotonic() + 60
    while len([s for s in sent if s in seen]) < len(sent) and time.monotonic() < deadline:
        time.sleep(0.05)
    observing.clear()
    watcher.join(timeout=5)
    spans = _stop_workers(stop, out, procs)
    producer.close()
    engine.dispose()
    lat = sorted(seen[s] - t for s, t in sent.items() if s in seen)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [float("nan")] * 99
    return {
        "rate_per_second": rate,
        "sent": len(sent),
        "seen_as_queue_item": len(lat),
        "p50_seconds": round(q[49], 4),
        "p95_seconds": round(q[94], 4),
        "p99_seconds": round(q[98], 4),
        "max_seconds": round(lat[-1], 4) if lat else None,
        "workers": [{k: s[k] for k in ("index", "records", "batches", "peak_rss_mb")}
                    for s in spans],
        "method": "send time (wall clock, before producer.send) to the first database poll "
                  "(every 5 ms) that shows the signal's werkvoorraad_item; one new household "
                  "per signal, 20 municipalities, producer linger 5 ms",
    }


def _file_worker(index: int, workers: int, path: str, url: str, batch_size: int,
                 barrier: Any, out: Any) -> None:
    from batch.files import ingest_file
    from vroegsignaal.reference import load_reference
    from vroegsignaal.scoring import default_scorer
    from vroegsignaal.storage.db import session_scope

    load_reference()
    default_scorer()  # the same warm-up as the consumer's
    barrier.wait()
    started = time.time()
    with session_scope(url) as session:
        totals = ingest_file(Path(path), session=session, source="benchmark",
                             batch_size=batch_size, partition=(index, workers))
    out.put((started, time.time(), totals.ontvangen, _peak_rss_mb()))


def file_intake(path: Path, url: str, workers: int, batch_size: int) -> dict[str, Any]:
    """The file door's workers (ingest_file on one address partition each), timed after the
    same warm-up as the consumers: the pipeline without Kafka."""
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(workers), ctx.Queue()
    procs = [ctx.Process(target=_file_worker,
                         args=(i, workers, str(path), url, batch_size, barrier, out))
             for i in range(workers)]
    for p in procs:
        p.start()
    parts = [out.get(timeout=900) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    records = sum(p[2] for p in parts)
    seconds = max(p[1] for p in parts) - min(p[0] for p in parts)
    return {"records": records, "seconds": round(seconds, 3),
            "records_per_second": round(records / seconds),
            "peak_rss_mb": [p[3] for p in parts]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--signals", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--partitions", type=int, default=24)  # the topic default
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--latency-seconds", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rule", action="store_true",
                        help="score with the transparent rule instead of a promoted model")
    parser.add_argument("--compression", default="none",
                        choices=["none", "gzip", "snappy", "lz4", "zstd"],
                        help="codec of the creditor's producer (the messages on the topic)")
    args = parser.parse_args()
    _CREDITOR["compression_type"] = None if args.compression == "none" else args.compression

    os.environ.setdefault("VROEGSIGNAAL_ENV", "development")
    from benchmarks.promoted_model import scorer_setup

    scoring = scorer_setup(args.rule)

    bootstrap = _service("kafka", "VROEGSIGNAAL_BENCH_KAFKA_BOOTSTRAP", "bootstrap")
    server = _service("postgres", "VROEGSIGNAAL_BENCH_DATABASE_URL", "url")
    path = _signal_file(args.signals, args.seed)

    settings = _settings(bootstrap, partitions=args.partitions, batch_size=args.batch_size)
    e2e, sent = streaming_intake(settings, _fresh_database(server), path, args.signals,
                                 args.workers)
    assert sent.bevestigd == args.signals, sent.as_dict()
    raw = raw_consumption(settings, args.signals)

    lat_settings = _settings(bootstrap, partitions=args.partitions, batch_size=args.batch_size)
    lat = latency(lat_settings, _fresh_database(server), args.rate, args.latency_seconds,
                  args.workers)

    file_rate = file_intake(path, _fresh_database(server), args.workers, args.batch_size)
    peak = max(w["peak_rss_mb"] for w in e2e["workers"] + lat["workers"])
    result = {
        "benchmark": "streaming",
        "scoring": scoring,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "signals": args.signals,
        "partitions": args.partitions,
        "workers": args.workers,
        "batch_size": args.batch_size,
        "creditor_compression": args.compression,
        "send": {"records_per_second": round(sent.verzonden / sent.seconden),
                 "seconds": round(sent.seconden, 2)},
        "raw_consumption": raw,
        "streaming_intake": e2e,
        "ratio_streaming_to_raw": round(e2e["records_per_second"] / raw["records_per_second"], 4),
        "file_intake_same_run": file_rate,
        "ratio_streaming_to_file_intake": round(
            e2e["records_per_second"] / file_rate["records_per_second"], 3),
        "latency_produce_to_queue_item": lat,
        "peak_rss_mb_per_consumer_process": peak,
        "targets": {"signals_per_second": 10_000, "p99_seconds": 1.0,
                    "consumer_rss_mb": 300},
        "met": {
            "signals_per_second": e2e["records_per_second"] >= 10_000,
            "p99_seconds": lat["p99_seconds"] < 1.0,
            "consumer_rss_mb": peak < 300,
        },
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(),
                    # other work on a shared machine makes every figure noisy
                    "load_average_start": LOAD_AT_START,
                    "load_average_end": [round(x, 2) for x in os.getloadavg()]},
        "note": "Broker, PostgreSQL (fsync off), producer and consumers share the machine. "
                "Rates: (a) from the first record polled; (b) consumers in a formed group, "
                "the N messages produced in one transaction: from its commit (all N "
                "visible) to the last offset commit, N / seconds; (d) the file intake of the "
                "same file, same processes and batch size, after (b).",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("streaming.json" if args.compression == "none"
                     else f"streaming-{args.compression}.json")
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    try:
        main()
    finally:
        _clean_up()
